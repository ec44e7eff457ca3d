// Consumer lag on a Kafka-API broker: for each consumer group (one per function), the records
// between its committed offset and the end of each partition, summed per topic. Read with the
// admin API every few seconds, so a consumer that is stuck (or not running at all) shows its lag
// growing, which a figure taken from its own fetches would not.
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { ConsumerLag } from '../metrics';

export interface LagMonitorOptions {
  brokers: string[];
  /** Consumer groups and the topics each reads: function name -> topics. */
  groups: ReadonlyMap<string, readonly string[]>;
  everyMs?: number;
  onError?: (error: unknown) => void;
}

export class KafkaLagMonitor {
  private readonly admin: Admin;
  private latest: ConsumerLag[] = [];
  private timer: NodeJS.Timeout | undefined;
  private connected: Promise<void> | undefined;

  constructor(private readonly opts: LagMonitorOptions) {
    this.admin = new Kafka({ clientId: 'sinbin-lag-monitor', brokers: opts.brokers, logLevel: logLevel.NOTHING }).admin();
  }

  /** Reads every group's lag now. */
  async sample(): Promise<ConsumerLag[]> {
    // A failed connect is tried again at the next read (the broker may come up after this process).
    this.connected ??= this.admin.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    const topics = [...new Set([...this.opts.groups.values()].flat())];
    const ends = new Map<string, Map<number, { high: number; low: number }>>();
    for (const topic of topics) {
      const partitions = await this.admin.fetchTopicOffsets(topic);
      ends.set(topic, new Map(partitions.map((p) => [p.partition, { high: Number(p.high), low: Number(p.low) }])));
    }
    const out: ConsumerLag[] = [];
    for (const [group, groupTopics] of this.opts.groups) {
      for (const { topic, partitions } of await this.admin.fetchOffsets({ groupId: group, topics: [...groupTopics] })) {
        let lag = 0;
        for (const { partition, offset } of partitions) {
          const end = ends.get(topic)?.get(partition);
          if (!end) continue;
          // No commit yet: the group starts from the earliest retained record (fromBeginning).
          const committed = Number(offset) >= 0 ? Number(offset) : end.low;
          lag += Math.max(0, end.high - committed);
        }
        out.push({ fn: group, topic, lag });
      }
    }
    this.latest = out;
    return out;
  }

  /** The last figures read (empty until the first read). */
  current(): ConsumerLag[] {
    return this.latest;
  }

  start(): this {
    const tick = () => void this.sample().catch((error: unknown) => this.opts.onError?.(error));
    tick();
    this.timer = setInterval(tick, this.opts.everyMs ?? 5_000);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.connected) await this.connected.then(() => this.admin.disconnect()).catch(() => undefined);
  }
}

/** One status line: each function's lag summed over its topics, e.g. `fast-classifier 0, deep-analyzer 1,204`. */
export function lagLine(lags: readonly ConsumerLag[]): string {
  const byFn = new Map<string, number>();
  for (const { fn, lag } of lags) byFn.set(fn, (byFn.get(fn) ?? 0) + lag);
  return [...byFn].map(([fn, lag]) => `${fn} ${lag.toLocaleString('en-US')}`).join(', ');
}
