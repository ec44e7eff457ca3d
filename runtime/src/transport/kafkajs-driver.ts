// The kafkajs adapter of the Kafka port: the producer and group consumer the connector and the
// publisher used before the port existed, with the same settings.
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { WireRecord } from '@sinbin/contract';
import type { KafkaRecordLike } from './decoders';
import { type ConsumerDriver, type ConsumerDriverOptions, type FetchedRecord, GROUP_SESSION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS, type PartitionBatch, type ProducerDriver } from './kafka-port';
import type { TopicPartitionOffset } from './pending-offsets';
import { ProducerRenewal } from './producer-renewal';
import { ConsumerRestarts, errorText } from './consumer-restarts';

export function groupByTopic(records: readonly WireRecord[]): Map<string, WireRecord[]> {
  const byTopic = new Map<string, WireRecord[]>();
  for (const r of records) {
    const list = byTopic.get(r.topic);
    if (list) list.push(r);
    else byTopic.set(r.topic, [r]);
  }
  return byTopic;
}

export class KafkajsProducer implements ProducerDriver {
  private readonly kafka: Kafka;
  private producer: Producer;
  private connected: Promise<void> | undefined;
  private readonly renewal = new ProducerRenewal(Date.now());

  constructor(opts: { brokers: string[]; clientId: string }) {
    this.kafka = new Kafka({ clientId: opts.clientId, brokers: opts.brokers, logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    return this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  async send(records: readonly WireRecord[], timeoutMs: number): Promise<void> {
    try {
      await this.connect();
      await this.producer.sendBatch({
        acks: -1,
        timeout: timeoutMs,
        topicMessages: [...groupByTopic(records)].map(([topic, rs]) => ({ topic, messages: rs.map((r) => ({ key: r.key, value: r.value, headers: r.headers })) })),
      });
      this.renewal.succeeded(Date.now());
    } catch (cause) {
      if (this.renewal.failed(cause, Date.now())) {
        const lost = this.producer;
        this.producer = this.newProducer();
        this.connected = undefined;
        void lost.disconnect().catch(() => undefined);
      }
      throw cause;
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

export class KafkajsConsumer implements ConsumerDriver {
  private readonly kafka: Kafka;
  private consumer: Consumer;
  private readonly restarts: ConsumerRestarts;
  /** What start() was given, for a replacement consumer. */
  private running: Parameters<ConsumerDriver['start']> | undefined;

  constructor(private readonly opts: ConsumerDriverOptions) {
    this.kafka = new Kafka({ clientId: opts.clientId, brokers: opts.brokers, logLevel: logLevel.NOTHING });
    this.consumer = this.newConsumer();
    this.restarts = new ConsumerRestarts({ groupId: opts.groupId, log: opts.log, discard: () => this.consumer.disconnect(), start: () => this.startFresh() });
  }

  private newConsumer(): Consumer {
    // A fetch returns as soon as records arrive; the short wait only bounds how long stopping
    // (which waits for the fetch in flight) takes.
    return this.kafka.consumer({ groupId: this.opts.groupId, sessionTimeout: GROUP_SESSION_TIMEOUT_MS, heartbeatInterval: HEARTBEAT_INTERVAL_MS, maxWaitTimeInMs: 500, allowAutoTopicCreation: false });
  }

  async start(...args: Parameters<ConsumerDriver['start']>): Promise<void> {
    this.running = args;
    await this.run(this.consumer, ...args);
  }

  private startFresh(): Promise<void> {
    this.consumer = this.newConsumer();
    return this.run(this.consumer, ...this.running!);
  }

  private async run(consumer: Consumer, topics: readonly string[], onBatch: (batch: PartitionBatch) => Promise<void>, onAssignment: (assignment: Record<string, number[]>) => void): Promise<void> {
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.restarts.joined();
      onAssignment(event.payload.memberAssignment);
    });
    // kafkajs restarts a consumer itself after most errors; after the rest it leaves it stopped.
    consumer.on(consumer.events.CRASH, (event) => {
      if (consumer !== this.consumer) return;
      if (event.payload.restart) this.opts.log.warn({ group: this.opts.groupId, err: errorText(event.payload.error) }, 'Kafka consumer crashed; kafkajs restarts it');
      else this.restarts.gaveUp(event.payload.error);
    });
    await consumer.connect();
    // initialOffset: earliest, as the KafkaSources in infra/ declare.
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: this.opts.concurrency,
      eachBatchAutoResolve: false,
      // kafkajs would commit after every batch, a round trip per partition per fetch; the
      // connector commits finished offsets on a timer instead.
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => {
        const records: FetchedRecord[] = batch.messages.map((message) => {
          const record: KafkaRecordLike = {
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])) as KafkaRecordLike['headers'],
          };
          return { record, timestamp: message.timestamp };
        });
        const isCurrent = () => isRunning() && !isStale();
        // kafkajs heartbeats only when asked, and one delivery can take up to a function's timeout
        // (30 s): a timer asks meanwhile, as Java's client does from its own thread. kafkajs shares
        // one heartbeat between callers; a failure (a rebalance) surfaces at the next call below.
        const beating = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_INTERVAL_MS);
        try {
          await onBatch({ topic: batch.topic, partition: batch.partition, records, isCurrent, heartbeat });
        } finally {
          clearInterval(beating);
        }
        if (!isCurrent()) return;
        const last = batch.messages.at(-1);
        if (last) resolveOffset(last.offset);
        await heartbeat();
      },
    });
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return this.consumer.commitOffsets([...offsets]);
  }

  async stop(): Promise<void> {
    await this.restarts.stop();
    await this.consumer.disconnect();
  }
}
