// Publisher over a Kafka-API broker (Apache Kafka here, Redpanda in production): idempotent
// producer, acks from all in-sync replicas, so "published" means durably stored.
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DependencyError } from '../errors';
import type { Publisher } from '../ports';
import type { WireRecord } from './record';

export interface KafkaPublisherOptions {
  brokers: string[];
  clientId: string;
  /** How long a send may wait for the broker before the caller is told to retry. */
  timeoutMs?: number;
}

interface Pending {
  records: readonly WireRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class KafkaPublisher implements Publisher {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;
  // publish() calls made in the same event-loop turn share one produce request: many partitions
  // are processed at once, and one acks=all round trip per event would cap throughput.
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly opts: KafkaPublisherOptions) {
    const kafka = new Kafka({ clientId: opts.clientId, brokers: opts.brokers, logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  publish(records: readonly WireRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const records = batch.flatMap((p) => p.records);
    try {
      await this.connect();
      const byTopic = new Map<string, WireRecord[]>();
      for (const r of records) {
        const list = byTopic.get(r.topic);
        if (list) list.push(r);
        else byTopic.set(r.topic, [r]);
      }
      await this.producer.sendBatch({
        acks: -1,
        timeout: this.opts.timeoutMs ?? 5000,
        topicMessages: [...byTopic].map(([topic, rs]) => ({ topic, messages: rs.map((r) => ({ key: r.key, value: r.value, headers: r.headers })) })),
      });
      for (const p of batch) p.resolve();
    } catch (cause) {
      const error = new DependencyError(`broker did not store ${records.length} record(s): ${(cause as Error).message}`, { cause });
      for (const p of batch) p.reject(error);
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
