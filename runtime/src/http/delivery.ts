// POST / for topic deliveries over HTTP: Knative's KafkaSource (binary CloudEvent), the OpenFaaS
// kafka-connector (through of-watchdog) and the sinbin connector's CloudEvents batches all land
// here. Status codes follow what those platforms retry: a poison event is answered 200 after
// dead-lettering, so an ordered partition never stalls on it; only a retriable failure gets 503.
// A batch is answered 200 with one result per event, and the connector sends again what is not done.
import { type DeliveryOutcome, processDelivery } from '../consume';
import { processBatch } from '../consume-batch';
import { describeError, type HttpRequest, type HttpResponse, type HttpRoute, json, type PipelineFunction, PoisonEventError, problem, type Publisher, type RawDelivery, type RunningFunction } from '@sinbin/contract';
import { CLOUDEVENTS_BATCH_CONTENT_TYPE, fromCloudEventBatch, fromKnativeRequest, fromOpenFaasRequest } from '../transport/decoders';
import type { Logger } from '../log';

/** What a batch delivery's response says of each event. */
export type BatchResult = DeliveryOutcome | { status: 'refused'; code: string; reason: string };

export type DeliveryKind = 'knative' | 'openfaas' | 'batch';

export function deliveryKindOf(headers: HttpRequest['headers']): DeliveryKind | undefined {
  const contentType = headers['content-type'];
  if (typeof contentType === 'string' && contentType.split(';')[0]!.trim().toLowerCase() === CLOUDEVENTS_BATCH_CONTENT_TYPE) return 'batch';
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
      const options = { fn: opts.fn, publisher: opts.publisher, log: opts.log, ...(opts.durable ? { durable: opts.durable } : {}) };
      if (deliveryKindOf(req.headers) === 'batch') {
        let decoded: (RawDelivery | PoisonEventError)[];
        try {
          decoded = fromCloudEventBatch(req.body);
        } catch (error) {
          return problem(400, error instanceof PoisonEventError ? error.code : 'bad-request', describeError(error));
        }
        const raws = decoded.filter((d): d is RawDelivery => !(d instanceof PoisonEventError));
        const outcomes = await processBatch(raws, { ...options, running: await opts.running() });
        // One result per event, in order. The connector sends those not done or dead-lettered again
        // one by one, where an event refused here gets its 400 and the connector's dead letter.
        let n = 0;
        const results: BatchResult[] = decoded.map((d) => (d instanceof PoisonEventError ? { status: 'refused', code: d.code, reason: d.message } : outcomes[n++]!));
        return json(200, { results });
      }
      let raw: RawDelivery;
      try {
        raw = decodeHttpDelivery(req);
      } catch (error) {
        // Without a topic there is no dead-letter topic to use: refuse it, not retried by either platform.
        return problem(400, error instanceof PoisonEventError ? error.code : 'bad-request', describeError(error));
      }
      const outcome = await processDelivery(raw, { ...options, running: await opts.running() });
      if (outcome.status === 'retry') return problem(503, outcome.code, outcome.reason, { 'retry-after': '1' });
      return json(200, outcome);
    },
  };
}
