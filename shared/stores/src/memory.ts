// In-memory adapters of the store ports: the embedded runtime's shared state and the tests' fakes.
// Bounded where traffic could grow them without limit.
import {
  type AuditEntry,
  BoundedMap,
  type CaseClaim,
  type CaseRank,
  type CaseStore,
  type ClaimOutcome,
  type ContextStore,
  type DecideOptions,
  type DecideOutcome,
  type DecisionLedger,
  type DecisionStore,
  type FinalDecision,
  type GameQueueCounts,
  type ModerationCase,
  type ModerationResult,
  type ModeratorAccount,
  type ModeratorRole,
  type ModeratorSession,
  type ModeratorStore,
  type OffenceStore,
  type PlayerHistory,
  type QueueCounts,
  type QueuedCase,
  type ReviewStats,
  type StoredCase,
  type StoredContextLine,
  type UndoOutcome,
  type WebhookOutbox,
} from '@sinbin/contract';
import { historyOutcome, reviewStatsFrom } from './case-history';

export class MemoryContextStore implements ContextStore {
  private readonly channels = new BoundedMap<string, StoredContextLine[]>(100_000);
  constructor(private readonly perChannel = 50) {}

  async append(channelKey: string, line: StoredContextLine): Promise<void> {
    const lines = this.channels.get(channelKey) ?? [];
    if (lines.some((l) => l.messageId === line.messageId)) return;
    lines.push(line);
    if (lines.length > this.perChannel) lines.splice(0, lines.length - this.perChannel);
    this.channels.set(channelKey, lines);
  }

  async appendAndRecall(channelKey: string, line: StoredContextLine, limit: number): Promise<StoredContextLine[]> {
    await this.append(channelKey, line);
    return this.recent(channelKey, limit, line.messageId);
  }

  async recent(channelKey: string, limit: number, beforeMessageId?: string): Promise<StoredContextLine[]> {
    const lines = this.channels.get(channelKey) ?? [];
    const end = beforeMessageId === undefined ? lines.length : lines.findIndex((l) => l.messageId === beforeMessageId);
    const upTo = end < 0 ? lines.length : end;
    return lines.slice(Math.max(0, upTo - limit), upTo);
  }

  async after(channelKey: string, messageId: string, limit: number): Promise<StoredContextLine[]> {
    const lines = this.channels.get(channelKey) ?? [];
    const at = lines.findIndex((l) => l.messageId === messageId);
    return at < 0 ? [] : lines.slice(at + 1, at + 1 + limit);
  }
}

const decisionKey = (gameId: string, messageId: string) => `${gameId}\u0000${messageId}`;

export class MemoryDecisionLedger implements DecisionLedger, DecisionStore {
  private readonly decisions = new BoundedMap<string, FinalDecision>(2_000_000);

  /** `outbox`: where putOwed owes decisions (the gateway's read model has one, the ledger none). */
  constructor(private readonly outbox?: WebhookOutbox) {}

  async get(gameId: string, messageId: string): Promise<FinalDecision | undefined> {
    return this.decisions.get(decisionKey(gameId, messageId));
  }

  async getMany(gameId: string, messageIds: readonly string[]): Promise<FinalDecision[]> {
    return messageIds.map((id) => this.decisions.get(decisionKey(gameId, id))).filter((d): d is FinalDecision => d !== undefined);
  }

  async putIfAbsent(decision: FinalDecision): Promise<{ decision: FinalDecision; created: boolean }> {
    const key = decisionKey(decision.gameId, decision.messageId);
    const existing = this.decisions.get(key);
    if (existing) return { decision: existing, created: false };
    this.decisions.set(key, decision);
    return { decision, created: true };
  }

  async put(decision: FinalDecision): Promise<boolean> {
    return (await this.putIfAbsent(decision)).created;
  }

  async putOwed(decision: FinalDecision, owed: boolean): Promise<boolean> {
    if (owed && !this.outbox) throw new Error('this decision table has no webhook outbox to owe decisions to');
    // No await between the check and the writes: no other call can come between them.
    const key = decisionKey(decision.gameId, decision.messageId);
    if (this.decisions.get(key)) return false;
    this.decisions.set(key, decision);
    if (owed) await this.outbox!.add(decision);
    return true;
  }

