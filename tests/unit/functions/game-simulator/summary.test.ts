import { describe, expect, it } from 'vitest';
import { agreement, percentile, percentiles, retryAfterMs, tally } from '../../../../functions/game-simulator/src/summary';

describe('percentiles', () => {
  it.each([
    [[], 50, null],
    [[7], 99, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 95, 95],
    [Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
    [Array.from({ length: 100 }, (_, i) => i + 1), 100, 100],
  ])('nearest rank of %j at p%i = %s', (sorted, p, want) => {
    expect(percentile(sorted, p)).toBe(want);
  });

  it('summarises unsorted values', () => {
    expect(percentiles([5, 1, 3, 2, 4])).toEqual({ count: 5, p50: 3, p95: 5, p99: 5, max: 5, mean: 3 });
    expect(percentiles([])).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null, mean: null });
  });
});

describe('agreement', () => {
  it.each([
    {
      name: 'one message per row',
      outcomes: [
        { label: 'toxic', verdicts: ['block'] },
        { label: 'toxic', verdicts: ['allow'] },
        { label: 'ok', verdicts: ['block'] },
        { label: 'ok', verdicts: ['allow'] },
        { label: 'ok', verdicts: ['allow'] },
      ],
      want: { evaluated: 5, skippedUndecided: 0, toxic: 2, truePositive: 1, falsePositive: 1, falseNegative: 1, trueNegative: 2, precision: 0.5, recall: 0.5, f1: 0.5 },
    },
    {
      name: 'split rows: blocked if any part is, undecided parts skip the row',
      outcomes: [
        { label: 'toxic', verdicts: ['allow', 'block'] },
        { label: 'toxic', verdicts: ['block', undefined] },
        { label: 'ok', verdicts: ['allow', 'allow'] },
      ],
      want: { evaluated: 2, skippedUndecided: 1, toxic: 1, truePositive: 1, falsePositive: 0, falseNegative: 0, trueNegative: 1, precision: 1, recall: 1, f1: 1 },
    },
    {
      name: 'nothing blocked: precision undefined',
      outcomes: [{ label: 'toxic', verdicts: ['allow'] }],
      want: { evaluated: 1, skippedUndecided: 0, toxic: 1, truePositive: 0, falsePositive: 0, falseNegative: 1, trueNegative: 0, precision: null, recall: 0, f1: null },
    },
  ] as const)('$name', ({ outcomes, want }) => {
    expect(agreement(outcomes.map((o) => ({ label: o.label, verdicts: [...o.verdicts] })))).toEqual(want);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [null, 1000],
    ['', 1000],
    ['1', 1000],
    ['2.5', 2500],
    ['0', 0],
    ['120', 30_000],
    ['soon', 1000],
    ['Thu, 01 Jan 2026 00:00:03 GMT', 3000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
  ])('%j -> %i ms', (header, want) => {
    expect(retryAfterMs(header, now)).toBe(want);
  });
});

it('tally counts in first-seen order', () => {
  expect(tally(['b', 'a', 'b'])).toEqual({ b: 2, a: 1 });
});
