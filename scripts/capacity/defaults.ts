// The model's starting point before any bench file is given: the figures bench/README.md
// records for issue 20, and the assumptions that no benchmark here can measure, each named.
import type { CapacityInputs } from './model';
import type { CapacityScenario } from './plan';

export const REDPANDA_SOURCE =
  "Redpanda docs, Sizing Guidelines (2 GiB memory per core, 2 MiB per partition replica) and Sizing Use Cases (low-throughput example: 75 MB/s produced at RF 3 and 75 MB/s consumed, 300 MB/s through the cluster, on 3 nodes of 2 cores: 50 MB/s per core), docs.redpanda.com/current/deploy/redpanda/manual/sizing/";

export const DEFAULT_INPUTS: CapacityInputs = {
  provenance: [
    { file: 'bench/README.md', figure: 'pipelineCpuMsPerMessage = 1.755 (issue 20 figures)' },
    { file: 'bench/README.md', figure: 'fastModelMsgsPerCpuSecond = 142000 (issue 20 figures)' },
    { file: 'bench/README.md', figure: 'deepModelMsgsPerCoreSecond = 600 (issue 20 figures)' },
    { file: 'bench/README.md', figure: 'deepShare = 0.133, moderationShare = 0.006, limitedShare = 0 (issue 20 figures)' },
    { file: 'assumed', figure: 'deepModelLoadS = 3 (no measurement yet)' },
  ],
  pipelineCpuMsPerMessage: 1.755,
  fastModelMsgsPerCpuSecond: 142_000,
  deepModelMsgsPerCoreSecond: 600,
  deepModelLoadS: 3,
  deepShare: 0.133,
  moderationShare: 0.006,
  limitedShare: 0,
  memoryMiB: { 'game-message-proxy': 256, 'fast-classifier': 512, 'decision-manager': 256, 'deep-analyzer': 1536, moderation: 256, 'training-data-sink': 128 },
  ioWaitMs: 5,
  targetUtilisation: 0.7,
  replicaCores: 1,
  containerConcurrencyFactor: 2,
  broker: { mbPerSecondPerCore: 50, mibPerPartitionReplica: 2, gibPerCore: 2, coresPerNode: 8, minNodes: 3, replicationFactor: 3, source: REDPANDA_SOURCE },
  eventBytes: {
    'raw-messages': 600,
    'limited-messages': 700,
    'classified-messages': 800,
    'nlp-analysis-required': 2000,
    'nlp-analysis-results': 1000,
    'moderation-required': 2200,
    'moderation-results': 1000,
    'final-decisions': 700,
    'model-training-data': 900,
  },
};

export const DEFAULT_SCENARIO: CapacityScenario = {
  tiers: [10_000, 100_000, 1_000_000],
  // maxScale costs nothing until used: the manifests allow the raid's 10×; partitions must follow.
  deployFor: { messagesPerS: 10_000, headroom: 10 },
  // A raid: 10× the chat for 5 minutes; a pod is scheduled and its image started in about 5 s
  // (assumed, image cached on the node), then the model loads.
  raid: { factor: 10, lengthS: 300, startS: 120, durationS: 1500, podStartS: 5 },
  minScale: { 'game-message-proxy': 2, 'fast-classifier': 2, 'decision-manager': 2, 'deep-analyzer': 0, moderation: 0, 'training-data-sink': 1 },
};
