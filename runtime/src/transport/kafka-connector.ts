// A topic connector: one consumer group per function, records delivered in order per partition,
// retried with backoff while the target says so, dead-lettered when it refuses or retries run
// out. Offsets advance only after a delivery is done, so nothing is lost. The local stack uses it
// to reach function processes over HTTP; a function can also consume directly with it.
import { Kafka, logLevel, type Consumer, type EachBatchPayload } from 'kafkajs';
import { deadLetterRecord, processDelivery } from '../consume';
import { type PipelineFunction, type Publisher, type RunningFunction } from '@sinbin/contract';
import { fromKafkaRecord, type KafkaRecordLike } from './decoders';
import type { Logger } from '../log';
import { PendingOffsets } from './pending-offsets';

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
}

/** A function in this process as a target: the record is processed with the usual guarantees. */
export function localTarget(fn: Pick<PipelineFunction, 'name' | 'consumes'>, running: RunningFunction, publisher: Publisher, log: Logger): DeliveryTarget {
  return {
    name: fn.name,
    consumes: fn.consumes,
    async deliver(record): Promise<TargetOutcome> {
      const outcome = await processDelivery(fromKafkaRecord(record), { fn, running, publisher, log });
      return outcome.status === 'retry' ? { status: 'retry', reason: outcome.reason } : { status: 'done' };
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
}

export class TopicConnector {
  private readonly consumer: Consumer;
  private stopped = false;
  private readonly pending = new PendingOffsets();
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  /** Batches being delivered now; stopping waits for them before the last commit. */
  private batchesInFlight = 0;

  constructor(private readonly opts: ConnectorOptions) {
    const kafka = new Kafka({ clientId: `connector-${opts.target.name}`, brokers: opts.brokers, logLevel: logLevel.NOTHING });
    // A fetch returns as soon as records arrive; the short wait only bounds how long stopping
    // (which waits for the fetch in flight) takes.
    this.consumer = kafka.consumer({ groupId: opts.target.name, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 500, allowAutoTopicCreation: false });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => this.pending.retain(event.payload.memberAssignment));
  }

  /** Commits the finished offsets; a failed commit keeps them for the next try. */
  private commit(): Promise<void> {
    if (this.committing || this.pending.size === 0) return this.committing ?? Promise.resolve();
    const offsets = this.pending.take();
    this.committing = this.consumer
      .commitOffsets(offsets)
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
    const { target } = this.opts;
    await this.consumer.connect();
    // initialOffset: earliest, as the KafkaSources in infra/ declare.
    await this.consumer.subscribe({ topics: [...target.consumes], fromBeginning: true });
    this.commitTimer = setInterval(() => void this.commit(), COMMIT_INTERVAL_MS);
    await this.consumer.run({
      partitionsConsumedConcurrently: this.opts.concurrency ?? 12,
      eachBatchAutoResolve: false,
      // kafkajs would commit after every batch, a round trip per partition per fetch; finished
      // offsets are committed on a timer instead (see commit()).
      autoCommit: false,
      // Order is kept per key (the chat channel), the unit that needs it: records of one key run
      // one after another, different keys of the batch run side by side. The batch's offsets are
      // committed only once every record in it is done, so a crash redelivers, never skips.
      eachBatch: async (payload) => {
        this.batchesInFlight++;
        try {
          await this.deliverBatch(payload);
        } finally {
          this.batchesInFlight--;
        }
      },
    });
  }

  private async deliverBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const perKeyConcurrency = this.opts.keyConcurrency ?? 64;
    const byKey = new Map<string, KafkaRecordLike[]>();
    const timestamps = new Map<string, string>();
    for (const message of batch.messages) {
      const record: KafkaRecordLike = {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])) as KafkaRecordLike['headers'],
      };
      timestamps.set(message.offset, message.timestamp);
      const key = message.key?.toString('latin1') ?? `\u0000offset:${message.offset}`;
      const list = byKey.get(key);
      if (list) list.push(record);
      else byKey.set(key, [record]);
    }
    const lanes = [...byKey.values()];
    let next = 0;
    const worker = async () => {
      while (next < lanes.length && isRunning() && !isStale()) {
        const lane = lanes[next++]!;
        for (const record of lane) await this.deliverOne(record, timestamps.get(record.offset)!, heartbeat);
      }
    };
    await Promise.all(Array.from({ length: Math.min(perKeyConcurrency, lanes.length) }, worker));
    if (!isRunning() || isStale()) return;
    const last = batch.messages.at(-1);
    if (last) {
      resolveOffset(last.offset);
      this.pending.done(batch.topic, batch.partition, last.offset);
    }
    await heartbeat();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.commitTimer);
    // Batches in flight end quickly once stopped; what they finished is committed before leaving.
    while (this.batchesInFlight > 0) await new Promise((r) => setTimeout(r, 10));
    // A commit already in flight may predate the last finished batches: let it end, then commit the rest.
    await this.committing;
    await this.commit();
    await this.consumer.disconnect();
  }
}
