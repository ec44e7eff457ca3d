// In-memory adapters of the leads' ports (versioned documents, shadow log, decision tallies,
// exposure): tests and a single process. Same semantics as lead-sql.ts; one thread makes every
// method atomic. Audit entries go to the moderation stores' trail, as the SQL adapter's go to
// the audit table.
import type {
  Activation,
  BucketTally,
  DecisionStats,
  DecisionTally,
  DocumentHeads,
  DocumentKind,
  DocumentSource,
  DocumentVersion,
  ExposureCounts,
  ExposureEvent,
  ExposureStore,
  HeadRole,
  Outcome,
  PointOutcome,
  ShadowComparison,
  ShadowLog,
  ShadowTallies,
  VersionedDocuments,
} from '@sinbin/contract';
import { isQuiet, tallyTransitions } from './shadow-tally';
import { MemoryAuditTrail } from './memory';

export class MemoryVersionedDocuments implements VersionedDocuments {
  private readonly versions = new Map<DocumentKind, DocumentVersion[]>();
  private readonly headsByKind = new Map<DocumentKind, DocumentHeads>();
  private readonly moves: (Activation & { kind: DocumentKind; role: HeadRole })[] = [];

  constructor(private readonly trail = new MemoryAuditTrail()) {}

  private list_(kind: DocumentKind): DocumentVersion[] {
    let list = this.versions.get(kind);
    if (!list) this.versions.set(kind, (list = []));
    return list;
  }

  async create(kind: DocumentKind, body: unknown, meta: { by: string; note?: string; source: DocumentSource; contentHash: string; now: Date }): Promise<DocumentVersion> {
    const list = this.list_(kind);
    const version: DocumentVersion = {
      kind,
      version: list.length + 1,
      body: structuredClone(body),
      contentHash: meta.contentHash,
      source: meta.source,
      createdAt: meta.now.toISOString(),
      createdBy: meta.by,
      ...(meta.note ? { note: meta.note } : {}),
    };
    list.push(version);
    this.trail.append({ at: meta.now, actor: meta.by, action: `${kind}-version-created`, detail: { version: version.version, source: meta.source, ...(meta.note ? { note: meta.note } : {}) } });
    return structuredClone(version);
  }

  async seed(kind: DocumentKind, body: unknown, meta: { by: string; source: 'file' | 'default'; contentHash: string; now: Date }): Promise<{ version: number; created: boolean }> {
    const list = this.list_(kind);
    const latestOfSource = [...list].reverse().find((v) => v.source === meta.source);
    const fresh = meta.source === 'file' ? latestOfSource?.contentHash !== meta.contentHash : list.length === 0;
    if (!fresh) return { version: this.headsByKind.get(kind)?.active?.version ?? list.at(-1)?.version ?? 0, created: false };
    const created = await this.create(kind, body, meta);
    await this.point(kind, 'active', created.version, { by: meta.by, now: meta.now, detail: { seeded: meta.source } });
    return { version: created.version, created: true };
  }

  async get(kind: DocumentKind, version: number): Promise<DocumentVersion | undefined> {
    const v = this.list_(kind)[version - 1];
    return v ? structuredClone(v) : undefined;
  }

  async list(kind: DocumentKind, opts: { limit: number; before?: number }): Promise<DocumentVersion[]> {
    return [...this.list_(kind)]
      .reverse()
      .filter((v) => opts.before === undefined || v.version < opts.before)
      .slice(0, opts.limit)
      .map((v) => structuredClone(v));
  }

  async heads(kind: DocumentKind): Promise<DocumentHeads> {
    return structuredClone(this.headsByKind.get(kind) ?? {});
  }

  async point(kind: DocumentKind, role: HeadRole, version: number | null, opts: { by: string; now: Date; expected?: number | null; detail?: Record<string, unknown> }): Promise<PointOutcome> {
    if (version !== null && !this.list_(kind)[version - 1]) return 'not-found';
    const heads = this.headsByKind.get(kind) ?? {};
    const current = heads[role]?.version ?? null;
    if (opts.expected !== undefined && opts.expected !== current) return 'conflict';
    if (current === version) return 'unchanged';
    if (version === null) delete heads[role];
    else heads[role] = { version, since: opts.now.toISOString(), by: opts.by };
    this.headsByKind.set(kind, heads);
    this.moves.push({ kind, role, version, at: opts.now.toISOString(), by: opts.by });
    this.trail.append({ at: opts.now, actor: opts.by, action: headAction(kind, role, version), detail: { version, previous: current, ...opts.detail } });
    return 'moved';
  }

