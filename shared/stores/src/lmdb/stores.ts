// The store ports on the embedded state database (state.ts). A write is issued, not awaited: it
// is in the same ordered stream of transactions as the step's outputs and its consumer's offset,
// which come after it, so it is on disk before they are, and the step waits for one commit (its
// outputs') instead of one per store. Reads see this process's pending writes (a map of them),
// so check-then-write methods (putIfAbsent, record) are atomic within the process. A write that
// fails stops the log (StateDb.failure): a restart resumes from what reached the disk.
import type {
  ContextStore,
  DecisionLedger,
  DecisionStore,
  FinalDecision,
  OffenceStore,
  StoredContextLine,
  WebhookOutbox,
} from '@sinbin/contract';
import type { Database } from 'lmdb';
import type { LmdbKey, StateDb } from './state';

type Key = (string | number)[];

const REMOVED = Symbol('removed');

/** A table whose reads see this process's writes before they commit. */
class PendingTable<V> {
  private readonly pending = new Map<string, V | typeof REMOVED>();

  constructor(
    private readonly state: StateDb,
    readonly db: Database<V, LmdbKey>,
  ) {}

  get(key: Key): V | undefined {
    const p = this.pending.get(key.join('\u0000'));
    if (p !== undefined) return p === REMOVED ? undefined : p;
    return this.db.get(key);
  }

  put(key: Key, value: V): void {
    this.settle(key, value, this.state.put(this.db, key, value));
  }

  remove(key: Key): void {
    this.settle(key, REMOVED, this.state.remove(this.db, key));
  }

  private settle(key: Key, value: V | typeof REMOVED, write: Promise<void>): void {
    const id = key.join('\u0000');
    this.pending.set(id, value);
    this.state.track(write);
    const done = () => {
      if (this.pending.get(id) === value) this.pending.delete(id);
    };
    write.then(done, done);
  }
}

interface ContextEntry {
  seq: number;
  line: StoredContextLine;
}

/**
 * The last `perChannel` lines of each channel, one key per line: [channelKey, seq]. The channels
 * seen lately are also kept in memory (this process is the database's only writer, so its copy is
 * the truth): reading a channel's lines back from the database on every message cost about 6 % of
 * the embedded runtime's main thread (bench/README.md).
 */
export class LmdbContextStore implements ContextStore {
  private readonly db: Database<StoredContextLine, LmdbKey>;
  private readonly pending = new Map<string, ContextEntry[]>();
  /** Recently used channels' lines, oldest channel first (a Map keeps insertion order). */
  private readonly cache = new Map<string, ContextEntry[]>();

  constructor(
    private readonly state: StateDb,
    private readonly perChannel = 50,
    private readonly cachedChannels = 5_000,
  ) {
    this.db = state.table('context');
  }

  /** A channel's lines, oldest first: the array kept in the cache (append changes it in place). */
  private lines(channelKey: string): ContextEntry[] {
    const cached = this.cache.get(channelKey);
    if (cached) {
      this.cache.delete(channelKey);
      this.cache.set(channelKey, cached);
      return cached;
    }
    const stored: ContextEntry[] = [];
    for (const { key, value } of this.db.getRange({ start: [channelKey, 0], end: [channelKey, Number.MAX_SAFE_INTEGER] })) {
      stored.push({ seq: (key as Key)[1] as number, line: value });
    }
    const pending = this.pending.get(channelKey) ?? [];
    const last = stored.at(-1)?.seq ?? 0;
    const lines = [...stored, ...pending.filter((p) => p.seq > last)];
    this.cache.set(channelKey, lines);
    if (this.cache.size > this.cachedChannels) this.cache.delete(this.cache.keys().next().value!);
    return lines;
  }

  async append(channelKey: string, line: StoredContextLine): Promise<void> {
    const lines = this.lines(channelKey);
    if (lines.some((l) => l.line.messageId === line.messageId)) return;
    const entry = { seq: (lines.at(-1)?.seq ?? 0) + 1, line };
    const pending = this.pending.get(channelKey) ?? [];
    pending.push(entry);
    this.pending.set(channelKey, pending);
    lines.push(entry);
    const writes = [this.state.put(this.db, [channelKey, entry.seq], line)];
    for (const old of lines.splice(0, Math.max(0, lines.length - this.perChannel))) writes.push(this.state.remove(this.db, [channelKey, old.seq]));
    for (const w of writes) this.state.track(w);
    const done = () => {
      const left = (this.pending.get(channelKey) ?? []).filter((p) => p !== entry);
      if (left.length > 0) this.pending.set(channelKey, left);
      else this.pending.delete(channelKey);
    };
    Promise.all(writes).then(done, done);
  }

  async appendAndRecall(channelKey: string, line: StoredContextLine, limit: number): Promise<StoredContextLine[]> {
    await this.append(channelKey, line);
    return this.recent(channelKey, limit, line.messageId);
  }

  async recent(channelKey: string, limit: number, beforeMessageId?: string): Promise<StoredContextLine[]> {
    const lines = this.lines(channelKey).slice(-this.perChannel).map((e) => e.line);
    const end = beforeMessageId === undefined ? lines.length : lines.findIndex((l) => l.messageId === beforeMessageId);
    const upTo = end < 0 ? lines.length : end;
    return lines.slice(Math.max(0, upTo - limit), upTo);
  }

