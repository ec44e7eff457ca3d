// A topic connector: one consumer group per function, records delivered in order per partition,
// retried with backoff while the target says so, dead-lettered when it refuses or retries run
// out. Offsets advance only after a delivery is done, so nothing is lost. The local stack uses it
// to reach function processes over HTTP; a function can also consume directly with it.
import { deadLetterRecord, processDelivery } from '../consume';
import { processBatch } from '../consume-batch';
import { type PipelineFunction, type Publisher, type RunningFunction } from '@sinbin/contract';
import { fromKafkaRecord, type KafkaRecordLike } from './decoders';
import type { Logger } from '../log';
import { PendingOffsets } from './pending-offsets';
import { deliverInChunks, lanesLeft } from './delivery-chunks';
import { DEFAULT_KAFKA_CLIENT, type KafkaClientName } from './kafka-client';
import type { ConsumerDriver, FetchedRecord, PartitionBatch } from './kafka-port';
import { KafkajsConsumer } from './kafkajs-driver';
import { PlatformaticConsumer } from './platformatic-driver';

/** How often finished offsets are committed; a crash redelivers at most this much (consumers are idempotent). */
const COMMIT_INTERVAL_MS = 500;

/** Exponential backoff as KafkaSource's default policy: 0.3 s, 0.6 s, 1.2 s, ... capped. */
export function backoffMs(attempt: number, baseMs = 300, capMs = 10_000): number {
  return Math.min(capMs, baseMs * 2 ** (attempt - 1));
}

export type TargetOutcome = { status: 'done' } | { status: 'retry'; reason: string } | { status: 'refused'; reason: string };

/** Where a record goes: a function over HTTP, or one hosted in this process. */
export interface DeliveryTarget {
  name: string;
  consumes: readonly string[];
  deliver(record: KafkaRecordLike, timestamp: string): Promise<TargetOutcome>;
  /**
   * Delivers several records of one partition at once, keeping each key's order, and says which
   * are done (handled or dead-lettered); the connector delivers the rest one by one, as `deliver`.
   */
  deliverMany?(records: readonly FetchedRecord[]): Promise<boolean[]>;
}

/** A function in this process as a target: the record is processed with the usual guarantees. */
export function localTarget(fn: Pick<PipelineFunction, 'name' | 'consumes'>, running: RunningFunction, publisher: Publisher, log: Logger, durable?: () => Promise<void>): DeliveryTarget {
  return {
    name: fn.name,
    consumes: fn.consumes,
    async deliver(record): Promise<TargetOutcome> {
      const outcome = await processDelivery(fromKafkaRecord(record), { fn, running, publisher, log, ...(durable ? { durable } : {}) });
      return outcome.status === 'retry' ? { status: 'retry', reason: outcome.reason } : { status: 'done' };
    },
    async deliverMany(records): Promise<boolean[]> {
      const outcomes = await processBatch(
        records.map(({ record }) => fromKafkaRecord(record)),
        { fn, running, publisher, log, ...(durable ? { durable } : {}) },
      );
      return outcomes.map((o) => o.status !== 'retry');
    },
  };
}

export interface ConnectorOptions {
  brokers: string[];
  target: DeliveryTarget;
  /** Publishes dead letters for records the target refused or that ran out of retries. */
  deadLetters: Publisher;
  log: Logger;
  /** Retries after the first delivery (KafkaSource default: 10). */
  maxRetries?: number;
  /** Partitions handled at once. */
  concurrency?: number;
  /** Keys of one batch delivered side by side; each key stays in order. */
  keyConcurrency?: number;
  /** The Kafka client library (SINBIN_KAFKA_CLIENT). */
  client?: KafkaClientName;
  /** Records per deliverMany call when the target has one; 1 delivers every record on its own. */
  batchSize?: number;
}

/** Records per batch delivery unless configured (SINBIN_DELIVERY_BATCH). */
export const DEFAULT_DELIVERY_BATCH = 100;

export class TopicConnector {
  private readonly consumer: ConsumerDriver;
  private stopped = false;
  private readonly pending = new PendingOffsets();
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  /** Batches being delivered now; stopping waits for them before the last commit. */
  private batchesInFlight = 0;

