// The capacity model: from the per-message figures measured on one machine to partitions,
// replicas, Knative autoscaling targets and broker size at a given message rate. Pure: no I/O,
// so the doc (docs/capacity.md), the committed plan (docs/capacity.json) and the manifests all
// come from the same arithmetic, and the tests can drive it with tables.

/** The functions the model sizes, and how many deliveries each gets per chat message. */
export const SIZED_FUNCTIONS = ['game-message-proxy', 'fast-classifier', 'decision-manager', 'deep-analyzer', 'moderation', 'training-data-sink'] as const;
export type SizedFunction = (typeof SIZED_FUNCTIONS)[number];

/** The topics the model sizes (the registry's; dead-letter topics keep their topic's count). */
export const SIZED_TOPICS = [
  'raw-messages',
  'limited-messages',
  'classified-messages',
  'nlp-analysis-required',
  'nlp-analysis-results',
  'moderation-required',
  'moderation-results',
  'final-decisions',
  'model-training-data',
] as const;
export type SizedTopic = (typeof SIZED_TOPICS)[number];

export interface CapacityInputs {
  /** Where each figure came from (bench files, their dates and load averages). */
  provenance: { file: string; startedAt?: string; loadAverage?: number[] | number; figure: string }[];
  /** CPU of the whole embedded pipeline per accepted message (all threads, deep model included). */
  pipelineCpuMsPerMessage: number;
  /** The fast model alone, in process: messages per CPU second. */
  fastModelMsgsPerCpuSecond: number;
  /** The deep model alone, with context, one intra-op thread: messages per second on one core. */
  deepModelMsgsPerCoreSecond: number;
  /** Seconds the deep analyzer takes to load its model: the model's part of a cold start. */
  deepModelLoadS: number;
  /** Share of messages the fast classifier sends to the deep analyzer. */
  deepShare: number;
  /** Share of messages that end as a moderation case (human review or its deadline). */
  moderationShare: number;
  /** Share of messages the gateway's flood and spam limits stop before any model (limited-messages). */
  limitedShare: number;
  /** Per-replica memory, MiB (measured RSS where the bench gives it, else the declared request). */
  memoryMiB: Record<SizedFunction, number>;
  /** Time a delivery waits on I/O beyond its CPU (publish acknowledged by the broker, store write). */
  ioWaitMs: number;
  /** CPU utilisation a replica is sized for: the rest is headroom for bursts and GC. */
  targetUtilisation: number;
  /** Cores one replica can use: one event loop (the deep model runs one ONNX thread). */
  replicaCores: number;
  /** Knative's hard limit on in-flight requests, as a multiple of the soft target. */
  containerConcurrencyFactor: number;
  broker: BrokerInputs;
  /** Encoded event size on each topic, bytes (CloudEvent headers included). */
  eventBytes: Record<SizedTopic, number>;
}

export interface BrokerInputs {
  /** Produce + replicate + consume traffic one Redpanda core carries, MB/s. */
  mbPerSecondPerCore: number;
  /** Memory per partition replica and per core, from the same guidelines. */
  mibPerPartitionReplica: number;
  gibPerCore: number;
  coresPerNode: number;
  minNodes: number;
  replicationFactor: number;
  source: string;
}

/** Deliveries each function gets per chat message accepted. */
export function deliveriesPerMessage(i: Pick<CapacityInputs, 'deepShare' | 'moderationShare' | 'limitedShare'>): Record<SizedFunction, number> {
  return {
    // The game's POST and the final decision it hands back (API, webhook).
    'game-message-proxy': 2,
    // A limited message skips the models.
    'fast-classifier': 1 - i.limitedShare,
    // Every classified or limited message, every deep result, every moderator verdict.
    'decision-manager': 1 + i.deepShare + i.moderationShare,
    'deep-analyzer': i.deepShare,
    // A case opened and its verdict published.
    moderation: i.moderationShare,
    // Labelled examples from deep decisions and moderator verdicts.
    'training-data-sink': i.deepShare + i.moderationShare,
  };
}