  async after(channelKey: string, messageId: string, limit: number): Promise<StoredContextLine[]> {
    const lines = this.lines(channelKey).slice(-this.perChannel).map((e) => e.line);
    const at = lines.findIndex((l) => l.messageId === messageId);
    return at < 0 ? [] : lines.slice(at + 1, at + 1 + limit);
  }
}

/** The decision ledger or the gateway's read model: [gameId, messageId] -> the first decision. */
export class LmdbDecisionTable implements DecisionLedger, DecisionStore {
  private readonly table: PendingTable<FinalDecision>;

  /** `outbox`: where putOwed owes decisions (the gateway's read model has one, the ledger none). */
  constructor(state: StateDb, name: 'ledger' | 'decisions', private readonly outbox?: LmdbWebhookOutbox) {
    this.table = new PendingTable(state, state.table(name));
  }

  async get(gameId: string, messageId: string): Promise<FinalDecision | undefined> {
    return this.table.get([gameId, messageId]);
  }

  async getMany(gameId: string, messageIds: readonly string[]): Promise<FinalDecision[]> {
    const out: FinalDecision[] = [];
    for (const id of messageIds) {
      const d = this.table.get([gameId, id]);
      if (d) out.push(d);
    }
    return out;
  }

  async putIfAbsent(decision: FinalDecision): Promise<{ decision: FinalDecision; created: boolean }> {
    const key = [decision.gameId, decision.messageId];
    const existing = this.table.get(key);
    if (existing) return { decision: existing, created: false };
    this.table.put(key, decision);
    return { decision, created: true };
  }

  async put(decision: FinalDecision): Promise<boolean> {
    return (await this.putIfAbsent(decision)).created;
  }

  /** Both puts join the state database's current write batch: they reach the disk together. */
  async putOwed(decision: FinalDecision, owed: boolean): Promise<boolean> {
    if (owed && !this.outbox) throw new Error('this decision table has no webhook outbox to owe decisions to');
    const key = [decision.gameId, decision.messageId];
    if (this.table.get(key)) return false;
    this.table.put(key, decision);
    if (owed) this.outbox!.owe(decision);
    return true;
  }

  async revise(decision: FinalDecision): Promise<boolean> {
    const key = [decision.gameId, decision.messageId];
    if ((this.table.get(key)?.revision?.number ?? 0) >= (decision.revision?.number ?? 0)) return false;
    this.table.put(key, decision);
    return true;
  }

  /** Committed decisions (a count over the table: for tests and tools, not the hot path). */
  get size(): number {
    return this.table.db.getCount();
  }
}

interface Offence {
  messageId: string;
  at: number;
}

/** Offences per player inside the longest window asked for: [gameId, playerId] -> offences. */
export class LmdbOffenceStore implements OffenceStore {
  private readonly table: PendingTable<Offence[]>;

  constructor(state: StateDb) {
    this.table = new PendingTable(state, state.table('offences'));
  }

  async record(gameId: string, playerId: string, messageId: string, at: Date, windowMs: number): Promise<number> {
    const key = [gameId, playerId];
    const since = at.getTime() - windowMs;
    const list = (this.table.get(key) ?? []).filter((o) => o.at >= since);
    if (list.some((o) => o.messageId === messageId)) return list.length;
    list.push({ messageId, at: at.getTime() });
    this.table.put(key, list);
    return list.length;
  }

  async count(gameId: string, playerId: string, at: Date, windowMs: number): Promise<number> {
    const since = at.getTime() - windowMs;
    return (this.table.get([gameId, playerId]) ?? []).filter((o) => o.at >= since && o.at <= at.getTime()).length;
  }

  async forget(gameId: string, playerId: string, messageId: string): Promise<void> {
    const list = this.table.get([gameId, playerId]);
    if (list?.some((o) => o.messageId === messageId)) this.table.put([gameId, playerId], list.filter((o) => o.messageId !== messageId));
  }
}

/** Unconfirmed webhook deliveries: [gameId, messageId] -> decision. */
export class LmdbWebhookOutbox implements WebhookOutbox {
  private readonly table: PendingTable<FinalDecision>;

  constructor(private readonly state: StateDb) {
    this.table = new PendingTable(state, state.table('webhook-outbox'));
  }

  /** An add resolves at once; a webhook goes out only once it is on disk, so no crash can take back a decision a game has seen. */
  durable(): PromiseLike<unknown> {
    return this.state.flushed();
  }

  async add(decision: FinalDecision): Promise<void> {
    this.owe(decision);
  }

  /** add, at once (LmdbDecisionTable.putOwed writes it beside the decision). */
  owe(decision: FinalDecision): void {
    this.table.put([decision.gameId, decision.messageId], decision);
  }

  async pending(limit: number): Promise<FinalDecision[]> {
    const out: FinalDecision[] = [];
    for (const { value } of this.table.db.getRange({ limit })) out.push(value);
    return out;
  }

  async remove(gameId: string, messageIds: readonly string[]): Promise<void> {
    for (const id of messageIds) this.table.remove([gameId, id]);
  }
}