  async revise(decision: FinalDecision): Promise<boolean> {
    const key = decisionKey(decision.gameId, decision.messageId);
    const stored = this.decisions.get(key);
    if ((stored?.revision?.number ?? 0) >= (decision.revision?.number ?? 0)) return false;
    this.decisions.set(key, decision);
    return true;
  }

  get size(): number {
    return this.decisions.size;
  }
}

/** Unconfirmed webhook deliveries, in the order they were added. */
export class MemoryWebhookOutbox implements WebhookOutbox {
  private readonly entries = new Map<string, FinalDecision>();

  async add(decision: FinalDecision): Promise<void> {
    this.entries.set(decisionKey(decision.gameId, decision.messageId), decision);
  }

  async pending(limit: number): Promise<FinalDecision[]> {
    return [...this.entries.values()].slice(0, limit);
  }

  async remove(gameId: string, messageIds: readonly string[]): Promise<void> {
    for (const id of messageIds) this.entries.delete(decisionKey(gameId, id));
  }
}

export class MemoryOffenceStore implements OffenceStore {
  private readonly offences = new BoundedMap<string, { messageId: string; at: number }[]>(500_000);

  async record(gameId: string, playerId: string, messageId: string, at: Date, windowMs: number): Promise<number> {
    const key = decisionKey(gameId, playerId);
    const since = at.getTime() - windowMs;
    const list = (this.offences.get(key) ?? []).filter((o) => o.at >= since);
    if (!list.some((o) => o.messageId === messageId)) list.push({ messageId, at: at.getTime() });
    this.offences.set(key, list);
    return list.length;
  }

  async count(gameId: string, playerId: string, at: Date, windowMs: number): Promise<number> {
    const since = at.getTime() - windowMs;
    return (this.offences.get(decisionKey(gameId, playerId)) ?? []).filter((o) => o.at >= since && o.at <= at.getTime()).length;
  }

  async forget(gameId: string, playerId: string, messageId: string): Promise<void> {
    const key = decisionKey(gameId, playerId);
    const list = this.offences.get(key);
    if (list) this.offences.set(key, list.filter((o) => o.messageId !== messageId));
  }
}

/** The audit log of the in-memory moderation stores, shared by the case and moderator stores. */
export class MemoryAuditTrail {
  private readonly entries: AuditEntry[] = [];
  private seq = 0;

  append(entry: { at: Date; actor: string; action: string; caseId?: string; detail?: Record<string, unknown> }): void {
    this.entries.push({
      seq: ++this.seq,
      at: entry.at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      ...(entry.caseId ? { caseId: entry.caseId } : {}),
      detail: entry.detail ?? {},
    });
  }

  list(filter: { limit: number; before?: number; caseId?: string; actor?: string }): AuditEntry[] {
    const out: AuditEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < filter.limit; i--) {
      const e = this.entries[i]!;
      if (filter.before !== undefined && e.seq >= filter.before) continue;
      if (filter.caseId !== undefined && e.caseId !== filter.caseId) continue;
      if (filter.actor !== undefined && e.actor !== filter.actor) continue;
      out.push(e);
    }
    return out;
  }
}

interface MemoryCase extends CaseRank {
  case: ModerationCase;
  status: StoredCase['status'];
  result?: ModerationResult;
  published?: boolean;
  claimedBy?: string;
  leaseUntil?: number;
  decidedBy?: string;
  undoUntil?: number;
  closedAt?: number;
}

/** Same semantics as SqlCaseStore (cases-sql.ts); a single thread makes every method atomic. */
export class MemoryCaseStore implements CaseStore {
  private readonly cases = new Map<string, MemoryCase>();

  constructor(private readonly trail = new MemoryAuditTrail()) {}

  private static liveClaim(c: MemoryCase, now: Date): CaseClaim | undefined {
    if (c.claimedBy === undefined || c.leaseUntil === undefined || c.leaseUntil <= now.getTime()) return undefined;
    return { moderatorId: c.claimedBy, until: new Date(c.leaseUntil).toISOString() };
  }

