// Processing a batch of deliveries of one partition with the same guarantees as one at a time,
// for one database barrier and one publish per batch instead of one each per record:
// records of one key are handled in order, different keys side by side; the first record of a
// key that must wait stops its key (the rest of that key is answered "retry" unhandled, so the
// transport redelivers them in order); everything handled is made durable, then published in
// offset order (which keeps each key's order on the output topics), then acknowledged.
import { type RawDelivery, type WireRecord } from '@sinbin/contract';
import { deadLetterRecord, type DeliveryOutcome, handleDelivery, makeDurableAndPublish, type ProcessOptions } from './consume';
import { metrics } from './metrics';

export interface BatchOptions extends Omit<ProcessOptions, 'attempt'> {
  /** Keys handled side by side. */
  keyConcurrency?: number;
}

/** Records of one key share a lane; keyless records each get their own. */
export function lanesOf(raws: readonly Pick<RawDelivery, 'key'>[]): number[][] {
  const lanes = new Map<string, number[]>();
  const keyless: number[][] = [];
  raws.forEach((raw, index) => {
    if (raw.key === null) return keyless.push([index]);
    const lane = lanes.get(raw.key);
    if (lane) lane.push(index);
    else lanes.set(raw.key, [index]);
  });
  return [...lanes.values(), ...keyless];
}

const WAITING: DeliveryOutcome = { status: 'retry', code: 'earlier-record-waiting', reason: 'an earlier record of the same key must be retried first' };

export async function processBatch(raws: readonly RawDelivery[], opts: BatchOptions): Promise<DeliveryOutcome[]> {
  const started = performance.now();
  const outcomes: DeliveryOutcome[] = raws.map(() => WAITING);
  const outputs: WireRecord[][] = raws.map(() => []);
  const now = opts.now ?? (() => new Date());
  const lanes = lanesOf(raws);
  let next = 0;
  const worker = async () => {
    while (next < lanes.length) {
      for (const index of lanes[next++]!) {
        const raw = raws[index]!;
        const handled = await handleDelivery(raw, opts).catch((error: unknown) => ({ status: 'retry' as const, code: 'internal', reason: String(error) }));
        if (handled.status === 'retry') {
          outcomes[index] = handled;
          break;
        }
        if (handled.status === 'poison') {
          outputs[index] = [deadLetterRecord(raw, opts.fn.name, handled, 1, now())];
          outcomes[index] = { status: 'dead-lettered', code: handled.code, reason: handled.reason };
        } else {
          outputs[index] = handled.outputs;
          outcomes[index] = { status: 'done', published: handled.outputs.length };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.keyConcurrency ?? 64, lanes.length) }, worker));

  const finished = outcomes.flatMap((o, index) => (o.status === 'retry' ? [] : [index]));
  if (finished.length === 0) return outcomes;
  try {
    await makeDurableAndPublish(
      finished.flatMap((index) => outputs[index]!),
      opts,
    );
  } catch (error) {
    // Nothing of the batch is acknowledged: the handled records are redelivered (consumers are idempotent).
    const reason = (error as Error).message;
    opts.log.warn({ records: raws.length, err: reason }, 'batch not made durable; every record will be redelivered');
    return raws.map(() => ({ status: 'retry', code: 'dependency-unavailable', reason }));
  }
  const seconds = (performance.now() - started) / 1000 / raws.length;
  for (const index of finished) {
    const raw = raws[index]!;
    const outcome = outcomes[index]!;
    if (outcome.status === 'dead-lettered') {
      metrics.eventsDeadLettered.inc({ fn: opts.fn.name, topic: raw.topic, code: outcome.code });
      opts.log.warn({ topic: raw.topic, partition: raw.partition, offset: raw.offset, code: outcome.code, reason: outcome.reason }, 'event dead-lettered');
    } else {
      metrics.eventsProcessed.inc({ fn: opts.fn.name, topic: raw.topic });
      metrics.handlerSeconds.observe({ fn: opts.fn.name, topic: raw.topic }, seconds);
    }
  }
  return outcomes;
}
