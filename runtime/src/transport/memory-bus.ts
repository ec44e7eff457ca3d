// The embedded runtime's topic bus: partitioned by key with Kafka's partitioner, ordered per
// partition, at-least-once per consumer group with commit-after-success, redelivery with
// backoff. Same semantics the Kafka path has, in one process and without a broker.
// With a LogStorage (lmdb-log.ts, the embedded default) a record is written before anyone sees
// it: publishes queue up while one batch is being written, and the next batch takes all of them
// (group commit). The log is one ordered stream of transactions, flushed in order, holding the
// records, the consumers' offsets and the functions' stores, and a consumer's offset is queued
// behind its outputs: it can never reach the disk before they do. So a step hands its outputs to
// the queue and moves on (`inLog()`), while a publish from outside the log, the gateway's 202,
// waits until its batch is flushed to disk. A write that fails stops the log until a restart,
// which resumes from what the disk holds. Without a storage (unit tests) everything is in memory.
import { isTopicName, type Publisher, type RawDelivery, TOPICS, type WireRecord } from '@sinbin/contract';
import { fromBusRecord } from './decoders';
import { partitionFor } from './partitioner';

export interface BusRecord extends WireRecord {
  partition: number;
  offset: number;
  timestamp: number;
}

/** What a consumer tells the bus: commit and move on, or redeliver the same record later. */
export type Ack = 'commit' | 'redeliver';

export type BusHandler = (delivery: RawDelivery, attempt: number) => Promise<Ack>;

export interface SubscribeOptions {
  /** Delay before redelivery n is 2^(n-1) * base, capped by maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** Where the bus keeps its records and offsets across restarts. */
export interface LogStorage {
  /** The partition count a topic was first created with; it keeps it from then on (keys stay on their partition). */
  partitions(topic: string, wanted: number): number;
  /** What is retained of one partition: its records (oldest first) and the offset the first of them has. */
  load(topic: string, partition: number): { base: number; records: BusRecord[] };
  /**
   * Writes records and offsets in one transaction, after every state write issued before. Resolves
   * once it is committed; `flushed` once it (and all before it) is on disk.
   */
  append(records: readonly BusRecord[], offsets: readonly OffsetCommit[]): Promise<{ flushed: PromiseLike<unknown> }>;
  /** A group's committed offsets, by `${topic}\u0000${partition}`. */
  committed(group: string): Map<string, number>;
  /** Every group reading the partition has passed `before`: what lies before it may be removed. */
  release(topic: string, partition: number, before: number): void;
  /** Writes (the stores' included) not committed yet. */
  pendingWrites(): number;
  close(): Promise<void>;
}

export interface OffsetCommit {
  group: string;
  topic: string;
  partition: number;
  next: number;
}

/** How long a publish waits: until its batch is flushed to disk, or only until it is queued in order. */
type Wait = 'flushed' | 'queued';

interface PendingPublish {
  records: readonly WireRecord[];
  wait: Wait;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface PartitionLog {
  base: number;
  records: BusRecord[];
}

interface Subscription {
  group: string;
  topics: Set<string>;
  handler: BusHandler;
  options: Required<SubscribeOptions>;
  committed: Map<string, number>;
  running: Set<string>;
}

export class MemoryBus implements Publisher {
  private readonly logs = new Map<string, PartitionLog[]>();
  private readonly subscriptions: Subscription[] = [];
  private stopped = false;
  private paused: boolean;
  private readonly queue: PendingPublish[] = [];
  /** Offsets committed since the last batch, written with the next one. */
  private readonly offsets = new Map<string, OffsetCommit>();
  private scheduled: NodeJS.Immediate | undefined;
  /** The last batch handed to the storage, placed (or failed); batches settle in this order. */
  private lastWrite: Promise<void> = Promise.resolve();
  private pendingWrites = 0;
  /** Next offset per partition, counting records handed to the storage and not placed yet. */
  private readonly nextOffsets = new Map<string, number>();
  private failure: unknown;
  private offsetTimer: NodeJS.Timeout | undefined;
  /** Handler calls under way, so close() can let them finish before the storage goes. */
  private readonly handling = new Set<Promise<Ack>>();

  constructor(
    private readonly opts: {
      retainUnconsumed?: number;
      partitions?: (topic: string) => number;
      storage?: LogStorage;
      /** Deliver nothing until resume(): lets every group subscribe before any record is trimmed. */
      paused?: boolean;
    } = {},
  ) {
    this.paused = opts.paused ?? false;
  }

  partitionCount(topic: string): number {
    const wanted = this.opts.partitions ? this.opts.partitions(topic) : isTopicName(topic) ? TOPICS[topic].partitions : 1;
    return this.opts.storage ? this.opts.storage.partitions(topic, wanted) : wanted;
  }