  async activations(kind: DocumentKind, role: HeadRole, limit: number): Promise<Activation[]> {
    return this.moves
      .filter((m) => m.kind === kind && m.role === role)
      .reverse()
      .slice(0, limit)
      .map(({ version, at, by }) => ({ version, at, by }));
  }
}

/** The audit action of a head move: `policy-activated`, `policy-shadow-started`, `policy-shadow-stopped`. */
export function headAction(kind: DocumentKind, role: HeadRole, version: number | null): string {
  if (role === 'active') return `${kind}-activated`;
  return version === null ? `${kind}-shadow-stopped` : `${kind}-shadow-started`;
}

export class MemoryShadowLog implements ShadowLog {
  private readonly rows = new Map<string, ShadowComparison>();
  private readonly quiet = new Map<string, { shadowVersion: number; gameId: string; minute: number; n: number }>();

  constructor(private readonly maxRows = 1_000_000) {}

  async record(rows: readonly ShadowComparison[]): Promise<void> {
    for (const row of rows) {
      if (isQuiet(row)) {
        const minute = Math.floor(Date.parse(row.at) / 60_000) * 60_000;
        const key = `${row.shadowVersion}\u0000${row.gameId}\u0000${minute}`;
        const q = this.quiet.get(key) ?? { shadowVersion: row.shadowVersion, gameId: row.gameId, minute, n: 0 };
        q.n++;
        this.quiet.set(key, q);
        continue;
      }
      const key = `${row.shadowVersion}\u0000${row.gameId}\u0000${row.messageId}`;
      if (this.rows.has(key)) continue;
      this.rows.set(key, structuredClone(row));
      if (this.rows.size > this.maxRows) this.rows.delete(this.rows.keys().next().value!);
    }
  }

  async tallies(q: { shadowVersion: number; since: Date; until: Date; games?: readonly string[]; examples: number }): Promise<ShadowTallies> {
    const inScope = (gameId: string) => q.games === undefined || q.games.includes(gameId);
    const rows = [...this.rows.values()].filter((r) => r.shadowVersion === q.shadowVersion && inScope(r.gameId) && Date.parse(r.at) >= q.since.getTime() && Date.parse(r.at) < q.until.getTime());
    let quiet = 0;
    // Quiet decisions are counted per minute: the minutes that start inside the period (the first one from its start).
    const firstMinute = Math.floor(q.since.getTime() / 60_000) * 60_000;
    for (const x of this.quiet.values()) if (x.shadowVersion === q.shadowVersion && inScope(x.gameId) && x.minute >= firstMinute && x.minute < q.until.getTime()) quiet += x.n;
    const players = { real: {} as Record<string, Set<string>>, wouldBe: {} as Record<string, Set<string>> };
    for (const r of rows) {
      for (const side of ['real', 'wouldBe'] as const) {
        const action = actionKey(r[side]);
        (players[side][action] ??= new Set()).add(`${r.gameId}\u0000${r.playerId}`);
      }
    }
    const count = (m: Record<string, Set<string>>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.size]));
    const differing = rows.filter((r) => !sameOutcome(r.real, r.wouldBe)).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    return { quiet, transitions: tallyTransitions(rows), players: { real: count(players.real), wouldBe: count(players.wouldBe) }, examples: differing.slice(0, q.examples) };
  }

  async purge(before: Date): Promise<number> {
    let n = 0;
    for (const [k, r] of this.rows) if (Date.parse(r.at) < before.getTime() && this.rows.delete(k)) n++;
    for (const [k, x] of this.quiet) if (x.minute < before.getTime() && this.quiet.delete(k)) n++;
    return n;
  }
}

/** The action an outcome gave, `pending` when its verdict is not known (sent on for analysis or review). */
export const actionKey = (o: Outcome): string => o.action ?? 'pending';

export const sameOutcome = (a: Outcome, b: Outcome): boolean =>
  a.path === b.path && a.verdict === b.verdict && a.action === b.action && (a.durationSeconds ?? null) === (b.durationSeconds ?? null);

