// Processing one delivery with the pipeline's guarantees, shared by every transport:
// poison -> dead-letter topic and acknowledge; retriable -> ask the transport to redeliver;
// success -> publish outputs, then acknowledge.
import { DEAD_LETTER_CE_TYPE, DEAD_LETTER_SUFFIX, type DeadLetter, DeadLetterSchema, DependencyError, describeError, encodeRecord, errorCodeOf, isRetriable, type PipelineFunction, PoisonEventError, type Publisher, type RawDelivery, type RunningFunction, type WireRecord } from '@sinbin/contract';
import { parseDelivery } from './transport/decoders';
import type { Logger } from './log';
import { metrics } from './metrics';

export type DeliveryOutcome =
  | { status: 'done'; published: number }
  | { status: 'dead-lettered'; code: string; reason: string }
  | { status: 'retry'; code: string; reason: string };

export interface ProcessOptions {
  fn: Pick<PipelineFunction, 'name' | 'consumes'>;
  running: RunningFunction;
  publisher: Publisher;
  log: Logger;
  /** 1 for the first delivery; the transport counts redeliveries. */
  attempt?: number;
  /**
   * Resolves once the stores' writes so far are on disk (PostgreSQL with asynchronous commit):
   * awaited before the outputs are published and the delivery acknowledged, since neither the
   * offset nor an output may outlive a write the database then loses in a crash.
   */
  durable?: () => Promise<void>;
  now?: () => Date;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The most of the original value a dead letter carries. Escaping (JSON) or base64 can grow it by
 * up to ~6x for pathological text, so the cap keeps every letter under the broker's 1 MiB limit;
 * otherwise the dead-letter publish itself would fail and stall the partition.
 */
export const DEAD_LETTER_PAYLOAD_CAP = 128 * 1024;

/** The value as text, or undefined when it is not valid UTF-8 (kept as base64 then). */
function asUtf8(value: Uint8Array | string): string | undefined {
  if (typeof value === 'string') return value;
  try {
    return strictUtf8.decode(value);
  } catch {
    return undefined;
  }
}

export function deadLetterRecord(raw: RawDelivery, consumer: string, error: { code: string; reason: string }, attempts: number, now: Date): WireRecord {
  const bytes = typeof raw.value === 'string' ? Buffer.from(raw.value, 'utf8') : Buffer.from(raw.value);
  const truncated = bytes.length > DEAD_LETTER_PAYLOAD_CAP;
  // Cutting may split a UTF-8 sequence; such a prefix is then kept as base64.
  const kept = truncated ? bytes.subarray(0, DEAD_LETTER_PAYLOAD_CAP) : bytes;
  const text = asUtf8(kept);
  const letter: DeadLetter = DeadLetterSchema.parse({
    topic: raw.topic,
    consumer,
    key: raw.key,
    partition: raw.partition,
    offset: raw.offset,
    errorCode: error.code,
    reason: error.reason,
    payload: text ?? kept.toString('base64'),
    payloadEncoding: text === undefined ? 'base64' : 'utf8',
    payloadBytes: bytes.length,
    payloadTruncated: truncated,
    attempts,
    failedAt: now.toISOString(),
  });
  return {
    topic: `${raw.topic}${DEAD_LETTER_SUFFIX}`,
    key: raw.key,
    value: JSON.stringify(letter),
    headers: {
      ce_specversion: '1.0',
      ce_id: `${consumer}:${raw.id}`,
      ce_type: DEAD_LETTER_CE_TYPE,
      ce_source: `/sinbin/${consumer}`,
      ce_time: now.toISOString(),
      'content-type': 'application/json',
    },
  };
}

/** Sends a delivery to its dead-letter topic; if even that fails, the transport must retry. */
export async function deadLetter(raw: RawDelivery, opts: ProcessOptions, error: { code: string; reason: string }): Promise<DeliveryOutcome> {
  const now = (opts.now ?? (() => new Date()))();
  try {
    await opts.publisher.publish([deadLetterRecord(raw, opts.fn.name, error, opts.attempt ?? 1, now)]);
  } catch (cause) {
    return { status: 'retry', code: 'dependency-unavailable', reason: `dead-letter publish failed: ${describeError(cause)}` };
  }
  metrics.eventsDeadLettered.inc({ fn: opts.fn.name, topic: raw.topic, code: error.code });
  opts.log.warn({ topic: raw.topic, partition: raw.partition, offset: raw.offset, code: error.code, reason: error.reason }, 'event dead-lettered');
  return { status: 'dead-lettered', ...error };
}

/** What handling one delivery came to, before anything is made durable or published. */
export type Handled =
  | { status: 'handled'; outputs: WireRecord[] }
  | { status: 'poison'; code: string; reason: string }
  | { status: 'retry'; code: string; reason: string };

/** Parses and handles one delivery: its outputs as wire records, or why it is poison or must wait. */
export async function handleDelivery(raw: RawDelivery, opts: ProcessOptions): Promise<Handled> {
  let delivery;
  try {
    delivery = parseDelivery(raw, opts.fn.consumes);
  } catch (error) {
    if (error instanceof PoisonEventError) return { status: 'poison', code: error.code, reason: error.message };
    throw error;
  }
  try {
    const outputs = await opts.running.handle(delivery);
    const now = (opts.now ?? (() => new Date()))();
    return { status: 'handled', outputs: outputs.map((o) => encodeRecord(o, opts.fn.name, now)) };
  } catch (error) {
    return retryOrPoison(raw, opts, error);
  }
}

function retryOrPoison(raw: RawDelivery, opts: ProcessOptions, error: unknown): Exclude<Handled, { status: 'handled' }> {
  const code = errorCodeOf(error);
  if (!isRetriable(error)) return { status: 'poison', code, reason: describeError(error) };
  metrics.eventsRetried.inc({ fn: opts.fn.name, topic: raw.topic, code });
  opts.log.warn({ topic: raw.topic, partition: raw.partition, offset: raw.offset, code, err: describeError(error), attempt: opts.attempt ?? 1 }, 'retriable failure');
  return { status: 'retry', code, reason: describeError(error) };
}

/** Waits for the stores' writes to be on disk, then publishes: both before any acknowledgement. */
export async function makeDurableAndPublish(records: readonly WireRecord[], opts: Pick<ProcessOptions, 'durable' | 'publisher'>): Promise<void> {
  if (opts.durable) {
    try {
      await opts.durable();
    } catch (cause) {
      throw new DependencyError(`the database did not confirm its writes are on disk: ${describeError(cause)}`, { cause });
    }
  }
  if (records.length > 0) {
    try {
      await opts.publisher.publish(records);
    } catch (cause) {
      throw new DependencyError(`publishing ${records.length} event(s) failed: ${describeError(cause)}`, { cause });
    }
  }
}

export async function processDelivery(raw: RawDelivery, opts: ProcessOptions): Promise<DeliveryOutcome> {
  const started = performance.now();
  const handled = await handleDelivery(raw, opts);
  if (handled.status === 'poison') return deadLetter(raw, opts, { code: handled.code, reason: handled.reason });
  if (handled.status === 'retry') return handled;
  try {
    await makeDurableAndPublish(handled.outputs, opts);
  } catch (error) {
    const outcome = retryOrPoison(raw, opts, error);
    return outcome.status === 'poison' ? deadLetter(raw, opts, { code: outcome.code, reason: outcome.reason }) : outcome;
  }
  metrics.eventsProcessed.inc({ fn: opts.fn.name, topic: raw.topic });
  metrics.handlerSeconds.observe({ fn: opts.fn.name, topic: raw.topic }, (performance.now() - started) / 1000);
  return { status: 'done', published: handled.outputs.length };
}
