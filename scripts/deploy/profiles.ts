// How each function is deployed: scale, resources, secrets, models. The single source the
// generated artefacts (stack.yml, infra/k8s/base/**, the AsyncAPI document) are rendered from,
// together with the topic registry (shared/src/topics.ts) and the functions' own consumes list.
import { readFileSync } from 'node:fs';
import { TOPICS, deadLetterTopicOf, type TopicName } from '../../shared/src/topics';
import { topicPlan } from '../../runtime/stack/topics';

export type FunctionName = 'game-message-proxy' | 'fast-classifier' | 'decision-manager' | 'deep-analyzer' | 'moderation' | 'training-data-sink';

/** A secret as both platforms see it: an OpenFaaS secret (a file /var/openfaas/secrets/<name>,
 * turned into env by template/sinbin-ts/secrets-env.mjs) and a Kubernetes Secret <name> with
 * one key <name>, read through secretKeyRef on Knative. */
export interface SecretRef {
  name: string;
  env: string;
}

export const SECRETS = {
  databaseUrl: { name: 'database-url', env: 'DATABASE_URL' },
  gameApiKeys: { name: 'game-api-keys', env: 'GAME_API_KEYS' },
  gameWebhooks: { name: 'game-webhooks', env: 'GAME_WEBHOOKS' },
  moderatorTokens: { name: 'moderator-tokens', env: 'MODERATOR_TOKENS' },
  minioAccessKey: { name: 'minio-access-key', env: 'MINIO_ACCESS_KEY' },
  minioSecretKey: { name: 'minio-secret-key', env: 'MINIO_SECRET_KEY' },
} as const satisfies Record<string, SecretRef>;

export interface Resources {
  cpu: string;
  memory: string;
}

export interface DeploymentProfile {
  name: FunctionName;
  /** Topics delivered to it; must equal the function's `consumes` (a unit test checks). */
  consumes: TopicName[];
  scaleToZero: boolean;
  /** Instances kept warm (Knative min-scale; OpenFaaS com.openfaas.scale.min, at least 1 there). */
  minScale: number;
  maxScale: number;
  /** In-flight requests per instance the autoscalers aim for. */
  targetConcurrency: number;
  /** Idle time before a scale-to-zero function is stopped. */
  zeroAfter?: string;
  requests: Resources;
  limits: Resources;
  secrets: SecretRef[];
  /** Non-secret settings beyond the common ones. */
  environment: Record<string, string>;
  /** Model folder copied into the image (models/<model>). */
  model?: 'fast' | 'deep';
  /** The watchdog's per-request limit: a delivery must be answered within it. */
  execTimeout: string;
  description: string;
}

export const NAMESPACE = 'sinbin';
export const REDPANDA_NAMESPACE = 'redpanda';
export const REDPANDA_CLUSTER = 'redpanda';
/** Redpanda's internal Kafka listener (Helm chart default port 9093). */
export const KAFKA_BOOTSTRAP = `${REDPANDA_CLUSTER}.${REDPANDA_NAMESPACE}.svc.cluster.local:9093`;
export const IMAGE_REPOSITORY = 'ghcr.io/sinbin';
/** Images are tagged with the release they were built from, never `latest`. */
export const IMAGE_TAG: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
export const imageName = (fn: FunctionName) => `sinbin-${fn}`;
export const REPLICATION_FACTOR = 3;

/** Settings every function gets: where Kafka is, where scratch files go, how much to log. */
export const COMMON_ENVIRONMENT: Record<string, string> = {
  KAFKA_BROKERS: KAFKA_BOOTSTRAP,
  OBJECT_DIR: '/tmp/sinbin-objects',
  LOG_LEVEL: 'info',
};

