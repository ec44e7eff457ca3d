// The embedded runtime's topic bus: partitioned by key with Kafka's partitioner, ordered per
// partition, at-least-once per consumer group with commit-after-success, redelivery with
// backoff. Same semantics the Kafka path has, in one process and without a broker.
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

  constructor(private readonly opts: { retainUnconsumed?: number; partitions?: (topic: string) => number } = {}) {}

  partitionCount(topic: string): number {
    if (this.opts.partitions) return this.opts.partitions(topic);
    return isTopicName(topic) ? TOPICS[topic].partitions : 1;
  }

  private partitions(topic: string): PartitionLog[] {
    let logs = this.logs.get(topic);
    if (!logs) {
      logs = Array.from({ length: this.partitionCount(topic) }, () => ({ base: 0, records: [] }));
      this.logs.set(topic, logs);
    }
    return logs;
  }

  async publish(records: readonly WireRecord[]): Promise<void> {
    if (this.stopped) throw new Error('bus is stopped');
    const touched = new Set<string>();
    for (const record of records) {
      const logs = this.partitions(record.topic);
      const partition = record.key === null ? Math.floor(Math.random() * logs.length) : partitionFor(record.key, logs.length);
      const log = logs[partition]!;
      log.records.push({ ...record, partition, offset: log.base + log.records.length, timestamp: Date.now() });
      touched.add(`${record.topic}\u0000${partition}`);
    }
    for (const tp of touched) {
      const [topic, p] = tp.split('\u0000') as [string, string];
      this.wake(topic, Number(p));
    }
  }

  subscribe(group: string, topics: readonly string[], handler: BusHandler, options: SubscribeOptions = {}): void {
    const sub: Subscription = {
      group,
      topics: new Set(topics),
      handler,
      options: { backoffMs: options.backoffMs ?? 50, maxBackoffMs: options.maxBackoffMs ?? 5_000 },
      committed: new Map(),
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
    if (sub.running.has(tp) || this.stopped) return;
    sub.running.add(tp);
    void (async () => {
      try {
        const log = this.partitions(topic)[partition]!;
        for (;;) {
          if (this.stopped) return;
          const next = sub.committed.get(tp) ?? log.base;
          const record = log.records[next - log.base];
          if (!record) return;
          const delivery = fromBusRecord(record);
          for (let attempt = 1; ; attempt++) {
            if (this.stopped) return;
            let ack: Ack;
            try {
              ack = await sub.handler(delivery, attempt);
            } catch {
              ack = 'redeliver';
            }
            if (ack === 'commit') break;
            await sleep(Math.min(sub.options.maxBackoffMs, sub.options.backoffMs * 2 ** (attempt - 1)));
          }
          sub.committed.set(tp, next + 1);
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
    }
  }

  /** Records still retained on a topic, all partitions, in offset order per partition. */
  records(topic: string): BusRecord[] {
    return (this.logs.get(topic) ?? []).flatMap((l) => l.records);
  }

  /** Records not yet committed by a group, summed over its topics. */
  lag(group: string): number {
    let lag = 0;
    for (const sub of this.subscriptions.filter((s) => s.group === group)) {
      for (const topic of sub.topics) {
        this.partitions(topic).forEach((log, p) => {
          lag += log.base + log.records.length - (sub.committed.get(`${topic}\u0000${p}`) ?? log.base);
        });
      }
    }
    return lag;
  }

  /** Resolves once every group has committed everything published so far. */
  async drained(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.subscriptions.every((s) => this.lag(s.group) === 0)) return true;
      await sleep(5);
    }
    return false;
  }

  stop(): void {
    this.stopped = true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
