// The port between the connector/publisher (ordering per key, commit after delivery, dead letters,
// group commit) and a Kafka client library. An adapter only moves records and offsets; every
// guarantee lives above it, so each adapter keeps them by construction and the integration suite
// checks that it does.
import type { WireRecord } from '@sinbin/contract';
import type { KafkaRecordLike } from './decoders';
import type { TopicPartitionOffset } from './pending-offsets';
import type { Logger } from '../log';

/** An idempotent producer that stores records with acks from all in-sync replicas. */
export interface ProducerDriver {
  /** Resolves once every record is durably stored; rejects otherwise (the caller retries). */
  send(records: readonly WireRecord[], timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface FetchedRecord {
  record: KafkaRecordLike;
  /** Record timestamp, ms since the epoch, as a decimal string. */
  timestamp: string;
}

/** Records of one partition, in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  records: readonly FetchedRecord[];
  /** False once this member lost the partition or is stopping: deliver no more, commit nothing. */
  isCurrent(): boolean;
  heartbeat(): Promise<void>;
}

/**
 * How long a consumer group waits for a member it no longer hears from. It is also how long a
 * member that vanished without leaving (a killed process, a consumer its client gave up on) holds
 * up the group's next rebalance, hence the stall after a broker outage. Short, since both adapters
 * heartbeat while a batch is delivered (kafkajs on a timer of the adapter's, platformatic on its own).
 */
export const GROUP_SESSION_TIMEOUT_MS = 10_000;
export const HEARTBEAT_INTERVAL_MS = 3_000;

export interface ConsumerDriverOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  /** Partitions handled at once. */
  concurrency: number;
  /** Where a consumer the client library gave up on, and its replacement, are reported. */
  log: Logger;
}

/** A group consumer that hands over batches per partition and commits only what it is told to. */
export interface ConsumerDriver {
  /**
   * Joins the group and reads `topics` from the committed offsets (the earliest without one).
   * Batches of one partition are handed over one after another, never side by side.
   */
  start(topics: readonly string[], onBatch: (batch: PartitionBatch) => Promise<void>, onAssignment: (assignment: Record<string, number[]>) => void): Promise<void>;
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Leaves the group and closes the connections; call after the last commit. */
  stop(): Promise<void>;
}