  async open(c: ModerationCase, rank?: CaseRank): Promise<{ created: boolean }> {
    if (this.cases.has(c.caseId)) return { created: false };
    this.cases.set(c.caseId, { case: c, status: 'pending', rankAt: rank?.rankAt ?? c.openedAt, priorCases: rank?.priorCases ?? 0, priorBlocks: rank?.priorBlocks ?? 0 });
    return { created: true };
  }

  async get(caseId: string, now = new Date()): Promise<StoredCase | undefined> {
    const c = this.cases.get(caseId);
    if (!c) return undefined;
    const claim = c.status === 'pending' ? MemoryCaseStore.liveClaim(c, now) : undefined;
    return {
      case: c.case,
      status: c.status,
      ...(c.result ? { result: c.result } : {}),
      ...(c.published !== undefined ? { published: c.published } : {}),
      ...(claim ? { claim } : {}),
      ...(c.undoUntil !== undefined && c.published === false ? { undoUntil: new Date(c.undoUntil).toISOString() } : {}),
    };
  }

  private pending(gameId?: string): MemoryCase[] {
    const out: MemoryCase[] = [];
    for (const c of this.cases.values()) if (c.status === 'pending' && (gameId === undefined || c.case.message.gameId === gameId)) out.push(c);
    return out;
  }

  async listPending(filter: { gameId?: string; limit: number }): Promise<ModerationCase[]> {
    return this.pending(filter.gameId)
      .map((c) => c.case)
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
      .slice(0, filter.limit);
  }

  async countPending(gameId?: string): Promise<number> {
    return this.pending(gameId).length;
  }

  async queue(filter: { gameId?: string; games?: readonly string[]; limit: number; now: Date; viewer?: string }): Promise<QueuedCase[]> {
    const at = (c: MemoryCase) => Date.parse(c.rankAt);
    return this.pending(filter.gameId)
      .filter((c) => filter.games === undefined || filter.games.includes(c.case.message.gameId))
      .filter((c) => {
        const claim = MemoryCaseStore.liveClaim(c, filter.now);
        return !claim || claim.moderatorId === filter.viewer;
      })
      .sort((a, b) => at(a) - at(b) || (a.case.caseId < b.case.caseId ? -1 : a.case.caseId > b.case.caseId ? 1 : 0))
      .slice(0, filter.limit)
      .map((c) => {
        const claim = MemoryCaseStore.liveClaim(c, filter.now);
        return { case: c.case, rankAt: new Date(c.rankAt).toISOString(), priorCases: c.priorCases, priorBlocks: c.priorBlocks, ...(claim ? { claim } : {}) };
      });
  }

  async counts(now: Date): Promise<QueueCounts> {
    const games = new Map<string, GameQueueCounts>();
    let awaitingPublish = 0;
    const awaitingByGame: Record<string, number> = {};
    for (const c of this.cases.values()) {
      if (c.published === false) {
        awaitingPublish++;
        awaitingByGame[c.case.message.gameId] = (awaitingByGame[c.case.message.gameId] ?? 0) + 1;
      }
      if (c.status !== 'pending') continue;
      const gameId = c.case.message.gameId;
      const g = games.get(gameId) ?? { gameId, pending: 0, claimed: 0, oldestOpenedAt: c.case.openedAt };
      g.pending++;
      if (MemoryCaseStore.liveClaim(c, now)) g.claimed++;
      if (Date.parse(c.case.openedAt) < Date.parse(g.oldestOpenedAt)) g.oldestOpenedAt = c.case.openedAt;
      games.set(gameId, g);
    }
    const byGame = [...games.values()]
      .map((g) => ({ ...g, oldestOpenedAt: new Date(g.oldestOpenedAt).toISOString() }))
      .sort((a, b) => (a.gameId < b.gameId ? -1 : 1));
    const oldest = byGame.map((g) => g.oldestOpenedAt).sort()[0];
    return {
      pending: byGame.reduce((n, g) => n + g.pending, 0),
      claimed: byGame.reduce((n, g) => n + g.claimed, 0),
      ...(oldest ? { oldestOpenedAt: oldest } : {}),
      awaitingPublish,
      byGame,
      awaitingByGame,
    };
  }

