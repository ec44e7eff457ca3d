import { describe, expect, it } from 'vitest';
import { KNATIVE_DEFAULTS, simulateBurst, type BurstScenario } from '../../../../scripts/capacity/burst';

/** Small numbers: 10 deliveries/s, 10 per replica per second, 100 ms in flight (one per partition → 10/s each). */
const base: BurstScenario = {
  baseRatePerS: 10,
  burstFactor: 1,
  burstStartS: 10,
  burstLengthS: 10,
  durationS: 120,
  perReplicaPerS: 10,
  latencyMs: 100,
  target: 1,
  minScale: 0,
  maxScale: 10,
  partitions: 100,
  initialReplicas: 1,
  coldStartS: 5,
  ...KNATIVE_DEFAULTS,
};

describe('burst simulation', () => {
  it('keeps no backlog when one warm replica serves the steady rate', () => {
    const r = simulateBurst(base);
    expect(r.peakBacklog).toBe(0);
    expect(r.worstWaitS).toBe(0);
    expect(r.capacityCaughtUpAtS).toBe(10);
  });

  it('from zero: replicas are asked for at once (panic: the waiting deliveries count) and ready after the cold start; the backlog is what arrived meanwhile', () => {
    const r = simulateBurst({ ...base, initialReplicas: 0, burstStartS: 0 });
    expect(r.steps[0]!.desired).toBeGreaterThanOrEqual(1);
    expect(r.steps[0]!.panic).toBe(true);
    expect(r.steps[4]!.ready).toBe(0);
    expect(r.steps[5]!.ready).toBeGreaterThanOrEqual(1);
    // 5 s × 10/s waited before the first replica.
    expect(r.peakBacklog).toBe(50);
    expect(r.worstWaitS).toBeGreaterThanOrEqual(5);
    expect(r.drainedAtS).not.toBeNull();
  });

  it.each([
    // burstFactor, maxScale, partitions, expected bound (null: caught up)
    [5, 10, 100, null],
    [5, 3, 100, 'maxScale'],
    [5, 10, 2, 'partitions'],
  ] as const)('a %s× burst with maxScale %s and %s partitions: bound by %s', (burstFactor, maxScale, partitions, bound) => {
    const r = simulateBurst({ ...base, burstFactor, maxScale, partitions });
    expect(r.boundBy).toBe(bound);
    if (bound === null) {
      // Panic mode asks for more at once; the replicas arrive one cold start later.
      expect(r.capacityCaughtUpAtS).not.toBeNull();
      expect(r.capacityCaughtUpAtS! - base.burstStartS).toBeLessThanOrEqual(base.coldStartS + 2);
      expect(r.steps.some((x) => x.panic)).toBe(true);
    } else {
      expect(r.capacityCaughtUpAtS).toBeNull();
      expect(r.peakBacklog).toBeGreaterThan(0);
    }
  });

  it('drains a backlog left by a bounded burst at the spare capacity, after the burst', () => {
    // 50/s for 10 s against 3 replicas (30/s): 20/s piles up, 200 in all; after, 20/s spare drains it in ~10 s.
    const r = simulateBurst({ ...base, burstFactor: 5, maxScale: 3, initialReplicas: 3, minScale: 3 });
    expect(r.peakBacklog).toBe(200);
    expect(r.peakBacklogAtS).toBe(19);
    expect(r.drainedAtS).toBeGreaterThanOrEqual(27);
    expect(r.drainedAtS).toBeLessThanOrEqual(30);
  });

  it('never exceeds maxScale, and serves no more than arrives plus the backlog', () => {
    const r = simulateBurst({ ...base, burstFactor: 20, maxScale: 4 });
    for (const x of r.steps) {
      expect(x.desired).toBeLessThanOrEqual(4);
      expect(x.servedPerS).toBeLessThanOrEqual(x.arrivalsPerS + (r.steps[x.t - 1]?.backlog ?? 0) + 1);
    }
  });

  it('refuses a scenario without capacity', () => {
    expect(() => simulateBurst({ ...base, perReplicaPerS: 0 })).toThrow(/positive/);
  });
});