  constructor(private readonly opts: ConnectorOptions) {
    const driverOptions = { brokers: opts.brokers, clientId: `connector-${opts.target.name}`, groupId: opts.target.name, concurrency: opts.concurrency ?? 12, log: opts.log };
    this.consumer = (opts.client ?? DEFAULT_KAFKA_CLIENT) === 'platformatic' ? new PlatformaticConsumer(driverOptions) : new KafkajsConsumer(driverOptions);
  }

  /** Commits the finished offsets; a failed commit keeps them for the next try. */
  private commit(): Promise<void> {
    if (this.committing || this.pending.size === 0) return this.committing ?? Promise.resolve();
    const offsets = this.pending.take();
    this.committing = this.consumer
      .commit(offsets)
      .catch((error: unknown) => {
        this.pending.restore(offsets);
        this.opts.log.debug({ err: String(error) }, 'offset commit failed; retrying with the next one');
      })
      .finally(() => (this.committing = undefined));
    return this.committing;
  }

  /** Delivers one record until it is done, refused or out of retries (then dead-lettered). */
  private async deliverOne(record: KafkaRecordLike, timestamp: string, heartbeat: () => Promise<void>): Promise<void> {
    const { target, log } = this.opts;
    const maxRetries = this.opts.maxRetries ?? 10;
    for (let attempt = 1; !this.stopped; attempt++) {
      const outcome = await target.deliver(record, timestamp).catch((error: unknown): TargetOutcome => ({ status: 'retry', reason: String(error) }));
      if (outcome.status === 'done') return;
      if (outcome.status === 'refused' || attempt > maxRetries) {
        const reason = outcome.status === 'refused' ? outcome.reason : `gave up after ${attempt} attempts: ${outcome.reason}`;
        await this.opts.deadLetters.publish([
          deadLetterRecord(fromKafkaRecord(record), target.name, { code: outcome.status === 'refused' ? 'rejected' : 'retries-exhausted', reason }, attempt, new Date()),
        ]);
        log.warn({ topic: record.topic, partition: record.partition, offset: record.offset, reason }, 'record dead-lettered by connector');
        return;
      }
      await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      await heartbeat();
    }
    // Stopping: throw so the offset is not committed and the record is redelivered later.
    throw new Error('connector stopping');
  }

  async start(): Promise<void> {
    this.commitTimer = setInterval(() => void this.commit(), COMMIT_INTERVAL_MS);
    // Order is kept per key (the chat channel), the unit that needs it: records of one key run
    // one after another, different keys of the batch run side by side. The batch's offsets are
    // committed only once every record in it is done, so a crash redelivers, never skips.
    await this.consumer.start(
      this.opts.target.consumes,
      async (batch) => {
        this.batchesInFlight++;
        try {
          await this.deliverBatch(batch);
        } finally {
          this.batchesInFlight--;
        }
      },
      (assignment) => this.pending.retain(assignment),
    );
  }

  private async deliverBatch({ topic, partition, records, heartbeat, isCurrent }: PartitionBatch): Promise<void> {
    const perKeyConcurrency = this.opts.keyConcurrency ?? 64;
    const { target } = this.opts;
    const done = target.deliverMany
      ? await deliverInChunks(records, target.deliverMany.bind(target), {
          batchSize: this.opts.batchSize ?? 1,
          heartbeat,
          isCurrent: () => isCurrent() && !this.stopped,
          log: this.opts.log,
        })
      : records.map(() => false);
    const lanes = lanesLeft(records, done);
    let next = 0;
    const worker = async () => {
      while (next < lanes.length && isCurrent()) {
        const lane = lanes[next++]!;
        for (const { record, timestamp } of lane) await this.deliverOne(record, timestamp, heartbeat);
      }
    };
    await Promise.all(Array.from({ length: Math.min(perKeyConcurrency, lanes.length) }, worker));
    if (!isCurrent()) return;
    const last = records.at(-1);
    if (last) this.pending.done(topic, partition, last.record.offset);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.commitTimer);
    // Batches in flight end quickly once stopped; what they finished is committed before leaving.
    while (this.batchesInFlight > 0) await new Promise((r) => setTimeout(r, 10));
    // A commit already in flight may predate the last finished batches: let it end, then commit the rest.
    await this.committing;
    await this.commit();
    await this.consumer.stop();
  }
}