  async reviewStats(q: { since: Date; until: Date; bucketSeconds: number; games?: readonly string[] }): Promise<ReviewStats> {
    const bucketMs = q.bucketSeconds * 1000;
    const inScope = (c: MemoryCase) => q.games === undefined || q.games.includes(c.case.message.gameId);
    const inPeriod = (c: MemoryCase) => c.closedAt !== undefined && c.closedAt >= q.since.getTime() && c.closedAt < q.until.getTime();
    const verdicts = new Map<string, { bucket: Date; moderator: string; decided: number; blocked: number; agreed: number }>();
    const lapsed = new Map<string, number>();
    for (const c of this.cases.values()) {
      if (!inScope(c) || !inPeriod(c) || !c.result) continue;
      if (c.status === 'expired') {
        const lapse = c.result.lapse ?? 'model';
        lapsed.set(lapse, (lapsed.get(lapse) ?? 0) + 1);
        continue;
      }
      if (c.status !== 'decided' || c.result.resolution !== 'moderator') continue;
      const bucket = new Date(Math.floor(c.closedAt! / bucketMs) * bucketMs);
      const moderator = c.decidedBy ?? 'unknown';
      const key = `${bucket.getTime()}\u0000${moderator}`;
      const v = verdicts.get(key) ?? { bucket, moderator, decided: 0, blocked: 0, agreed: 0 };
      v.decided++;
      if (c.result.verdict === 'block') v.blocked++;
      if (c.result.verdict === c.case.provisionalVerdict) v.agreed++;
      verdicts.set(key, v);
    }
    const start = Math.floor(q.since.getTime() / bucketMs) * bucketMs;
    const depth: { at: Date; pending: number; oldest: number | null }[] = [];
    for (let end = start + bucketMs; ; end += bucketMs) {
      const at = Math.min(end, q.until.getTime());
      let pending = 0;
      let oldest: number | null = null;
      for (const c of this.cases.values()) {
        const opened = Date.parse(c.case.openedAt);
        if (!inScope(c) || opened > at || (c.closedAt !== undefined && c.closedAt <= at)) continue;
        pending++;
        oldest = Math.max(oldest ?? 0, (at - opened) / 1000);
      }
      depth.push({ at: new Date(at), pending, oldest });
      if (at >= q.until.getTime()) break;
    }
    const rows = [...verdicts.values()].sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || a.moderator.localeCompare(b.moderator));
    return reviewStatsFrom(rows, [...lapsed].map(([lapse, n]) => ({ lapse, n })), depth);
  }

  async playerHistory(gameId: string, playerId: string, opts: { exceptCaseId?: string; limit: number }): Promise<PlayerHistory> {
    const mine = [...this.cases.values()]
      .filter((c) => c.case.message.gameId === gameId && c.case.message.playerId === playerId && c.case.caseId !== opts.exceptCaseId)
      .sort((a, b) => Date.parse(b.case.openedAt) - Date.parse(a.case.openedAt));
    return {
      cases: mine.length,
      blocked: mine.filter((c) => c.result?.verdict === 'block').length,
      recent: mine.slice(0, opts.limit).map((c) => ({
        caseId: c.case.caseId,
        messageId: c.case.message.messageId,
        text: c.case.message.text,
        openedAt: new Date(c.case.openedAt).toISOString(),
        status: c.status,
        ...historyOutcome(c.result),
      })),
    };
  }

  async claim(caseId: string, moderatorId: string, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    const c = this.cases.get(caseId);
    if (!c) return { status: 'not-found' };
    if (c.status !== 'pending') return { status: 'closed' };
    const held = MemoryCaseStore.liveClaim(c, now);
    if (held && held.moderatorId !== moderatorId) return { status: 'taken', claim: held };
    c.claimedBy = moderatorId;
    c.leaseUntil = now.getTime() + leaseMs;
    const until = new Date(c.leaseUntil).toISOString();
    this.trail.append({ at: now, actor: moderatorId, action: 'claim', caseId, detail: { leaseUntil: until, renewed: held !== undefined } });
    return { status: 'claimed', claim: { moderatorId, until }, renewed: held !== undefined };
  }

  async release(caseId: string, moderatorId: string, now: Date): Promise<boolean> {
    const c = this.cases.get(caseId);
    if (!c || c.status !== 'pending' || MemoryCaseStore.liveClaim(c, now)?.moderatorId !== moderatorId) return false;
    c.claimedBy = undefined;
    c.leaseUntil = undefined;
    this.trail.append({ at: now, actor: moderatorId, action: 'release', caseId });
    return true;
  }

  async releaseLapsed(now: Date, limit: number): Promise<{ caseId: string; gameId: string }[]> {
    const out: { caseId: string; gameId: string }[] = [];
    for (const c of this.cases.values()) {
      if (out.length >= limit) break;
      if (c.claimedBy === undefined || c.leaseUntil === undefined || c.leaseUntil > now.getTime()) continue;
      const holder = c.claimedBy;
      c.claimedBy = undefined;
      c.leaseUntil = undefined;
      if (c.status !== 'pending') continue;
      this.trail.append({ at: now, actor: holder, action: 'lease-lapsed', caseId: c.case.caseId });
      out.push({ caseId: c.case.caseId, gameId: c.case.message.gameId });
    }
    return out;
  }

  async hold(caseId: string, until: Date, now: Date): Promise<boolean> {
    const c = this.cases.get(caseId);
    if (!c || c.status !== 'pending' || c.case.heldAt !== undefined) return false;
    c.case = { ...c.case, dueAt: until.toISOString(), heldAt: now.toISOString() };
    this.trail.append({ at: now, actor: 'deadline', action: 'hold', caseId, detail: { until: until.toISOString() } });
    return true;
  }

  async decide(caseId: string, result: ModerationResult, opts: DecideOptions): Promise<DecideOutcome> {
    const c = this.cases.get(caseId);
    if (!c) return 'not-found';
    if (c.status !== 'pending') return 'already-closed';
    const held = MemoryCaseStore.liveClaim(c, opts.now);
    const mayDecide = held ? held.moderatorId === opts.moderatorId : !opts.requireClaim;
    if (!mayDecide) return 'not-holder';
    Object.assign(c, {
      status: 'decided',
      result,
      published: false,
      closedAt: opts.now.getTime(),
      decidedBy: opts.moderatorId,
      undoUntil: opts.undoUntil?.getTime(),
      claimedBy: undefined,
      leaseUntil: undefined,
    });
    this.trail.append({
      at: opts.now,
      actor: opts.moderatorId,
      action: 'verdict',
      caseId,
      detail: {
        verdict: result.verdict,
        ...(result.category ? { category: result.category } : {}),
        ...(result.action ? { action: result.action } : {}),
        ...(result.note ? { note: result.note } : {}),
        ...(opts.undoUntil ? { undoUntil: opts.undoUntil.toISOString() } : {}),
        ...(opts.requireClaim ? {} : { direct: true }),
      },
    });
    return 'decided';
  }

  async undo(caseId: string, moderatorId: string, now: Date, leaseMs: number): Promise<UndoOutcome> {
    const c = this.cases.get(caseId);
    if (!c) return { status: 'not-found' };
    if (c.status === 'decided' && c.decidedBy !== moderatorId) return { status: 'not-yours' };
    if (c.status !== 'decided' || c.published !== false || c.undoUntil === undefined || c.undoUntil <= now.getTime()) return { status: 'too-late' };
    Object.assign(c, {
      status: 'pending',
      result: undefined,
      published: undefined,
      closedAt: undefined,
      decidedBy: undefined,
      undoUntil: undefined,
      claimedBy: moderatorId,
      leaseUntil: now.getTime() + leaseMs,
    });
    this.trail.append({ at: now, actor: moderatorId, action: 'undo', caseId });
    return { status: 'reopened', claim: { moderatorId, until: new Date(c.leaseUntil!).toISOString() } };
  }

  async close(caseId: string, result: ModerationResult, status: 'decided' | 'expired'): Promise<'closed' | 'already-closed' | 'not-found'> {
    const c = this.cases.get(caseId);
    if (!c) return 'not-found';
    if (c.status !== 'pending') return 'already-closed';
    Object.assign(c, {
      status,
      result,
      published: false,
      closedAt: Date.parse(result.decidedAt),
      decidedBy: result.moderatorId,
      undoUntil: undefined,
      claimedBy: undefined,
      leaseUntil: undefined,
    });
    return 'closed';
  }

  async listUnpublished(limit: number, now = new Date()): Promise<ModerationResult[]> {
    const out: ModerationResult[] = [];
    const due = [...this.cases.values()]
      .filter((c) => c.status !== 'pending' && c.published === false && c.result && (c.undoUntil === undefined || c.undoUntil <= now.getTime()))
      .sort((a, b) => (a.closedAt ?? 0) - (b.closedAt ?? 0));
    for (const c of due.slice(0, limit)) out.push(c.result!);
    return out;
  }

  async markPublished(caseId: string): Promise<void> {
    const c = this.cases.get(caseId);
    if (c && c.published === false) c.published = true;
  }

  async listDue(now: Date, limit: number): Promise<ModerationCase[]> {
    const at = now.getTime();
    return this.pending()
      .filter((c) => Date.parse(c.case.dueAt) <= at)
      .sort((a, b) => Date.parse(a.case.dueAt) - Date.parse(b.case.dueAt))
      .slice(0, limit)
      .map((c) => c.case);
  }
}