/** Events on each topic per chat message. */
export function eventsPerMessage(i: Pick<CapacityInputs, 'deepShare' | 'moderationShare' | 'limitedShare'>): Record<SizedTopic, number> {
  return {
    'raw-messages': 1 - i.limitedShare,
    'limited-messages': i.limitedShare,
    'classified-messages': 1 - i.limitedShare,
    'nlp-analysis-required': i.deepShare,
    'nlp-analysis-results': i.deepShare,
    'moderation-required': i.moderationShare,
    'moderation-results': i.moderationShare,
    'final-decisions': 1,
    'model-training-data': i.deepShare + i.moderationShare,
  };
}

/** Which function consumes each topic (the one whose delivery rate sets its partitions). */
export const CONSUMER_OF: Record<SizedTopic, SizedFunction> = {
  'raw-messages': 'fast-classifier',
  'limited-messages': 'decision-manager',
  'classified-messages': 'decision-manager',
  'nlp-analysis-required': 'deep-analyzer',
  'nlp-analysis-results': 'decision-manager',
  'moderation-required': 'moderation',
  'moderation-results': 'decision-manager',
  'final-decisions': 'game-message-proxy',
  'model-training-data': 'training-data-sink',
};

/**
 * CPU per delivery of each function. The embedded figure is split into what the models cost
 * (measured alone) and a per-delivery cost of the hosting (HTTP, JSON, schema checks, the log),
 * the same for every delivery: pipeline = fast + deepShare·deep + hops·perDelivery.
 */
export function cpuMsPerDelivery(i: CapacityInputs): { perFunction: Record<SizedFunction, number>; perDeliveryMs: number; fastModelMs: number; deepModelMs: number } {
  const fastModelMs = 1000 / i.fastModelMsgsPerCpuSecond;
  const deepModelMs = 1000 / i.deepModelMsgsPerCoreSecond;
  const deliveries = deliveriesPerMessage(i);
  const hops = SIZED_FUNCTIONS.reduce((sum, f) => sum + deliveries[f], 0);
  const rest = i.pipelineCpuMsPerMessage - fastModelMs - i.deepShare * deepModelMs;
  if (rest <= 0) throw new Error(`pipeline CPU ${i.pipelineCpuMsPerMessage} ms per message is less than its models alone (${round(fastModelMs + i.deepShare * deepModelMs, 3)} ms): the figures do not belong together`);
  const perDeliveryMs = rest / hops;
  const perFunction = Object.fromEntries(SIZED_FUNCTIONS.map((f) => [f, perDeliveryMs])) as Record<SizedFunction, number>;
  perFunction['fast-classifier'] += fastModelMs;
  perFunction['deep-analyzer'] += deepModelMs;
  return { perFunction, perDeliveryMs, fastModelMs, deepModelMs };
}

export interface FunctionPlan {
  function: SizedFunction;
  deliveriesPerS: number;
  cpuMsPerDelivery: number;
  /** What one replica handles at the target utilisation. */
  perReplicaPerS: number;
  cores: number;
  replicas: number;
  memoryGiB: number;
}

export interface AutoscalingPlan {
  function: SizedFunction;
  /** Knative `autoscaling.knative.dev/target`: in-flight deliveries per replica at target utilisation (Little's law). */
  target: number;
  /** Knative `containerConcurrency`: the hard limit a replica accepts before the activator queues. */
  containerConcurrency: number;
  /** Seconds one delivery takes (CPU + I/O wait). */
  latencyMs: number;
}

export interface TopicPlan {
  topic: SizedTopic;
  eventsPerS: number;
  /** One ordered KafkaSource consumer per partition, one delivery in flight on each. */
  partitions: number;
  mbPerS: number;
}

export interface BrokerPlan {
  /** Produce once, replicate (RF − 1) times, consume once per consumer group. */
  trafficMBps: number;
  partitionReplicas: number;
  cores: number;
  nodes: number;
  memoryGiBPerNode: number;
}

export interface TierPlan {
  messagesPerS: number;
  functions: FunctionPlan[];
  topics: TopicPlan[];
  broker: BrokerPlan;
  totalCores: number;
  totalMemoryGiB: number;
}

export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
/** Ceiling that ignores floating-point dust (3.0000000001 replicas is 3). */
const ceil = (x: number) => Math.ceil(x - 1e-9);

