// The committed plan (docs/capacity.json): the inputs, the scenario (rates, the deployment's design
// rate, the raid), and what follows from them — the tiers, the autoscaling settings the manifests
// take, and the raid's simulation. Recomputed from inputs + scenario alone, so `--check` needs no
// benchmark run.
import { KNATIVE_DEFAULTS, simulateBurst, type BurstResult, type BurstScenario } from './burst';
import { autoscaling, planTier, SIZED_FUNCTIONS, SIZED_TOPICS, type AutoscalingPlan, type CapacityInputs, type SizedFunction, type SizedTopic, type TierPlan } from './model';

export interface CapacityScenario {
  /** Sustained chat rates the doc sizes, msg/s. */
  tiers: number[];
  /** The sustained rate the generated manifests are sized for, and the headroom on it for maxScale and partitions. */
  deployFor: { messagesPerS: number; headroom: number };
  /** The raid: the chat rate multiplied for a while, on the deep path. */
  raid: { factor: number; lengthS: number; startS: number; durationS: number; podStartS: number };
  /** The deployment's minScale per function (from the definitions): the floor the simulation starts from. */
  minScale: Record<SizedFunction, number>;
}

export interface RaidCase {
  name: string;
  messagesPerS: number;
  initialReplicas: number;
  scenario: BurstScenario;
  result: Omit<BurstResult, 'steps'>;
  /** Every 30 s of the run, for the doc's timeline. */
  timeline: BurstResult['steps'];
}

export interface DeploySettings {
  /** What the manifests take: Knative target / containerConcurrency, maxScale; partitions per topic. */
  functions: Record<SizedFunction, { targetConcurrency: number; containerConcurrency: number; maxScale: number }>;
  partitions: Record<SizedTopic, number>;
}

export interface CapacityPlan {
  generatedBy: string;
  inputs: CapacityInputs;
  scenario: CapacityScenario;
  autoscaling: AutoscalingPlan[];
  tiers: TierPlan[];
  deploy: DeploySettings;
  raid: RaidCase[];
}

export function deploySettings(inputs: CapacityInputs, scenario: CapacityScenario): DeploySettings {
  const sized = planTier(inputs, scenario.deployFor.messagesPerS * scenario.deployFor.headroom);
  const scale = autoscaling(inputs);
  const functions = Object.fromEntries(
    SIZED_FUNCTIONS.map((f) => {
      const a = scale.find((s) => s.function === f)!;
      const replicas = sized.functions.find((x) => x.function === f)!.replicas;
      return [f, { targetConcurrency: a.target, containerConcurrency: a.containerConcurrency, maxScale: Math.max(replicas, scenario.minScale[f], 1) }];
    }),
  ) as DeploySettings['functions'];
  const partitions = Object.fromEntries(SIZED_TOPICS.map((t) => [t, sized.topics.find((x) => x.topic === t)!.partitions])) as DeploySettings['partitions'];
  return { functions, partitions };
}

/** The deep analyzer under the raid, as deployed: warm at the base rate, and from zero. */
export function raidCases(inputs: CapacityInputs, scenario: CapacityScenario, deploy: DeploySettings): RaidCase[] {
  const rate = scenario.deployFor.messagesPerS;
  const fn: SizedFunction = 'deep-analyzer';
  const tier = planTier(inputs, rate);
  const plan = tier.functions.find((f) => f.function === fn)!;
  const scale = autoscaling(inputs).find((a) => a.function === fn)!;
  const perReplicaFullUse = (1000 / plan.cpuMsPerDelivery) * inputs.replicaCores;
  const base: Omit<BurstScenario, 'initialReplicas' | 'burstStartS'> = {
    baseRatePerS: plan.deliveriesPerS,
    burstFactor: scenario.raid.factor,
    burstLengthS: scenario.raid.lengthS,
    durationS: scenario.raid.durationS,
    perReplicaPerS: Math.floor(perReplicaFullUse),
    latencyMs: scale.latencyMs,
    target: deploy.functions[fn].targetConcurrency,
    minScale: scenario.minScale[fn],
    maxScale: deploy.functions[fn].maxScale,
    partitions: deploy.partitions['nlp-analysis-required'],
    coldStartS: Math.ceil(scenario.raid.podStartS + inputs.deepModelLoadS),
    ...KNATIVE_DEFAULTS,
  };
  // For contrast: the same raid on a deployment sized with only 2× headroom.
  const narrow = deploySettings(inputs, { ...scenario, deployFor: { ...scenario.deployFor, headroom: 2 } });
  const cases: { name: string; initialReplicas: number; burstStartS: number; bounds?: Pick<BurstScenario, 'maxScale' | 'partitions'> }[] = [
    { name: `warm: ${plan.replicas} replica(s) serving ${rate.toLocaleString('en')} msg/s when the raid starts`, initialReplicas: plan.replicas, burstStartS: scenario.raid.startS },
    { name: `from zero: the deep analyzer at zero when the raid (${scenario.raid.factor}× ${rate.toLocaleString('en')} msg/s) arrives`, initialReplicas: 0, burstStartS: 0 },
    {
      name: `contrast, warm, sized for 2× only (maxScale ${narrow.functions[fn].maxScale}, ${narrow.partitions['nlp-analysis-required']} partitions)`,
      initialReplicas: plan.replicas,
      burstStartS: scenario.raid.startS,
      bounds: { maxScale: narrow.functions[fn].maxScale, partitions: narrow.partitions['nlp-analysis-required'] },
    },
  ];
  return cases.map((c) => {
    const s: BurstScenario = { ...base, ...c.bounds, initialReplicas: c.initialReplicas, burstStartS: c.burstStartS };
    const { steps, ...result } = simulateBurst(s);
    return { name: c.name, messagesPerS: rate, initialReplicas: c.initialReplicas, scenario: s, result, timeline: steps.filter((x) => x.t % 30 === 0) };
  });
}

export function buildPlan(inputs: CapacityInputs, scenario: CapacityScenario): CapacityPlan {
  const deploy = deploySettings(inputs, scenario);
  return {
    generatedBy: 'scripts/capacity/main.ts (npm run capacity): inputs from bench files (--bench), scenario by hand; everything after them is computed',
    inputs,
    scenario,
    autoscaling: autoscaling(inputs),
    tiers: scenario.tiers.map((r) => planTier(inputs, r)),
    deploy,
    raid: raidCases(inputs, scenario, deploy),
  };
}
