// The connector's HTTP target: a function process reached as Knative's KafkaSource or the
// OpenFaaS kafka-connector would reach it. (A function in the same process uses localTarget.)
import type { DeliveryTarget, TargetOutcome } from '@toxmod/shared/transport/kafka-connector';
import { isRetriedStatus, knativeDelivery, openFaasDelivery, type DeliveryMode } from './delivery';

/** Something that can hand out a base URL for a function, starting it first if it is at zero. */
export interface FunctionEndpoint {
  acquire(): Promise<string>;
  release(): void;
}

export function httpTarget(fn: { name: string; consumes: readonly string[] }, mode: DeliveryMode, endpoint: FunctionEndpoint): DeliveryTarget {
  return {
    name: fn.name,
    consumes: fn.consumes,
    async deliver(record, timestamp): Promise<TargetOutcome> {
      const request = mode === 'knative' ? knativeDelivery(record, { namespace: 'toxmod', name: fn.name }, timestamp) : openFaasDelivery(record);
      const base = await endpoint.acquire();
      try {
        const res = await fetch(`${base}/`, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(30_000) });
        const body = await res.text();
        if (res.ok) return { status: 'done' };
        if (isRetriedStatus(res.status)) return { status: 'retry', reason: `HTTP ${res.status}: ${body.slice(0, 200)}` };
        return { status: 'refused', reason: `HTTP ${res.status}: ${body.slice(0, 500)}` };
      } catch (error) {
        return { status: 'retry', reason: `function unreachable: ${(error as Error).message}` };
      } finally {
        endpoint.release();
      }
    },
  };
}