/** Per-replica autoscaling targets: they depend on the per-delivery cost, not the rate. */
export function autoscaling(i: CapacityInputs): AutoscalingPlan[] {
  const { perFunction } = cpuMsPerDelivery(i);
  return SIZED_FUNCTIONS.map((f) => {
    const cpuMs = perFunction[f];
    const latencyMs = cpuMs + i.ioWaitMs;
    const perReplicaPerS = (1000 / cpuMs) * i.replicaCores * i.targetUtilisation;
    // Little's law: in flight = arrival rate × time in the system.
    const target = Math.max(1, Math.round((perReplicaPerS * latencyMs) / 1000));
    return { function: f, target, containerConcurrency: Math.ceil(target * i.containerConcurrencyFactor), latencyMs: round(latencyMs, 3) };
  });
}

export function planTier(i: CapacityInputs, messagesPerS: number): TierPlan {
  const { perFunction } = cpuMsPerDelivery(i);
  const deliveries = deliveriesPerMessage(i);
  const functions = SIZED_FUNCTIONS.map((f): FunctionPlan => {
    const deliveriesPerS = messagesPerS * deliveries[f];
    const perReplicaPerS = (1000 / perFunction[f]) * i.replicaCores * i.targetUtilisation;
    const cores = (deliveriesPerS * perFunction[f]) / 1000 / i.targetUtilisation;
    const replicas = Math.max(1, ceil(deliveriesPerS / perReplicaPerS));
    return { function: f, deliveriesPerS: round(deliveriesPerS, 1), cpuMsPerDelivery: round(perFunction[f], 4), perReplicaPerS: Math.floor(perReplicaPerS), cores: round(cores, 2), replicas, memoryGiB: round((replicas * i.memoryMiB[f]) / 1024, 2) };
  });
  const scale = autoscaling(i);
  const events = eventsPerMessage(i);
  const topics = SIZED_TOPICS.map((t): TopicPlan => {
    const eventsPerS = messagesPerS * events[t];
    const consumer = scale.find((s) => s.function === CONSUMER_OF[t])!;
    // The KafkaSource dispatcher consumes and POSTs to the Service, one event in flight per
    // partition (ordered): a partition carries 1000/latency events/s at most, and the partitions
    // are all the concurrency the autoscaler can see. Sized for the target utilisation.
    const perPartitionPerS = (1000 / consumer.latencyMs) * i.targetUtilisation;
    const partitions = Math.max(1, ceil(eventsPerS / perPartitionPerS));
    return { topic: t, eventsPerS: round(eventsPerS, 1), partitions, mbPerS: round((eventsPerS * i.eventBytes[t]) / 1e6, 3) };
  });
  const b = i.broker;
  const producedMBps = topics.reduce((s, t) => s + t.mbPerS, 0);
  // Each topic has one consumer group here; dead-letter topics carry next to nothing.
  const trafficMBps = producedMBps * (1 + (b.replicationFactor - 1) + 1);
  // Each topic has a dead-letter topic of one partition.
  const partitionReplicas = (topics.reduce((s, t) => s + t.partitions, 0) + topics.length) * b.replicationFactor;
  const coresForTraffic = trafficMBps / b.mbPerSecondPerCore;
  const coresForPartitionMemory = (partitionReplicas * b.mibPerPartitionReplica) / 1024 / b.gibPerCore;
  const cores = Math.max(1, Math.ceil(Math.max(coresForTraffic, coresForPartitionMemory)));
  const nodes = Math.max(b.minNodes, Math.ceil(cores / b.coresPerNode));
  const coresPerNode = Math.ceil(cores / nodes);
  const memoryGiBPerNode = Math.max(coresPerNode * b.gibPerCore, Math.ceil((partitionReplicas * b.mibPerPartitionReplica) / 1024 / nodes));
  const broker: BrokerPlan = { trafficMBps: round(trafficMBps, 1), partitionReplicas, cores, nodes, memoryGiBPerNode };
  return {
    messagesPerS,
    functions,
    topics,
    broker,
    totalCores: round(functions.reduce((s, f) => s + f.replicas * i.replicaCores, 0) + nodes * coresPerNode, 1),
    totalMemoryGiB: round(functions.reduce((s, f) => s + f.memoryGiB, 0) + nodes * memoryGiBPerNode, 1),
  };
}
