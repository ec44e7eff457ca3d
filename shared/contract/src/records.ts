// The wire shape of an event on a topic (CloudEvents Kafka binding, binary mode) and the typed
// delivery a function handles. Each transport's decoder (runtime/src/transport/decoders.ts) turns
// what it receives into a RawDelivery, then into a Delivery.
import { randomUUID } from 'node:crypto';
import { ceTypeOf, partitionKeyOf, type EventOf, type TopicName } from './topics';

/** Records bigger than this are dead-lettered unread; below the brokers' default 1 MiB record limit, so the check is reachable. */
export const MAX_RECORD_BYTES = 900 * 1024;

/** A record as a Kafka producer sends it: CloudEvents Kafka binding, binary mode (`ce_` headers). */
export interface WireRecord {
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** What every transport delivers, before the value is parsed. */
export interface RawDelivery {
  topic: string;
  key: string | null;
  partition: number | null;
  offset: string | null;
  /** Stable id of this delivery: the CloudEvent id, or partition/offset. */
  id: string;
  value: Uint8Array | string;
  headers: Record<string, string>;
}

export interface Delivery<T extends TopicName = TopicName> {
  topic: T;
  key: string | null;
  partition: number | null;
  offset: string | null;
  id: string;
  event: EventOf<T>;
}

export type AnyDelivery = { [T in TopicName]: Delivery<T> }[TopicName];

export interface Outbound<T extends TopicName = TopicName> {
  topic: T;
  event: EventOf<T>;
}
export type AnyOutbound = { [T in TopicName]: Outbound<T> }[TopicName];

export function outbound<T extends TopicName>(topic: T, event: EventOf<T>): Outbound<T> {
  return { topic, event };
}

/** Encodes an event for a producer; the source names the emitting function. */
export function encodeRecord(out: AnyOutbound, source: string, now = new Date()): WireRecord {
  const key = partitionKeyOf(out.topic, out.event as never);
  return {
    topic: out.topic,
    key,
    value: JSON.stringify(out.event),
    headers: {
      ce_specversion: '1.0',
      ce_id: randomUUID(),
      ce_type: ceTypeOf(out.topic, out.event as never),
      ce_source: `/sinbin/${source}`,
      ce_time: now.toISOString(),
      // Partitioning extension: the key survives a KafkaSource pass-through as `ce-partitionkey`.
      ce_partitionkey: key,
      'content-type': 'application/json',
    },
  };
}
