// Publisher over a Kafka-API broker (Apache Kafka here, Redpanda in production): idempotent
// producer, acks from all in-sync replicas, so "published" means durably stored.
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { coalesce, DependencyError, type Publisher, type WireRecord } from '@sinbin/contract';

/** Records per produce request: keeps each partition's record batch well under the broker's 1 MiB limit. */
const MAX_RECORDS_PER_REQUEST = 1000;

export interface KafkaPublisherOptions {
  brokers: string[];
  clientId: string;
  /** How long a send may wait for the broker before the caller is told to retry. */
  timeoutMs?: number;
}

/**
 * Errors after which this producer can never send again: the broker lost (or never had) the idempotent
 * producer's state, e.g. after it crashed and recovered its log. KafkaJS keeps its sequence numbers
 * and fails every later send the same way, so the producer is replaced: a new producer id starts
 * new sequences. A batch that was stored but reported failed is sent again by the caller's retry:
 * a duplicate on the topic, which every consumer already tolerates (idempotent by event id).
 */
const PRODUCER_STATE_LOST = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

function producerStateLost(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown[] };
  if (typeof e.type === 'string' && PRODUCER_STATE_LOST.has(e.type)) return true;
  return [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])].some((inner) => producerStateLost(inner, depth + 1));
}

export class KafkaPublisher implements Publisher {
  private readonly kafka: Kafka;
  private producer: Producer;
  private connected: Promise<void> | undefined;
  // Group commit: every publish() made while a produce request is in flight goes into the next
  // one. Many partitions and keys are processed at once, and one acks=all round trip per event
  // would cap throughput at the broker's latency; this way batches grow with load instead.
  readonly publish: (records: readonly WireRecord[]) => Promise<void>;

  constructor(private readonly opts: KafkaPublisherOptions) {
    this.kafka = new Kafka({ clientId: opts.clientId, brokers: opts.brokers, logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
    this.producer = this.newProducer();
    const send = coalesce((calls: (readonly WireRecord[])[]) => this.send(calls.flat()).then(() => calls.map(() => undefined)), {
      maxBatch: MAX_RECORDS_PER_REQUEST,
      // The idempotent producer keeps one request in flight per broker anyway.
      maxInFlight: 1,
      sizeOf: (records) => records.length,
    });
    this.publish = (records) => (records.length === 0 ? Promise.resolve() : send(records));
  }

  private newProducer(): Producer {
    return this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  private async send(records: WireRecord[]): Promise<void> {
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
    } catch (cause) {
      if (producerStateLost(cause)) {
        const lost = this.producer;
        this.producer = this.newProducer();
        this.connected = undefined;
        void lost.disconnect().catch(() => undefined);
      }
      throw new DependencyError(`broker did not store ${records.length} record(s): ${(cause as Error).message}`, { cause });
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