interface MemoryAccount extends ModeratorAccount {
  passwordHash: string;
}

export class MemoryModeratorStore implements ModeratorStore {
  private readonly accounts = new Map<string, MemoryAccount>();
  private readonly sessions = new Map<string, { username: string; expiresAt: number }>();

  constructor(private readonly trail = new MemoryAuditTrail()) {}

  async create(account: { username: string; role: ModeratorRole; passwordHash: string; createdBy?: string; games?: readonly string[] }, now: Date): Promise<'created' | 'exists'> {
    if (this.accounts.has(account.username)) return 'exists';
    this.accounts.set(account.username, {
      username: account.username,
      role: account.role,
      games: [...(account.games ?? ['*'])],
      passwordHash: account.passwordHash,
      createdAt: now.toISOString(),
      ...(account.createdBy ? { createdBy: account.createdBy } : {}),
    });
    return 'created';
  }

  async find(username: string): Promise<(ModeratorAccount & { passwordHash: string }) | undefined> {
    const a = this.accounts.get(username);
    return a ? { ...a, games: [...a.games] } : undefined;
  }

  async setGames(username: string, games: readonly string[], by: string, now: Date): Promise<string[] | undefined> {
    const a = this.accounts.get(username);
    if (!a) return undefined;
    const previous = a.games;
    a.games = [...games];
    this.trail.append({ at: now, actor: by, action: 'moderator-games', detail: { username, games: [...games], previous } });
    return previous;
  }

