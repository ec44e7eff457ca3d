// One decoder per way an event reaches a function (Knative KafkaSource CloudEvent, OpenFaaS
// kafka-connector request, Kafka record, in-process bus). Every decoder yields the same
// RawDelivery, and parseDelivery turns it into a typed event or a PoisonEventError.
import {
  type AnyDelivery,
  currentCeType,
  isTopicName,
  MAX_RECORD_BYTES,
  PoisonEventError,
  type RawDelivery,
  topicByCeType,
  type TopicName,
  TOPICS,
  type WireRecord,
} from '@sinbin/contract';

import { z } from 'zod';

type HeaderBag = Record<string, string | string[] | undefined>;

function lowerCaseHeaders(headers: HeaderBag): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

/**
 * Knative KafkaSource, binary content mode. A plain record arrives as `ce-type:
 * dev.knative.kafka.event` with `ce-source: ...#<topic>` and `ce-id: partition:<p>/offset:<o>`;
 * a record that already carried our `ce_*` headers arrives as that CloudEvent.
 */
export function fromKnativeRequest(headers: HeaderBag, body: Uint8Array | string): RawDelivery {
  const h = lowerCaseHeaders(headers);
  const ceType = h['ce-type'];
  const ceId = h['ce-id'];
  if (h['ce-specversion'] !== '1.0' || !ceType || !ceId) {
    throw new PoisonEventError('unsupported-delivery', 'not a binary-mode CloudEvent: ce-specversion 1.0, ce-type and ce-id are required');
  }
  let topic = topicByCeType(currentCeType(ceType)) as string | undefined;
  if (!topic) {
    const hash = (h['ce-source'] ?? '').lastIndexOf('#');
    topic = hash >= 0 ? h['ce-source']!.slice(hash + 1) : undefined;
  }
  if (!topic) throw new PoisonEventError('unknown-topic', `cannot tell the topic of CloudEvent type ${ceType}`);
  const where = /^partition:(\d+)\/offset:(\d+)$/.exec(ceId);
  const subject = /^partition:(\d+)#(\d+)$/.exec(h['ce-subject'] ?? '');
  const position = where ?? subject;
  return {
    topic,
    key: h['ce-partitionkey'] ?? h['ce-key'] ?? null,
    partition: position ? Number(position[1]) : null,
    offset: position ? position[2]! : null,
    id: ceId,
    value: body,
    headers: h,
  };
}

/** OpenFaaS kafka-connector: raw record value, position in X-Topic / X-Kafka-* headers. */
export function fromOpenFaasRequest(headers: HeaderBag, body: Uint8Array | string): RawDelivery {
  const h = lowerCaseHeaders(headers);
  const topic = h['x-topic'];
  if (!topic) throw new PoisonEventError('unsupported-delivery', 'kafka-connector request without X-Topic header');
  let key = h['x-kafka-key'] ?? null;
  if (key !== null && h['x-kafka-key-enc'] === 'b64') key = Buffer.from(key, 'base64').toString('utf8');
  const partition = h['x-kafka-partition'] !== undefined ? Number(h['x-kafka-partition']) : null;
  const offset = h['x-kafka-offset'] ?? null;
  return {
    topic,
    key,
    partition: Number.isInteger(partition) ? partition : null,
    offset,
    id: h['x-kafka-ce_id'] ?? `partition:${partition ?? '?'}/offset:${offset ?? '?'}`,
    value: body,
    headers: h,
  };
}

export interface KafkaRecordLike {
  topic: string;
  partition: number;
  offset: string;
  key: Uint8Array | string | null;
  value: Uint8Array | string | null;
  headers?: Record<string, Uint8Array | string | undefined>;
}

/** A record read by a Kafka consumer (the local topic connector, or a direct consumer). */
export function fromKafkaRecord(record: KafkaRecordLike): RawDelivery {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(record.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = Buffer.from(v).toString('utf8');
  return {
    topic: record.topic,
    key: record.key === null ? null : Buffer.from(record.key).toString('utf8'),
    partition: record.partition,
    offset: record.offset,
    id: headers['ce_id'] ?? `partition:${record.partition}/offset:${record.offset}`,
    value: record.value ?? '',
    headers,
  };
}

/** The in-process bus hands over the same wire record a producer would send, plus its position. */
export function fromBusRecord(record: WireRecord & { partition: number; offset: number }): RawDelivery {
  return {
    topic: record.topic,
    key: record.key,
    partition: record.partition,
    offset: String(record.offset),
    id: record.headers['ce_id'] ?? `partition:${record.partition}/offset:${record.offset}`,
    value: record.value,
    headers: record.headers,
  };
}

export function byteLength(value: Uint8Array | string): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
}

/** Checks size, JSON and schema; the result is a typed event or a PoisonEventError saying why. */
export function parseDelivery(raw: RawDelivery, accepts: readonly TopicName[]): AnyDelivery {
  if (!isTopicName(raw.topic) || !accepts.includes(raw.topic)) {
    throw new PoisonEventError('unknown-topic', `topic ${raw.topic} is not consumed here (accepts: ${accepts.join(', ')})`);
  }
  const size = byteLength(raw.value);
  if (size > MAX_RECORD_BYTES) throw new PoisonEventError('oversized', `record of ${size} bytes exceeds ${MAX_RECORD_BYTES}`);
  const text = typeof raw.value === 'string' ? raw.value : Buffer.from(raw.value).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PoisonEventError('invalid-json', `record value is not JSON: ${(cause as Error).message}`);
  }
  const parsed = TOPICS[raw.topic].schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PoisonEventError('schema-violation', `${raw.topic} event does not match its schema: ${issues.join('; ')}`);
  }
  return { topic: raw.topic, key: raw.key, partition: raw.partition, offset: raw.offset, id: raw.id, event: parsed.data } as AnyDelivery;
}

/** The CloudEvents HTTP binding's batched content mode, which the sinbin connector can send. */
export const CLOUDEVENTS_BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

// Context attributes are strings here (the binding's headers carry them as text); data is JSON
// or, for a value that is not UTF-8 JSON, base64.
const StructuredEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().min(1),
    type: z.string().min(1),
    source: z.string().min(1),
    datacontenttype: z.string().optional(),
    data: z.unknown().optional(),
    data_base64: z.string().optional(),
  })
  .catchall(z.string());
const EventBatchSchema = z.array(StructuredEventSchema);

/**
 * A batch of structured-mode CloudEvents: each becomes the delivery its binary-mode twin would
 * (same attributes, same topic and position), so one decoder's rules serve both; an event the
 * binary-mode decoder would refuse comes back as that error.
 */
export function fromCloudEventBatch(body: Uint8Array | string): (RawDelivery | PoisonEventError)[] {
  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch (cause) {
    throw new PoisonEventError('invalid-json', `CloudEvents batch is not JSON: ${(cause as Error).message}`);
  }
  const parsed = EventBatchSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PoisonEventError('unsupported-delivery', `not a CloudEvents batch: ${issues.join('; ')}`);
  }
  return parsed.data.map((event) => {
    const { data, data_base64: base64, datacontenttype, ...attributes } = event;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(attributes)) headers[`ce-${name}`] = value as string;
    if (datacontenttype) headers['content-type'] = datacontenttype;
    const value = base64 !== undefined ? Buffer.from(base64, 'base64') : data === undefined ? '' : JSON.stringify(data);
    try {
      return fromKnativeRequest(headers, value);
    } catch (error) {
      // One event that names no topic we know does not refuse its neighbours.
      if (error instanceof PoisonEventError) return error;
      throw error;
    }
  });
}
