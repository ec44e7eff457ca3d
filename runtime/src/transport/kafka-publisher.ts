// Publisher over a Kafka-API broker (Apache Kafka here, Redpanda in production): idempotent
// producer, acks from all in-sync replicas, so "published" means durably stored. The client
// library (kafkajs or @platformatic/kafka) sits behind the ProducerDriver port.
import { coalesce, DependencyError, type Publisher, type WireRecord } from '@sinbin/contract';
import { DEFAULT_KAFKA_CLIENT, type KafkaClientName } from './kafka-client';
import type { ProducerDriver } from './kafka-port';
import { KafkajsProducer } from './kafkajs-driver';
import { PlatformaticProducer } from './platformatic-driver';

/** Records per produce request: keeps each partition's record batch well under the broker's 1 MiB limit. */
const MAX_RECORDS_PER_REQUEST = 1000;

export interface KafkaPublisherOptions {
  brokers: string[];
  clientId: string;
  /** How long a send may wait for the broker before the caller is told to retry. */
  timeoutMs?: number;
  /** The Kafka client library (SINBIN_KAFKA_CLIENT). */
  client?: KafkaClientName;
}

export class KafkaPublisher implements Publisher {
  private readonly producer: ProducerDriver;
  // Group commit: every publish() made while a produce request is in flight goes into the next
  // one. Many partitions and keys are processed at once, and one acks=all round trip per event
  // would cap throughput at the broker's latency; this way batches grow with load instead.
  readonly publish: (records: readonly WireRecord[]) => Promise<void>;

  constructor(private readonly opts: KafkaPublisherOptions) {
    const client = { brokers: opts.brokers, clientId: opts.clientId };
    this.producer = (opts.client ?? DEFAULT_KAFKA_CLIENT) === 'platformatic' ? new PlatformaticProducer(client) : new KafkajsProducer(client);
    const send = coalesce((calls: (readonly WireRecord[])[]) => this.send(calls.flat()).then(() => calls.map(() => undefined)), {
      maxBatch: MAX_RECORDS_PER_REQUEST,
      // The idempotent producer keeps one request in flight per broker anyway.
      maxInFlight: 1,
      sizeOf: (records) => records.length,
    });
    this.publish = (records) => (records.length === 0 ? Promise.resolve() : send(records));
  }

  private async send(records: WireRecord[]): Promise<void> {
    try {
      await this.producer.send(records, this.opts.timeoutMs ?? 5000);
    } catch (cause) {
      throw new DependencyError(`broker did not store ${records.length} record(s): ${(cause as Error).message}`, { cause });
    }
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
