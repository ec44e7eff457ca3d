// The shadow's figures, pure: agreement, flips by the champion's label, latency of both.
import { describe, expect, it } from 'vitest';
import { addBatch, emptyTally, LATENCY_SAMPLES, shadowMetrics } from '../../../shared/scoring/src/shadow-figures';

describe('shadow figures', () => {
  it.each([
    { name: 'full agreement', champion: [0.1, 0.9], challenger: [0.2, 0.8], want: { agreement: 1, toToxic: 0, toOk: 0, rateOk: 0, rateToxic: 0 } },
    { name: 'an ok message the challenger would block', champion: [0.1, 0.2, 0.9, 0.7], challenger: [0.6, 0.2, 0.9, 0.7], want: { agreement: 0.75, toToxic: 1, toOk: 0, rateOk: 0.5, rateToxic: 0 } },
    { name: 'a toxic message the challenger would allow', champion: [0.9, 0.6, 0.1], challenger: [0.4, 0.6, 0.1], want: { agreement: 0.6667, toToxic: 0, toOk: 1, rateOk: 0, rateToxic: 0.5 } },
    { name: 'the cut is 0.5, inclusive', champion: [0.5, 0.49], challenger: [0.49, 0.5], want: { agreement: 0, toToxic: 1, toOk: 1, rateOk: 1, rateToxic: 1 } },
    { name: 'nothing scored', champion: [], challenger: [], want: { agreement: 0, toToxic: 0, toOk: 0, rateOk: 0, rateToxic: 0 } },
  ])('$name', ({ champion, challenger, want }) => {
    const t = emptyTally();
    addBatch(t, champion, challenger, { champion: 1, challenger: 2 });
    const m = shadowMetrics(t);
    expect({ agreement: m['shadow.agreement'], toToxic: m['shadow.flips_to_toxic'], toOk: m['shadow.flips_to_ok'], rateOk: m['shadow.flip_rate.ok'], rateToxic: m['shadow.flip_rate.toxic'] }).toEqual(want);
    expect(m['shadow.scored']).toBe(challenger.length);
  });

  it('latency quantiles of both, over the most recent batches only', () => {
    const t = emptyTally();
    for (let i = 1; i <= 100; i++) addBatch(t, [0.1], [0.1], { champion: i, challenger: 2 * i });
    const m = shadowMetrics(t);
    expect(m['shadow.champion_latency_p50_ms']).toBe(51);
    expect(m['shadow.champion_latency_p95_ms']).toBe(96);
    expect(m['shadow.challenger_latency_p95_ms']).toBe(192);
    expect(m['shadow.batches']).toBe(100);
    for (let i = 0; i < LATENCY_SAMPLES + 10; i++) addBatch(t, [0.1], [0.1], { champion: 1, challenger: 1 });
    expect(t.championMs).toHaveLength(LATENCY_SAMPLES);
    expect(shadowMetrics(t)['shadow.champion_latency_p95_ms']).toBe(1);
  });
});
