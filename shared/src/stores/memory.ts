// In-memory adapters of the store ports: the embedded runtime's shared state and the tests' fakes.
// Bounded where traffic could grow them without limit.
import type {
  CaseStore,
  ContextStore,
  DecisionLedger,
  DecisionStore,
  OffenceStore,
  StoredCase,
  StoredContextLine,
} from '../ports';
import type { FinalDecision, ModerationCase, ModerationResult } from '../events';

/** A Map that forgets its oldest entries past `capacity`. */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  has(key: K): boolean {
    return this.map.has(key);
  }
  set(key: K, value: V): void {
    if (!this.map.has(key) && this.map.size >= this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
  }
  get size(): number {
    return this.map.size;
  }
}

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

  async get(gameId: string, messageId: string): Promise<FinalDecision | undefined> {
    return this.decisions.get(decisionKey(gameId, messageId));
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

  get size(): number {
    return this.decisions.size;
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
}

export class MemoryCaseStore implements CaseStore {
  private readonly cases = new Map<string, StoredCase>();

  async open(c: ModerationCase): Promise<{ created: boolean }> {
    if (this.cases.has(c.caseId)) return { created: false };
    this.cases.set(c.caseId, { case: c, status: 'pending' });
    return { created: true };
  }

  async get(caseId: string): Promise<StoredCase | undefined> {
    return this.cases.get(caseId);
  }

  private pending(gameId?: string): ModerationCase[] {
    const out: ModerationCase[] = [];
    for (const s of this.cases.values()) if (s.status === 'pending' && (!gameId || s.case.message.gameId === gameId)) out.push(s.case);
    return out;
  }

  async listPending(filter: { gameId?: string; limit: number }): Promise<ModerationCase[]> {
    return this.pending(filter.gameId)
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
      .slice(0, filter.limit);
  }

  async countPending(gameId?: string): Promise<number> {
    return this.pending(gameId).length;
  }

  async close(caseId: string, result: ModerationResult, status: 'decided' | 'expired'): Promise<'closed' | 'already-closed' | 'not-found'> {
    const stored = this.cases.get(caseId);
    if (!stored) return 'not-found';
    if (stored.status !== 'pending') return 'already-closed';
    this.cases.set(caseId, { ...stored, status, result, published: false });
    return 'closed';
  }

  async listUnpublished(limit: number): Promise<ModerationResult[]> {
    const out: ModerationResult[] = [];
    for (const s of this.cases.values()) {
      if (s.status !== 'pending' && s.published === false && s.result) out.push(s.result);
      if (out.length >= limit) break;
    }
    return out;
  }

  async markPublished(caseId: string): Promise<void> {
    const stored = this.cases.get(caseId);
    if (stored) stored.published = true;
  }

  async listDue(now: Date, limit: number): Promise<ModerationCase[]> {
    const iso = now.toISOString();
    return this.pending()
      .filter((c) => c.dueAt <= iso)
      .slice(0, limit);
  }
}
