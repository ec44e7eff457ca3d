// coalesce: calls of one turn, and calls made while a batch is in flight, share batched calls.
import { describe, expect, it } from 'vitest';
import { coalesce } from '@sinbin/contract';
import { roundsByKey } from '@sinbin/stores';

function recorder(opts: { maxBatch: number; maxInFlight: number; sizeOf?: (n: number) => number; fail?: (items: number[]) => boolean }) {
  const batches: number[][] = [];
  let release: (() => void)[] = [];
  const call = coalesce(
    async (items: number[]) => {
      batches.push(items);
      await new Promise<void>((r) => release.push(r));
      if (opts.fail?.(items)) throw new Error(`batch ${items.join(',')} failed`);
      return items.map((i) => i * 10);
    },
    opts,
  );
  const releaseAll = () => {
    const r = release;
    release = [];
    r.forEach((f) => f());
  };
  return { call, batches, releaseAll };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('coalesce', () => {
  it.each([
    { name: 'one turn, one batch', maxBatch: 10, maxInFlight: 1, calls: 5, first: [[0, 1, 2, 3, 4]] },
    { name: 'split at maxBatch, up to maxInFlight at once', maxBatch: 2, maxInFlight: 2, calls: 5, first: [[0, 1], [2, 3]] },
    { name: 'one in flight: the rest waits', maxBatch: 2, maxInFlight: 1, calls: 5, first: [[0, 1]] },
  ])('$name', async ({ maxBatch, maxInFlight, calls, first }) => {
    const r = recorder({ maxBatch, maxInFlight });
    const results = Array.from({ length: calls }, (_, i) => r.call(i));
    await turn();
    expect(r.batches).toEqual(first);
    while (r.batches.flat().length < calls || r.batches.length === 0) {
      r.releaseAll();
      await turn();
    }
    r.releaseAll();
    expect(await Promise.all(results)).toEqual(Array.from({ length: calls }, (_, i) => i * 10));
    expect(r.batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: calls }, (_, i) => i));
  });

  it('calls made while a batch is in flight go out together in the next one', async () => {
    const r = recorder({ maxBatch: 100, maxInFlight: 1 });
    const a = r.call(1);
    await turn();
    const rest = [r.call(2), r.call(3)];
    await turn();
    const more = r.call(4);
    await turn();
    expect(r.batches).toEqual([[1]]);
    r.releaseAll();
    await a;
    await turn();
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
    r.releaseAll();
    expect(await Promise.all([...rest, more])).toEqual([20, 30, 40]);
  });

  it('sizeOf bounds a batch by total size, but a single oversized item still goes', async () => {
    const r = recorder({ maxBatch: 10, maxInFlight: 3, sizeOf: (n) => n });
    const results = [r.call(4), r.call(5), r.call(30), r.call(1)];
    await turn();
    expect(r.batches).toEqual([[4, 5], [30], [1]]);
    r.releaseAll();
    expect(await Promise.all(results)).toEqual([40, 50, 300, 10]);
  });

  it('a failed batch fails each of its calls, and only those', async () => {
    const r = recorder({ maxBatch: 2, maxInFlight: 2, fail: (items) => items.includes(1) });
    const results = [0, 1, 2].map((i) => r.call(i).then((v) => ({ ok: v }), (e: Error) => ({ error: e.message })));
    await turn();
    r.releaseAll();
    expect(await Promise.all(results)).toEqual([{ error: 'batch 0,1 failed' }, { error: 'batch 0,1 failed' }, { ok: 20 }]);
  });

  it('a wrong number of results fails the batch instead of misrouting results', async () => {
    const call = coalesce(async (items: number[]) => items.slice(1), { maxBatch: 10, maxInFlight: 1 });
    await expect(Promise.all([call(1), call(2)])).rejects.toThrow(/returned 1 results for 2 items/);
  });
});

describe('roundsByKey', () => {
  it.each([
    { items: [], rounds: [] },
    { items: ['a', 'b'], rounds: [['a0', 'b1']] },
    { items: ['a', 'b', 'a', 'a', 'b'], rounds: [['a0', 'b1'], ['a2', 'b4'], ['a3']] },
  ])('$items', ({ items, rounds }) => {
    expect(roundsByKey(items, (k) => k).map((round) => round.map(({ item, index }) => `${item}${index}`))).toEqual(rounds);
  });
});