  async list(): Promise<ModeratorAccount[]> {
    return [...this.accounts.values()]
      .sort((a, b) => (a.username < b.username ? -1 : 1))
      .map(({ passwordHash: _hash, ...account }) => ({ ...account, games: [...account.games] }));
  }

  async disable(username: string, now: Date): Promise<boolean> {
    const a = this.accounts.get(username);
    for (const [hash, s] of this.sessions) if (s.username === username) this.sessions.delete(hash);
    if (!a || a.disabledAt) return false;
    a.disabledAt = now.toISOString();
    return true;
  }

  async startSession(tokenHash: string, username: string, _now: Date, expiresAt: Date): Promise<void> {
    this.sessions.set(tokenHash, { username, expiresAt: expiresAt.getTime() });
  }

  async session(tokenHash: string, now: Date): Promise<ModeratorSession | undefined> {
    const s = this.sessions.get(tokenHash);
    const a = s ? this.accounts.get(s.username) : undefined;
    if (!s || !a || a.disabledAt || s.expiresAt <= now.getTime()) return undefined;
    return { username: a.username, role: a.role, games: [...a.games], expiresAt: new Date(s.expiresAt).toISOString() };
  }

  async endSession(tokenHash: string): Promise<void> {
    this.sessions.delete(tokenHash);
  }

  async purgeSessions(now: Date): Promise<number> {
    let n = 0;
    for (const [hash, s] of this.sessions)
      if (s.expiresAt <= now.getTime()) {
        this.sessions.delete(hash);
        n++;
      }
    return n;
  }

  async audit(entry: { at: Date; actor: string; action: string; caseId?: string; detail?: Record<string, unknown> }): Promise<void> {
    this.trail.append(entry);
  }

  async auditLog(filter: { limit: number; before?: number; caseId?: string; actor?: string }): Promise<AuditEntry[]> {
    return this.trail.list(filter);
  }
}