export const PROFILES: readonly DeploymentProfile[] = [
  {
    name: 'game-message-proxy',
    consumes: ['final-decisions'],
    scaleToZero: false,
    minScale: 2,
    maxScale: 20,
    targetConcurrency: 100,
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    secrets: [SECRETS.gameApiKeys, SECRETS.gameWebhooks, SECRETS.databaseUrl],
    environment: { WEBHOOK_BATCH_MS: '20' },
    execTimeout: '30s',
    description: 'Gateway: POST /v1/messages, GET /v1/decisions/:id; keeps final decisions readable and pushes webhooks.',
  },
  {
    name: 'fast-classifier',
    consumes: ['raw-messages'],
    scaleToZero: false,
    minScale: 2,
    maxScale: 12,
    targetConcurrency: 4,
    requests: { cpu: '500m', memory: '512Mi' },
    limits: { cpu: '1', memory: '1Gi' },
    secrets: [SECRETS.databaseUrl],
    environment: { FAST_MODEL_DIR: '/home/app/models/fast' },
    model: 'fast',
    execTimeout: '30s',
    description: 'Fast path: ONNX classifier on every message, with the channel context.',
  },
  {
    name: 'decision-manager',
    consumes: ['classified-messages', 'nlp-analysis-results', 'moderation-results'],
    scaleToZero: false,
    minScale: 2,
    maxScale: 12,
    targetConcurrency: 4,
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    secrets: [SECRETS.databaseUrl],
    environment: {},
    execTimeout: '30s',
    description: 'Routes each classified message to a decision, the deep analyzer or a moderator.',
  },
  {
    name: 'deep-analyzer',
    consumes: ['nlp-analysis-required'],
    scaleToZero: true,
    minScale: 0,
    maxScale: 6,
    targetConcurrency: 1,
    zeroAfter: '15m',
    requests: { cpu: '1', memory: '1536Mi' },
    limits: { cpu: '2', memory: '3Gi' },
    secrets: [SECRETS.databaseUrl],
    environment: { DEEP_MODEL_DIR: '/home/app/models/deep' },
    model: 'deep',
    execTimeout: '120s',
    description: 'Context-aware transformer for ambiguous messages; scales from zero.',
  },
  {
    name: 'moderation',
    consumes: ['moderation-required'],
    scaleToZero: true,
    minScale: 0,
    maxScale: 3,
    targetConcurrency: 20,
    zeroAfter: '30m',
    requests: { cpu: '100m', memory: '256Mi' },
    limits: { cpu: '500m', memory: '512Mi' },
    secrets: [SECRETS.moderatorTokens, SECRETS.databaseUrl],
    environment: { MODERATION_CORS_ORIGINS: '*' },
    execTimeout: '30s',
    description: 'Human moderation: opens cases, serves the moderator API; scales from zero.',
  },
  {
    name: 'training-data-sink',
    consumes: ['model-training-data'],
    scaleToZero: false,
    minScale: 1,
    maxScale: 3,
    targetConcurrency: 10,
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '500m', memory: '256Mi' },
    secrets: [SECRETS.minioAccessKey, SECRETS.minioSecretKey, SECRETS.databaseUrl],
    environment: { MINIO_ENDPOINT: 'http://minio.sinbin.svc.cluster.local:9000', MINIO_BUCKET: 'training-data' },
    execTimeout: '30s',
    description: 'Writes labelled examples to the object store for retraining.',
  },
];

export function profileOf(name: FunctionName): DeploymentProfile {
  const profile = PROFILES.find((p) => p.name === name);
  if (!profile) throw new Error(`no deployment profile for ${name}`);
  return profile;
}

/** Kubernetes object name of a topic's dead-letter KafkaSink (names cannot hold dots). */
export const deadLetterSinkName = (topic: TopicName) => `${topic}-dlq`;

/** Every topic Redpanda must hold: the registry's topics and one dead-letter topic each, with
 * the same partitions and retention the local stack creates (runtime/stack/topics.ts). */
export interface TopicDeployment {
  name: string;
  partitions: number;
  retentionMs: number;
  deadLetterOf?: TopicName;
}

export function topicDeployments(): TopicDeployment[] {
  return topicPlan().map((t) => {
    const deadLetterOf = (Object.keys(TOPICS) as TopicName[]).find((name) => deadLetterTopicOf(name) === t.topic);
    return { name: t.topic, partitions: t.numPartitions, retentionMs: t.retentionMs, ...(deadLetterOf ? { deadLetterOf } : {}) };
  });
}
