// How a Kafka record becomes an HTTP request, exactly as the platforms do it (PLATFORM.md):
// Knative KafkaSource (binary-mode CloudEvent) or the OpenFaaS kafka-connector.
import { KafkaRecordLike } from '../transport/decoders';

export type DeliveryMode = 'knative' | 'openfaas';

export interface HttpDelivery {
  headers: Record<string, string>;
  body: Buffer;
}

const text = (v: Uint8Array | string | undefined | null) => (v === undefined || v === null ? undefined : Buffer.from(v).toString('utf8'));

/** KafkaSource: a record with `ce_*` headers passes through as that CloudEvent; any other becomes dev.knative.kafka.event. */
export function knativeDelivery(record: KafkaRecordLike, source: { namespace: string; name: string }, timestamp?: string): HttpDelivery {
  const recordHeaders = record.headers ?? {};
  const headers: Record<string, string> = {};
  const key = text(record.key);
  const ceHeaders = Object.entries(recordHeaders).filter(([k]) => k.toLowerCase().startsWith('ce_'));
  if (ceHeaders.some(([k]) => k.toLowerCase() === 'ce_specversion')) {
    for (const [k, v] of ceHeaders) headers[`ce-${k.slice(3).toLowerCase()}`] = text(v) ?? '';
  } else {
    headers['ce-specversion'] = '1.0';
    headers['ce-type'] = 'dev.knative.kafka.event';
    headers['ce-id'] = `partition:${record.partition}/offset:${record.offset}`;
    headers['ce-source'] = `/apis/v1/namespaces/${source.namespace}/kafkasources/${source.name}#${record.topic}`;
    headers['ce-subject'] = `partition:${record.partition}#${record.offset}`;
    if (timestamp) headers['ce-time'] = new Date(Number(timestamp)).toISOString();
    for (const [k, v] of Object.entries(recordHeaders)) {
      if (k.toLowerCase() === 'content-type') continue;
      headers[`ce-kafkaheader${k.toLowerCase().replace(/[^a-z0-9]/g, '')}`] = text(v) ?? '';
    }
  }
  if (key !== undefined) {
    headers['ce-key'] = key;
    headers['ce-partitionkey'] = key;
  }
  const contentType = text(recordHeaders['content-type']);
  if (contentType) headers['content-type'] = contentType;
  return { headers, body: Buffer.from(record.value ?? '') };
}

/** kafka-connector: the raw value, with the record's position in X-Topic / X-Kafka-* headers. */
export function openFaasDelivery(record: KafkaRecordLike): HttpDelivery {
  const headers: Record<string, string> = {
    'content-type': 'text/plain',
    'x-topic': record.topic,
    'x-kafka-partition': String(record.partition),
    'x-kafka-offset': record.offset,
  };
  if (record.key !== null) {
    const key = Buffer.from(record.key);
    const utf8 = key.toString('utf8');
    if (Buffer.from(utf8, 'utf8').equals(key) && !/[\r\n]/.test(utf8)) headers['x-kafka-key'] = utf8;
    else {
      headers['x-kafka-key'] = key.toString('base64');
      headers['x-kafka-key-enc'] = 'b64';
    }
  }
  for (const [k, v] of Object.entries(record.headers ?? {})) {
    const value = text(v);
    if (value !== undefined && !/[\r\n]/.test(value)) headers[`x-kafka-${k.toLowerCase()}`] = value;
  }
  return { headers, body: Buffer.from(record.value ?? '') };
}

/** Statuses KafkaSource retries; anything else that is not 2xx goes to the dead-letter sink. */
export function isRetriedStatus(status: number): boolean {
  return status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;
}

/**
 * Several records as one request in the CloudEvents HTTP binding's batched content mode: each
 * record becomes the structured-mode twin of the binary-mode event `knativeDelivery` sends (its
 * `ce-*` headers as attributes), its value as `data_base64` whatever it holds: the connector
 * never parses a value (a poison one still reaches the function and its dead-letter topic), and
 * the function parses each value once, as it does a binary-mode body.
 */
export function cloudEventBatch(records: readonly { record: KafkaRecordLike; timestamp?: string }[], source: { namespace: string; name: string }): string {
  const events = records.map(({ record, timestamp }) => {
    const { headers, body } = knativeDelivery(record, source, timestamp);
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (name === 'content-type') attributes.datacontenttype = value;
      else attributes[name.slice(3)] = value;
    }
    const head = JSON.stringify(attributes).slice(0, -1);
    return `${head},"data_base64":"${body.toString('base64')}"}`;
  });
  return `[${events.join(',')}]`;
}
