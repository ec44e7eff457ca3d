// The embedded default's topic log on the state database (@sinbin/stores/lmdb): the bus's
// LogStorage. Each partition's records are written in chunks, one key per partition and group
// commit ([topic, partition, firstOffset, lastOffset, lastTimestamp] -> records), so a busy
// batch costs one key per partition it touches, and removing what every group has read, or what
// is past its topic's retention, is a scan of keys alone. Committed offsets go in the same
// transaction as the batch the bus writes them with.
import { DEAD_LETTER_SUFFIX, isTopicName, TOPICS } from '@sinbin/contract';
import type { LmdbKey, StateDb } from '@sinbin/stores/lmdb';
import type { Database } from 'lmdb';
import type { BusRecord, LogStorage, OffsetCommit } from './memory-bus';

/** One record in a chunk: key, value, headers, timestamp (its offset follows from its place). */
type StoredRecord = [string | null, string, Record<string, string>, number];
type ChunkKey = [string, number, number, number, number];

const DAY = 24 * 60 * 60 * 1000;

/** A topic's retention from the registry; a dead-letter topic keeps its topic's. */
export function retentionOf(topic: string): number {
  const base = topic.endsWith(DEAD_LETTER_SUFFIX) ? topic.slice(0, -DEAD_LETTER_SUFFIX.length) : topic;
  return isTopicName(base) ? TOPICS[base].retentionMs : 7 * DAY;
}

export interface LmdbLogOptions {
  retentionMs?: (topic: string) => number;
  /** How often chunks every group has passed are removed. */
  sweepMs?: number;
  /** How often every chunk is checked against its topic's retention. */
  retentionSweepMs?: number;
  onError?: (error: unknown, what: string) => void;
}

export class LmdbLog implements LogStorage {
  private readonly chunks: Database<StoredRecord[], LmdbKey>;
  private readonly next: Database<number, LmdbKey>;
  private readonly topics: Database<number, LmdbKey>;
  private readonly offsets: Database<number, LmdbKey>;
  private readonly released = new Map<string, { topic: string; partition: number; before: number }>();
  private readonly timer: NodeJS.Timeout;
  private lastRetentionSweep = Date.now();
  private closed = false;

  constructor(
    private readonly state: StateDb,
    private readonly opts: LmdbLogOptions = {},
  ) {
    this.chunks = state.table('log');
    this.next = state.table('log-next');
    this.topics = state.table('log-topics');
    this.offsets = state.table('log-offsets');
    this.timer = setInterval(() => this.sweep(), opts.sweepMs ?? 1000);
    this.timer.unref();
  }

  partitions(topic: string, wanted: number): number {
    const stored = this.topics.get(topic);
    if (stored !== undefined) return stored;
    this.state.put(this.topics, topic, wanted).catch((e: unknown) => this.opts.onError?.(e, 'topic creation'));
    return wanted;
  }

  load(topic: string, partition: number): { base: number; records: BusRecord[] } {
    const records: BusRecord[] = [];
    for (const { key, value } of this.chunks.getRange({ start: [topic, partition], end: [topic, partition + 1] })) {
      const [, , first] = key as ChunkKey;
      value.forEach(([k, v, headers, timestamp], i) => records.push({ topic, partition, offset: first + i, key: k, value: v, headers, timestamp }));
    }
    const base = records[0]?.offset ?? this.next.get([topic, partition]) ?? 0;
    return { base, records };
  }

  async append(records: readonly BusRecord[], offsets: readonly OffsetCommit[]): Promise<{ flushed: PromiseLike<unknown> }> {
    if (this.closed) throw new Error('log is closed');
    // A store write that failed may be one these records depend on: nothing moves on until a restart.
    if (this.state.failure !== undefined) throw new Error(`the state database could not be written (${String(this.state.failure)}); restart to resume from what is on disk`);
    const byPartition = new Map<string, BusRecord[]>();
    for (const r of records) {
      const tp = `${r.topic}\u0000${r.partition}`;
      const list = byPartition.get(tp) ?? [];
      list.push(r);
      byPartition.set(tp, list);
    }
    // Through the state's one ordered queue, never lmdb-js's own put: a put of its own commits on
    // lmdb-js's schedule, so records and offsets could reach the disk before the store writes
    // queued ahead of them (a decision published, its ledger entry lost in a crash), and a 202
    // could be answered before its record was on disk.
    const writes: Promise<void>[] = [];
    for (const list of byPartition.values()) {
      const first = list[0]!;
      const last = list.at(-1)!;
      const key: ChunkKey = [first.topic, first.partition, first.offset, last.offset, last.timestamp];
      writes.push(this.state.put(this.chunks, key, list.map((r): StoredRecord => [r.key, r.value, r.headers, r.timestamp])));
      writes.push(this.state.put(this.next, [first.topic, first.partition], last.offset + 1));
    }
    for (const o of offsets) writes.push(this.state.put(this.offsets, [o.group, o.topic, o.partition], o.next));
    // The writes share one transaction (queued in one turn), committed after every write queued
    // before them; with sync on, a commit resolves once it is on disk.
    await Promise.all(writes);
    return { flushed: this.state.flushed() };
  }

  committed(group: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const { key, value } of this.offsets.getRange({ start: [group] })) {
      const [g, topic, partition] = key as [string, string, number];
      if (g !== group) break;
      out.set(`${topic}\u0000${partition}`, value);
    }
    return out;
  }

  release(topic: string, partition: number, before: number): void {
    const tp = `${topic}\u0000${partition}`;
    const known = this.released.get(tp);
    if (!known || before > known.before) this.released.set(tp, { topic, partition, before });
  }

  /** Removes chunks every group has passed, and (now and then) chunks past their topic's retention. */
  sweep(now = Date.now()): void {
    if (this.closed) return;
    for (const { topic, partition, before } of this.released.values()) {
      for (const key of this.chunks.getKeys({ start: [topic, partition], end: [topic, partition, before] })) {
        if ((key as ChunkKey)[3] < before) this.remove(key as ChunkKey);
      }
    }
    this.released.clear();
    if (now - this.lastRetentionSweep < (this.opts.retentionSweepMs ?? 60_000)) return;
    this.lastRetentionSweep = now;
    const retention = this.opts.retentionMs ?? retentionOf;
    let topic: string | undefined;
    let cutoff = 0;
    for (const key of this.chunks.getKeys()) {
      const [t, , , , at] = key as ChunkKey;
      if (t !== topic) {
        topic = t;
        cutoff = now - retention(t);
      }
      if (at < cutoff) this.remove(key as ChunkKey);
    }
  }

  private remove(key: ChunkKey): void {
    this.state.remove(this.chunks, key).catch((e: unknown) => this.opts.onError?.(e, 'log cleanup'));
  }

  pendingWrites(): number {
    return this.state.pending;
  }

  /** Chunks and records on disk, per topic: for tests and the state's own metrics. */
  retained(): Map<string, { chunks: number; records: number }> {
    const out = new Map<string, { chunks: number; records: number }>();
    for (const key of this.chunks.getKeys()) {
      const [topic, , first, last] = key as ChunkKey;
      const t = out.get(topic) ?? { chunks: 0, records: 0 };
      t.chunks++;
      t.records += last - first + 1;
      out.set(topic, t);
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    this.sweep();
    this.closed = true;
    await this.state.flushed().catch(() => undefined);
  }
}
