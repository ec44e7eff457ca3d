import { describe, expect, it } from 'vitest';
import { batchingScorer } from '../../../shared/scoring/src/batching';
import { emptyCategories, routeByThresholds, type ScoringInput, type ToxicityScorer } from '@sinbin/contract';

/** A scorer that records the batches it was given and scores a text by its length. */
function recordingScorer(fail = false): ToxicityScorer & { batches: string[][]; closed: boolean } {
  const s = {
    kind: 'onnx-fast' as const,
    version: 'rec-1',
    batches: [] as string[][],
    closed: false,
    async score(batch: readonly ScoringInput[]) {
      s.batches.push(batch.map((b) => b.text));
      if (fail) throw new Error('model crashed');
      return batch.map((b) => ({ toxicity: b.text.length / 100, categories: emptyCategories() }));
    },
    async close() {
      s.closed = true;
    },
  };
  return s;
}

describe('batchingScorer', () => {
  it('coalesces single calls made in the same turn into one model batch, answering each caller', async () => {
    const inner = recordingScorer();
    const scorer = batchingScorer(inner);
    const texts = ['a', 'bb', 'ccc', 'dddd'];
    const out = await Promise.all(texts.map((text) => scorer.score([{ text }])));
    expect(inner.batches).toEqual([texts]);
    expect(out.map(([s]) => s!.toxicity)).toEqual([0.01, 0.02, 0.03, 0.04]);
  });

  it('splits at maxBatch', async () => {
    const inner = recordingScorer();
    const scorer = batchingScorer(inner, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((text) => scorer.score([{ text }])));
    expect(inner.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('passes multi-item and empty batches straight through', async () => {
    const inner = recordingScorer();
    const scorer = batchingScorer(inner);
    expect(await scorer.score([{ text: 'x' }, { text: 'yy' }])).toHaveLength(2);
    expect(await scorer.score([])).toEqual([]);
    expect(inner.batches).toEqual([['x', 'yy'], []]);
  });

  it('calls in later turns make later batches', async () => {
    const inner = recordingScorer();
    const scorer = batchingScorer(inner);
    await scorer.score([{ text: 'first' }]);
    await scorer.score([{ text: 'second' }]);
    expect(inner.batches).toEqual([['first'], ['second']]);
  });

  it('a failing model rejects every caller of the batch', async () => {
    const scorer = batchingScorer(recordingScorer(true));
    const results = await Promise.allSettled(['a', 'b'].map((text) => scorer.score([{ text }])));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('keeps the inner kind and version, and closes the inner scorer', async () => {
    const inner = recordingScorer();
    const scorer = batchingScorer(inner);
    expect([scorer.kind, scorer.version]).toEqual(['onnx-fast', 'rec-1']);
    await scorer.close?.();
    expect(inner.closed).toBe(true);
  });
});

describe('routeByThresholds', () => {
  it.each([
    [0, 'ok'],
    [0.29, 'ok'],
    [0.3, 'needs-analysis'],
    [0.69, 'needs-analysis'],
    [0.7, 'toxic'],
    [1, 'toxic'],
  ] as const)('%d -> %s with okBelow 0.3 / toxicFrom 0.7', (toxicity, route) => {
    expect(routeByThresholds(toxicity, { okBelow: 0.3, toxicFrom: 0.7 })).toBe(route);
  });
});