  private partitions(topic: string): PartitionLog[] {
    let logs = this.logs.get(topic);
    if (!logs) {
      const storage = this.opts.storage;
      logs = Array.from({ length: this.partitionCount(topic) }, (_, p) => (storage ? storage.load(topic, p) : { base: 0, records: [] }));
      this.logs.set(topic, logs);
    }
    return logs;
  }

  /** Resolves once the records are on disk (with a storage): for publishers outside the log. */
  publish(records: readonly WireRecord[]): Promise<void> {
    return this.enqueue(records, 'flushed');
  }

  /**
   * The publisher of a consumer's outputs: resolves once they are queued, in order, ahead of the
   * consumer's offset, which therefore never reaches the disk before them.
   */
  inLog(): Publisher {
    return { publish: (records) => this.enqueue(records, 'queued') };
  }

  private enqueue(records: readonly WireRecord[], wait: Wait): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('bus is stopped'));
    if (this.failure !== undefined) return Promise.reject(new Error(`the log cannot be written (${String(this.failure)}); restart to resume from what is on disk`));
    if (!this.opts.storage) {
      this.place(records);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, wait, resolve, reject });
      if (wait === 'queued') resolve();
      this.startWriting();
    });
  }

  private startWriting(): void {
    // On the next turn, so everything published in this one shares the batch.
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      this.writeQueued();
    });
  }

  /**
   * Hands what is queued to the storage as one batch, at once: the storage's own writer commits
   * batches in order, each taking whatever was handed over while the one before was committing
   * (group commit). Records are placed for consumers as their batch commits, in order.
   */
  private writeQueued(): void {
    const storage = this.opts.storage!;
    if (this.failure !== undefined || (this.queue.length === 0 && this.offsets.size === 0)) return;
    const batch = this.queue.splice(0);
    const offsets = [...this.offsets.values()];
    this.offsets.clear();
    const placed = this.assign(batch.flatMap((b) => b.records));
    const appended = storage.append(placed, offsets);
    this.pendingWrites++;
    this.lastWrite = this.lastWrite
      .then(() => appended)
      .then(
        ({ flushed }) => {
          if (this.failure !== undefined) throw this.failure;
          this.place(placed);
          for (const b of batch) if (b.wait === 'flushed') flushed.then(b.resolve, b.reject);
        },
        (error: unknown) => {
          // Consumers may have moved on past records whose outputs this batch held: only a
          // restart, from the offsets on disk, can redo them. Nothing more is written until then.
          this.failure ??= error;
          throw error;
        },
      )
      .catch((error: unknown) => {
        for (const b of [...batch, ...this.queue.splice(0)]) b.reject(error);
      })
      .finally(() => this.pendingWrites--);
  }

  private commitOffset(commit: OffsetCommit): void {
    if (!this.opts.storage) return;
    this.offsets.set(`${commit.group}\u0000${commit.topic}\u0000${commit.partition}`, commit);
    // Offsets ride with the next batch; without one coming, a timer writes them.
    this.offsetTimer ??= setTimeout(() => {
      this.offsetTimer = undefined;
      if (this.offsets.size > 0 && !this.stopped) this.startWriting();
    }, 100);
  }

  /** Partitions and offsets for records not yet in the log, in order, without placing them. */
  private assign(records: readonly WireRecord[]): BusRecord[] {
    const at = Date.now();
    return records.map((record) => {
      const logs = this.partitions(record.topic);
      const partition = record.key === null ? Math.floor(Math.random() * logs.length) : partitionFor(record.key, logs.length);
      const tp = `${record.topic}\u0000${partition}`;
      const log = logs[partition]!;
      const offset = this.nextOffsets.get(tp) ?? log.base + log.records.length;
      this.nextOffsets.set(tp, offset + 1);
      return { topic: record.topic, key: record.key, value: record.value, headers: record.headers, partition, offset, timestamp: at };
    });
  }

  /** Appends records to their partitions (assigning positions to those without) and wakes the readers. */
  private place(records: readonly (WireRecord | BusRecord)[]): void {
    const positioned = records.every((r) => 'offset' in r) ? (records as BusRecord[]) : this.assign(records);
    const touched = new Set<string>();
    for (const record of positioned) {
      this.partitions(record.topic)[record.partition]!.records.push(record);
      touched.add(`${record.topic}\u0000${record.partition}`);
    }
    for (const tp of touched) {
      const [topic, p] = tp.split('\u0000') as [string, string];
      this.wake(topic, Number(p));
    }
  }

  /** Starts delivering (see the paused option). */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const sub of this.subscriptions) for (const topic of sub.topics) this.partitions(topic).forEach((_, p) => this.pump(sub, topic, p));
  }

  subscribe(group: string, topics: readonly string[], handler: BusHandler, options: SubscribeOptions = {}): void {
    const sub: Subscription = {
      group,
      topics: new Set(topics),
      handler,
      options: { backoffMs: options.backoffMs ?? 50, maxBackoffMs: options.maxBackoffMs ?? 5_000 },
      committed: new Map(this.opts.storage?.committed(group) ?? []),
      running: new Set(),
    };
    this.subscriptions.push(sub);
    // A new group starts at the earliest retained offset, like auto.offset.reset=earliest.
    for (const topic of topics) this.partitions(topic).forEach((_, p) => this.pump(sub, topic, p));
  }

  private wake(topic: string, partition: number): void {
    for (const sub of this.subscriptions) if (sub.topics.has(topic)) this.pump(sub, topic, partition);
    this.trim(topic, partition);
  }

  /** One loop per group and partition: strictly in order, the next record only after a commit. */
  private pump(sub: Subscription, topic: string, partition: number): void {
    const tp = `${topic}\u0000${partition}`;
    if (sub.running.has(tp) || this.stopped || this.paused) return;
    sub.running.add(tp);
    void (async () => {
      try {
        const log = this.partitions(topic)[partition]!;
        for (;;) {
          if (this.stopped) return;
          // An offset before the retained start (retention removed it) resumes at the start, as auto.offset.reset=earliest does.
          const next = Math.max(sub.committed.get(tp) ?? log.base, log.base);
          const record = log.records[next - log.base];
          if (!record) return;
          const delivery = fromBusRecord(record);
          for (let attempt = 1; ; attempt++) {
            if (this.stopped) return;
            let ack: Ack;
            const handling = sub.handler(delivery, attempt);
            this.handling.add(handling);
            try {
              ack = await handling;
            } catch {
              ack = 'redeliver';
            } finally {
              this.handling.delete(handling);
            }
            if (ack === 'commit') break;
            await sleep(Math.min(sub.options.maxBackoffMs, sub.options.backoffMs * 2 ** (attempt - 1)));
          }
          sub.committed.set(tp, next + 1);
          this.commitOffset({ group: sub.group, topic, partition, next: next + 1 });
          if ((next + 1 - log.base) % 1024 === 0) this.trim(topic, partition);
        }
      } finally {
        sub.running.delete(tp);
      }
    })();
  }

  /** Drops records every group has committed; topics nobody reads keep a bounded tail. */
  private trim(topic: string, partition: number): void {
    const log = this.logs.get(topic)?.[partition];
    if (!log) return;
    const readers = this.subscriptions.filter((s) => s.topics.has(topic));
    const tp = `${topic}\u0000${partition}`;
    const keepFrom =
      readers.length > 0
        ? Math.min(...readers.map((s) => s.committed.get(tp) ?? log.base))
        : log.base + Math.max(0, log.records.length - (this.opts.retainUnconsumed ?? 50_000));
    if (keepFrom > log.base) {
      log.records.splice(0, keepFrom - log.base);
      log.base = keepFrom;
      // On disk, records nobody reads stay for their topic's retention instead.
      if (readers.length > 0) this.opts.storage?.release(topic, partition, keepFrom);
    }
  }

  /** Records still retained on a topic, all partitions, in offset order per partition. */
  records(topic: string): BusRecord[] {
    return (this.logs.get(topic) ?? []).flatMap((l) => l.records);
  }

  /** Records not yet committed by a group, per topic it reads. */
  lagByTopic(group: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const sub of this.subscriptions.filter((s) => s.group === group)) {
      for (const topic of sub.topics) {
        let lag = 0;
        this.partitions(topic).forEach((log, p) => {
          lag += log.base + log.records.length - Math.max(sub.committed.get(`${topic}\u0000${p}`) ?? log.base, log.base);
        });
        out.set(topic, (out.get(topic) ?? 0) + lag);
      }
    }
    return out;
  }

  /** Records not yet committed by a group, summed over its topics. */
  lag(group: string): number {
    let lag = 0;
    for (const sub of this.subscriptions.filter((s) => s.group === group)) {
      for (const topic of sub.topics) {
        this.partitions(topic).forEach((log, p) => {
          lag += log.base + log.records.length - Math.max(sub.committed.get(`${topic}\u0000${p}`) ?? log.base, log.base);
        });
      }
    }
    return lag;
  }

  /** Resolves once every group has committed everything published so far (and, with a storage, it is all written). */
  async drained(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.queue.length === 0 && this.pendingWrites === 0 && (this.opts.storage?.pendingWrites() ?? 0) === 0 && this.subscriptions.every((s) => this.lag(s.group) === 0)) return true;
      await sleep(5);
    }
    return false;
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Stops, lets the handlers under way finish (up to graceMs) and the batch being written, writes
   * what is still queued, and closes the storage (committed offsets included).
   */
  async close(graceMs = 5_000): Promise<void> {
    this.stop();
    clearTimeout(this.offsetTimer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.handling]), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    // What is still queued (outputs of steps that ran, committed offsets) is written, not dropped.
    clearImmediate(this.scheduled);
    if (this.opts.storage) this.writeQueued();
    await this.lastWrite;
    await this.opts.storage?.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