export class MemoryDecisionStats implements DecisionStats {
  private readonly rows = new Map<string, DecisionTally>();

  async add(tallies: readonly DecisionTally[]): Promise<void> {
    for (const t of tallies) {
      const key = [t.slot, t.gameId, t.path, t.verdict, t.action, t.category ?? '', t.modelVersion, t.policyVersion ?? 0].join('\u0000');
      const row = this.rows.get(key);
      if (row) {
        row.count += t.count;
        row.latencyMsSum += t.latencyMsSum;
      } else this.rows.set(key, { ...t });
    }
    // About a day of slots is plenty for one process; older ones go first.
    if (this.rows.size > 200_000) for (const k of [...this.rows.keys()].slice(0, this.rows.size - 200_000)) this.rows.delete(k);
  }

  async query(q: { since: Date; until: Date; bucketSeconds: number; games?: readonly string[] }): Promise<BucketTally[]> {
    const bucketMs = q.bucketSeconds * 1000;
    const out = new Map<string, BucketTally>();
    for (const t of this.rows.values()) {
      const slot = Date.parse(t.slot);
      if (slot < q.since.getTime() || slot >= q.until.getTime()) continue;
      if (q.games !== undefined && !q.games.includes(t.gameId)) continue;
      const bucket = new Date(Math.floor(slot / bucketMs) * bucketMs).toISOString();
      const key = [bucket, t.gameId, t.path, t.verdict, t.action, t.category ?? '', t.modelVersion, t.policyVersion ?? 0].join('\u0000');
      const row = out.get(key);
      if (row) {
        row.count += t.count;
        row.latencyMsSum += t.latencyMsSum;
      } else {
        const { slot: _slot, ...rest } = t;
        out.set(key, { ...rest, bucket });
      }
    }
    return [...out.values()].sort((a, b) => a.bucket.localeCompare(b.bucket));
  }
}

export class MemoryExposureStore implements ExposureStore {
  private readonly events = new Map<string, ExposureEvent>();
  private readonly breaks = new Map<string, number[]>();

  async record(e: ExposureEvent): Promise<boolean> {
    const key = `${e.username}\u0000${e.caseId}\u0000${e.kind}`;
    if (this.events.has(key)) return false;
    this.events.set(key, { ...e });
    return true;
  }

  async takeBreak(username: string, at: Date): Promise<void> {
    const list = this.breaks.get(username) ?? [];
    list.push(at.getTime());
    this.breaks.set(username, list);
  }

  async counts(q: { since: Date; until: Date; username?: string }): Promise<ExposureCounts[]> {
    const by = new Map<string, ExposureCounts>();
    const inPeriod = (t: number) => t >= q.since.getTime() && t < q.until.getTime();
    const lastBreak = (u: string) => Math.max(-Infinity, ...(this.breaks.get(u) ?? []).filter(inPeriod));
    for (const e of this.events.values()) {
      if ((q.username !== undefined && e.username !== q.username) || !inPeriod(e.at.getTime())) continue;
      const c = by.get(e.username) ?? { username: e.username, viewed: 0, severe: 0, reveals: 0, severeSinceBreak: 0 };
      if (e.kind === 'reveal') c.reveals++;
      else {
        c.viewed++;
        if (e.severe) {
          c.severe++;
          if (e.at.getTime() > lastBreak(e.username)) c.severeSinceBreak++;
        }
      }
      const at = e.at.toISOString();
      if (!c.firstAt || at < c.firstAt) c.firstAt = at;
      if (!c.lastAt || at > c.lastAt) c.lastAt = at;
      by.set(e.username, c);
    }
    for (const c of by.values()) {
      const b = lastBreak(c.username);
      if (Number.isFinite(b)) c.lastBreakAt = new Date(b).toISOString();
    }
    if (q.username !== undefined && !by.has(q.username)) {
      const b = lastBreak(q.username);
      return [{ username: q.username, viewed: 0, severe: 0, reveals: 0, severeSinceBreak: 0, ...(Number.isFinite(b) ? { lastBreakAt: new Date(b).toISOString() } : {}) }];
    }
    return [...by.values()].sort((a, b) => a.username.localeCompare(b.username));
  }
}
