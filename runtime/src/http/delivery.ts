// POST / for topic deliveries over HTTP: Knative's KafkaSource (binary CloudEvent) and the
// OpenFaaS kafka-connector (through of-watchdog) both land here. Status codes follow what those
// platforms retry: a poison event is answered 200 after dead-lettering, so an ordered partition
// never stalls on it; only a retriable failure gets 503.
import { processDelivery } from '../consume';
import { describeError, type HttpRequest, type HttpResponse, type HttpRoute, json, type PipelineFunction, PoisonEventError, problem, type Publisher, type RawDelivery, type RunningFunction } from '@sinbin/contract';
import { fromKnativeRequest, fromOpenFaasRequest } from '../transport/decoders';
import type { Logger } from '../log';

export type DeliveryKind = 'knative' | 'openfaas';

export function deliveryKindOf(headers: HttpRequest['headers']): DeliveryKind | undefined {
  if (headers['ce-specversion'] !== undefined) return 'knative';
  if (headers['x-topic'] !== undefined) return 'openfaas';
  return undefined;
}

export function decodeHttpDelivery(req: Pick<HttpRequest, 'headers' | 'body'>): RawDelivery {
  const kind = deliveryKindOf(req.headers);
  if (kind === 'knative') return fromKnativeRequest(req.headers, req.body);
  if (kind === 'openfaas') return fromOpenFaasRequest(req.headers, req.body);
  throw new PoisonEventError('unsupported-delivery', 'expected a binary-mode CloudEvent (ce-* headers) or a kafka-connector request (X-Topic)');
}

export function deliveryRoute(opts: {
  fn: Pick<PipelineFunction, 'name' | 'consumes'>;
  running: () => Promise<RunningFunction>;
  publisher: Publisher;
  log: Logger;
  /** See ProcessOptions.durable. */
  durable?: () => Promise<void>;
}): HttpRoute {
  return {
    method: 'POST',
    path: '/',
    async handler(req): Promise<HttpResponse> {
      let raw: RawDelivery;
      try {
        raw = decodeHttpDelivery(req);
      } catch (error) {
        // Without a topic there is no dead-letter topic to use: refuse it, not retried by either platform.
        return problem(400, error instanceof PoisonEventError ? error.code : 'bad-request', describeError(error));
      }
      const outcome = await processDelivery(raw, { fn: opts.fn, running: await opts.running(), publisher: opts.publisher, log: opts.log, ...(opts.durable ? { durable: opts.durable } : {}) });
      if (outcome.status === 'retry') return problem(503, outcome.code, outcome.reason, { 'retry-after': '1' });
      return json(200, outcome);
    },
  };
}
