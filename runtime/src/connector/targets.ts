// The connector's HTTP target: a function process reached as Knative's KafkaSource or the
// OpenFaaS kafka-connector would reach it. (A function in the same process uses localTarget.)
import { postBody } from '../http/post';
import type { DeliveryTarget, TargetOutcome } from '../transport/kafka-connector';
import { isRetriedStatus, knativeDelivery, openFaasDelivery, type DeliveryMode } from './delivery';

/** Something that can hand out a base URL for a function, starting it first if it is at zero. */
export interface FunctionEndpoint {
  acquire(): Promise<string>;
  release(): void;
  /** Told when a delivery succeeded: the first one after a cold start ends that cold start. */
  delivered?(): void;
}

export function httpTarget(fn: { name: string; consumes: readonly string[] }, mode: DeliveryMode, endpoint: FunctionEndpoint): DeliveryTarget {
  return {
    name: fn.name,
    consumes: fn.consumes,
    async deliver(record, timestamp): Promise<TargetOutcome> {
      const delivery = mode === 'knative' ? knativeDelivery(record, { namespace: 'sinbin', name: fn.name }, timestamp) : openFaasDelivery(record);
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
  };
}
