// How the connector splits a partition's batch between batch deliveries and one-by-one ones,
// keeping each key's order: a key with a record left undone by a batch delivery is left out of
// the later batches, and its records go one by one from that record on.
import type { Logger } from '../log';
import type { KafkaRecordLike } from './decoders';
import type { FetchedRecord } from './kafka-port';

/** Value bytes per batch delivery: keeps a request well under a function's body limit (5 MiB). */
export const MAX_BATCH_BYTES = 1024 * 1024;

/** Records of one key share a lane; keyless records each get their own. */
export function laneKey(record: Pick<KafkaRecordLike, 'key' | 'offset'>): string {
  const { key } = record;
  if (key === null) return `\u0000offset:${record.offset}`;
  if (typeof key === 'string') return key;
  return (Buffer.isBuffer(key) ? key : Buffer.from(key)).toString('latin1');
}

export interface ChunkOptions {
  /** Records per batch delivery; 1 (or a batch of one) leaves everything to one-by-one delivery. */
  batchSize: number;
  maxBytes?: number;
  heartbeat: () => Promise<void>;
  /** False once the partition is lost or the connector stops: no further batch is sent. */
  isCurrent: () => boolean;
  log: Logger;
}

/** Sends the records in batches of at most `batchSize`; says which are done. A failed batch leaves all its records undone. */
export async function deliverInChunks(
  records: readonly FetchedRecord[],
  deliverMany: (records: readonly FetchedRecord[]) => Promise<boolean[]>,
  opts: ChunkOptions,
): Promise<boolean[]> {
  const done = records.map(() => false);
  if (opts.batchSize <= 1 || records.length < 2) return done;
  const maxBytes = opts.maxBytes ?? MAX_BATCH_BYTES;
  const blocked = new Set<string>();
  let start = 0;
  while (start < records.length && opts.isCurrent()) {
    const chunk: number[] = [];
    let bytes = 0;
    for (; start < records.length && chunk.length < opts.batchSize && (chunk.length === 0 || bytes < maxBytes); start++) {
      if (blocked.has(laneKey(records[start]!.record))) continue;
      chunk.push(start);
      bytes += records[start]!.record.value?.length ?? 0;
    }
    if (chunk.length === 0) break;
    const answers = await deliverMany(chunk.map((i) => records[i]!)).catch((error: unknown) => {
      opts.log.debug({ records: chunk.length, err: String(error) }, 'batch delivery failed; its records go one by one');
      return chunk.map(() => false);
    });
    chunk.forEach((index, n) => {
      if (answers[n] === true) done[index] = true;
      else blocked.add(laneKey(records[index]!.record));
    });
    await opts.heartbeat();
  }
  return done;
}

/**
 * What is left to deliver one by one, per key, in order: each key's records from its first undone
 * one on (a later one a batch reported done goes again; consumers are idempotent).
 */
export function lanesLeft(records: readonly FetchedRecord[], done: readonly boolean[]): FetchedRecord[][] {
  const byKey = new Map<string, FetchedRecord[]>();
  records.forEach((fetched, index) => {
    const key = laneKey(fetched.record);
    const lane = byKey.get(key);
    if (lane) lane.push(fetched);
    else if (!done[index]) byKey.set(key, [fetched]);
  });
  return [...byKey.values()];
}
