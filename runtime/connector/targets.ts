// The connector's HTTP target: a function process reached as Knative's KafkaSource or the
// OpenFaaS kafka-connector would reach it. (A function in the same process uses localTarget.)
import { Agent, request } from 'node:http';
import type { DeliveryTarget, TargetOutcome } from '@toxmod/shared/transport/kafka-connector';
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
      const delivery = mode === 'knative' ? knativeDelivery(record, { namespace: 'toxmod', name: fn.name }, timestamp) : openFaasDelivery(record);
      const base = await endpoint.acquire();
      try {
        const res = await post(`${base}/`, delivery.headers, delivery.body);
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

// Keep-alive connections, reused across deliveries: one request per record is the platforms'
// contract, so the per-request cost matters (node:http costs far less CPU here than fetch).
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}
