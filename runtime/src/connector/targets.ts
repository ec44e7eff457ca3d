// The connector's HTTP target: a function process reached as Knative's KafkaSource or the
// OpenFaaS kafka-connector would reach it. (A function in the same process uses localTarget.)
import { postBody } from '../http/post';
import type { DeliveryTarget, TargetOutcome } from '../transport/kafka-connector';
import { z } from 'zod';
import { CLOUDEVENTS_BATCH_CONTENT_TYPE } from '../transport/decoders';
import { cloudEventBatch, isRetriedStatus, knativeDelivery, openFaasDelivery, type DeliveryMode } from './delivery';

/** A batch delivery's answer: one result per event, in order (runtime/src/http/delivery.ts). */
const BatchAnswerSchema = z.object({ results: z.array(z.object({ status: z.string() })) });

/** Something that can hand out a base URL for a function, starting it first if it is at zero. */
export interface FunctionEndpoint {
  acquire(): Promise<string>;
  release(): void;
  /** Told when a delivery succeeded: the first one after a cold start ends that cold start. */
  delivered?(): void;
}

export function httpTarget(fn: { name: string; consumes: readonly string[] }, mode: DeliveryMode, endpoint: FunctionEndpoint, opts: { batches?: boolean } = {}): DeliveryTarget {
  const source = { namespace: 'sinbin', name: fn.name };
  return {
    name: fn.name,
    consumes: fn.consumes,
    async deliver(record, timestamp): Promise<TargetOutcome> {
      const delivery = mode === 'knative' ? knativeDelivery(record, source, timestamp) : openFaasDelivery(record);
      const base = await endpoint.acquire();
      try {
        const res = await postBody(`${base}/`, delivery.headers, delivery.body, 30_000);
        if (res.status >= 200 && res.status < 300) {
          endpoint.delivered?.();
          return { status: 'done' };
        }
        if (isRetriedStatus(res.status)) return { status: 'retry', reason: `HTTP ${res.status}: ${res.body.slice(0, 200)}` };
        return { status: 'refused', reason: `HTTP ${res.status}: ${res.body.slice(0, 500)}` };
      } catch (error) {
        return { status: 'retry', reason: `function unreachable: ${(error as Error).message}` };
      } finally {
        endpoint.release();
      }
    },
    // CloudEvents batched content mode: only the sinbin connector sends it (KafkaSource and the
    // kafka-connector send one event per request), so it is an option of this target.
    ...(opts.batches
      ? {
          async deliverMany(records): Promise<boolean[]> {
            const base = await endpoint.acquire();
            try {
              const res = await postBody(`${base}/`, { 'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE }, Buffer.from(cloudEventBatch(records, source)), 30_000);
              const answer = res.status === 200 ? BatchAnswerSchema.safeParse(JSON.parse(res.body)) : undefined;
              if (!answer?.success || answer.data.results.length !== records.length) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
              endpoint.delivered?.();
              return answer.data.results.map((r) => r.status === 'done' || r.status === 'dead-lettered');
            } finally {
              endpoint.release();
            }
          },
        }
      : {}),
  };
}
