import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUTS, DEFAULT_SCENARIO } from '../../../../scripts/capacity/defaults';
import { autoscaling, cpuMsPerDelivery, deliveriesPerMessage, planTier, type CapacityInputs } from '../../../../scripts/capacity/model';
import { buildPlan, deploySettings } from '../../../../scripts/capacity/plan';
import { renderCapacityDoc } from '../../../../scripts/capacity/render';

/** Round figures so the expected values can be worked out by hand: 1 ms of hosting per delivery. */
const simple: CapacityInputs = {
  ...DEFAULT_INPUTS,
  // fast 0.5 ms, deep 10 ms; hops = 2 + 1 + (1 + 0.1 + 0) + 0.1 + 0 + 0.1 = 4.3
  fastModelMsgsPerCpuSecond: 2000,
  deepModelMsgsPerCoreSecond: 100,
  deepShare: 0.1,
  moderationShare: 0,
  pipelineCpuMsPerMessage: 0.5 + 0.1 * 10 + 4.3,
  ioWaitMs: 5,
  targetUtilisation: 0.5,
  replicaCores: 1,
  containerConcurrencyFactor: 2,
  broker: { ...DEFAULT_INPUTS.broker, mbPerSecondPerCore: 50, coresPerNode: 8, minNodes: 3, replicationFactor: 3 },
};

describe('capacity model', () => {
  it('splits the embedded CPU into the models and an equal hosting cost per delivery', () => {
    const split = cpuMsPerDelivery(simple);
    expect(split.perDeliveryMs).toBeCloseTo(1, 9);
    expect(split.perFunction['fast-classifier']).toBeCloseTo(1.5, 9);
    expect(split.perFunction['deep-analyzer']).toBeCloseTo(11, 9);
    expect(split.perFunction['decision-manager']).toBeCloseTo(1, 9);
  });

  it('refuses figures whose models alone cost more than the whole pipeline', () => {
    expect(() => cpuMsPerDelivery({ ...simple, pipelineCpuMsPerMessage: 1 })).toThrow(/do not belong together/);
  });

  it.each([
    // [deepShare, moderationShare, function, deliveries per message]
    [0.1, 0, 'game-message-proxy', 2],
    [0.1, 0, 'decision-manager', 1.1],
    [0.2, 0.05, 'decision-manager', 1.25],
    [0.2, 0.05, 'training-data-sink', 0.25],
    [0.2, 0.05, 'moderation', 0.05],
  ] as const)('deep %s, moderation %s: %s gets %s deliveries per message', (deepShare, moderationShare, fn, expected) => {
    expect(deliveriesPerMessage({ deepShare, moderationShare, limitedShare: 0 })[fn]).toBeCloseTo(expected, 9);
  });

  it('sends limited messages past the fast classifier, straight to the decision manager', () => {
    const d = deliveriesPerMessage({ deepShare: 0.1, moderationShare: 0, limitedShare: 0.3 });
    expect(d['fast-classifier']).toBeCloseTo(0.7, 9);
    expect(d['decision-manager']).toBeCloseTo(1.1, 9);
  });

  it.each([
    // function, target = per replica at target (0.5 × 1000 / cpu) × (cpu + 5 ms) / 1000
    ['decision-manager', 3, 6], // 500/s × 6 ms = 3
    ['fast-classifier', 2, 4], // 333/s × 6.5 ms = 2.2
    ['deep-analyzer', 1, 2], // 45/s × 16 ms = 0.7 → at least 1
  ] as const)("%s: Knative target %s by Little's law, containerConcurrency %s", (fn, target, hard) => {
    const a = autoscaling(simple).find((x) => x.function === fn)!;
    expect(a.target).toBe(target);
    expect(a.containerConcurrency).toBe(hard);
  });

  it.each([
    // rate, function, replicas: ceil(rate × deliveries × cpu ms / 1000 / 0.5)
    [1000, 'fast-classifier', 3], // 1000 × 1.5 ms = 1.5 cores / 0.5
    [1000, 'deep-analyzer', 3], // 100/s × 11 ms = 1.1 / 0.5 = 2.2
    [10_000, 'game-message-proxy', 40], // 20,000/s × 1 ms = 20 / 0.5
    [1, 'moderation', 1], // never fewer than one
  ] as const)('at %s msg/s %s needs %s replicas', (rate, fn, replicas) => {
    expect(planTier(simple, rate).functions.find((f) => f.function === fn)!.replicas).toBe(replicas);
  });

  it.each([
    // rate, topic, partitions: ceil(events/s ÷ (1000 / in-flight ms × 0.5))
    [1000, 'raw-messages', 13], // fast: 6.5 ms in flight → 76.9/s per partition
    [1000, 'nlp-analysis-required', 4], // deep: 16 ms → 31.25/s; 100/s
    [1000, 'moderation-required', 1], // nothing flows: still one
  ] as const)('at %s msg/s %s needs %s partitions', (rate, topic, partitions) => {
    expect(planTier(simple, rate).topics.find((t) => t.topic === topic)!.partitions).toBe(partitions);
  });

  it('sizes the broker by traffic and partition memory, never under the minimum nodes', () => {
    const small = planTier(simple, 100).broker;
    expect(small.nodes).toBe(3);
    const big = planTier(simple, 1_000_000).broker;
    // produce × (1 + RF − 1 + 1) over 50 MB/s per core decides at this rate.
    expect(big.cores).toBeGreaterThanOrEqual(Math.ceil(big.trafficMBps / 50));
    expect(big.nodes).toBe(Math.max(3, Math.ceil(big.cores / 8)));
  });

  it('grows linearly with the rate, up to rounding', () => {
    const a = planTier(simple, 10_000);
    const b = planTier(simple, 100_000);
    for (const f of a.functions) {
      const g = b.functions.find((x) => x.function === f.function)!;
      expect(g.cores).toBeCloseTo(f.cores * 10, 6);
    }
  });

  it('gives the manifests maxScale and partitions at the design rate times the headroom, never below minScale', () => {
    const scenario = { ...DEFAULT_SCENARIO, deployFor: { messagesPerS: 1000, headroom: 10 } };
    const settings = deploySettings(simple, scenario);
    const at10k = planTier(simple, 10_000);
    expect(settings.functions['fast-classifier'].maxScale).toBe(at10k.functions.find((f) => f.function === 'fast-classifier')!.replicas);
    expect(settings.partitions['raw-messages']).toBe(at10k.topics.find((t) => t.topic === 'raw-messages')!.partitions);
    const floor = deploySettings(simple, { ...scenario, deployFor: { messagesPerS: 1, headroom: 1 } });
    expect(floor.functions['fast-classifier'].maxScale).toBe(DEFAULT_SCENARIO.minScale['fast-classifier']);
  });

  it('renders a doc that states every input and the three tiers', () => {
    const doc = renderCapacityDoc(buildPlan(simple, DEFAULT_SCENARIO));
    expect(doc).toContain('| pipeline CPU per message | 5.8 ms |');
    for (const tier of ['10k msg/s', '100k msg/s', '1M msg/s']) expect(doc).toContain(tier);
    expect(doc).toContain('A raid on the deep path');
    expect(doc).toContain(DEFAULT_INPUTS.broker.source);
  });
});
