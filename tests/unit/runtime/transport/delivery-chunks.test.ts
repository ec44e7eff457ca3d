// The connector's split of a partition batch between batch deliveries and one-by-one ones:
// every record ends done or left for one-by-one delivery, and no key's record overtakes an
// earlier one of the same key.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@sinbin/runtime';
import { deliverInChunks, laneKey, lanesLeft } from '../../../../runtime/src/transport/delivery-chunks';
import type { FetchedRecord } from '../../../../runtime/src/transport/kafka-port';

function fetched(keys: (string | null)[], valueBytes = 10): FetchedRecord[] {
  return keys.map((key, offset) => ({ timestamp: '0', record: { topic: 't', partition: 0, offset: String(offset), key, value: Buffer.alloc(valueBytes, 'x') } }));
}

const offsets = (records: readonly FetchedRecord[]) => records.map((r) => Number(r.record.offset));

/** A deliverMany that records each call and leaves undone the offsets in `undone`. */
function target(undone: number[] = [], fail: number[] = []) {
  const calls: number[][] = [];
  return {
    calls,
    async deliverMany(records: readonly FetchedRecord[]): Promise<boolean[]> {
      calls.push(offsets(records));
      if (fail.includes(calls.length)) throw new Error('function unreachable');
      return records.map((r) => !undone.includes(Number(r.record.offset)));
    },
  };
}

const options = (batchSize: number, extra: { maxBytes?: number; isCurrent?: () => boolean } = {}) => ({ batchSize, heartbeat: async () => {}, isCurrent: () => true, log: silentLogger(), ...extra });

describe('deliverInChunks', () => {
  it.each([
    { name: 'one batch for the whole partition', keys: ['a', 'b', 'a', 'b'], batchSize: 10, undone: [], calls: [[0, 1, 2, 3]], done: [true, true, true, true] },
    { name: 'chunks of batchSize', keys: ['a', 'b', 'c', 'd', 'e'], batchSize: 2, undone: [], calls: [[0, 1], [2, 3], [4]], done: [true, true, true, true, true] },
    // Key a's record 0 is left undone: a's later records stay out of later batches.
    { name: 'an undone record holds back its key', keys: ['a', 'b', 'a', 'b', 'a'], batchSize: 2, undone: [0], calls: [[0, 1], [3]], done: [false, true, false, true, false] },
    { name: 'batchSize 1: everything one by one', keys: ['a', 'b'], batchSize: 1, undone: [], calls: [], done: [false, false] },
    { name: 'a single record goes one by one', keys: ['a'], batchSize: 10, undone: [], calls: [], done: [false] },
    { name: 'keyless records are independent', keys: [null, null, null], batchSize: 2, undone: [0], calls: [[0, 1], [2]], done: [false, true, true] },
  ])('$name', async ({ keys, batchSize, undone, calls, done }) => {
    const t = target(undone);
    expect(await deliverInChunks(fetched(keys), t.deliverMany, options(batchSize))).toEqual(done);
    expect(t.calls).toEqual(calls);
  });

  it('a batch that fails leaves its records undone and their keys held back', async () => {
    const t = target([], [1]);
    const done = await deliverInChunks(fetched(['a', 'b', 'a', 'c']), t.deliverMany, options(2));
    expect(t.calls).toEqual([[0, 1], [3]]);
    expect(done).toEqual([false, false, false, true]);
  });

  it('cuts a batch at maxBytes of values (always at least one record)', async () => {
    const t = target();
    await deliverInChunks(fetched(['a', 'b', 'c', 'd'], 600), t.deliverMany, options(100, { maxBytes: 1000 }));
    expect(t.calls).toEqual([[0, 1], [2, 3]]);
  });

  it('sends no further batch once the partition is no longer this member', async () => {
    const t = target();
    let current = true;
    const deliverMany = async (records: readonly FetchedRecord[]) => ((current = false), t.deliverMany(records));
    const done = await deliverInChunks(fetched(['a', 'b', 'c']), deliverMany, options(2, { isCurrent: () => current }));
    expect(t.calls).toEqual([[0, 1]]);
    expect(done).toEqual([true, true, false]);
  });
});

describe('lanesLeft', () => {
  it.each([
    { name: 'all done: nothing left', keys: ['a', 'b'], done: [true, true], lanes: [] },
    { name: 'none done: every key in order', keys: ['a', 'b', 'a'], done: [false, false, false], lanes: [[0, 2], [1]] },
    // A record done after its key's first undone one goes again, so the key stays in order.
    { name: 'from the first undone record of each key', keys: ['a', 'a', 'a', 'b'], done: [true, false, true, true], lanes: [[1, 2]] },
  ])('$name', ({ keys, done, lanes }) => {
    expect(lanesLeft(fetched(keys), done).map(offsets)).toEqual(lanes);
  });
});

describe('laneKey', () => {
  it.each([
    { key: 'game/channel', offset: '1', lane: 'game/channel' },
    { key: Buffer.from('game/channel'), offset: '1', lane: 'game/channel' },
    { key: null, offset: '7', lane: '\u0000offset:7' },
  ])('$key at $offset', ({ key, offset, lane }) => {
    expect(laneKey({ key, offset })).toBe(lane);
  });
});
