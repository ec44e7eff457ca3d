// How each function is deployed, derived from its definition (functions/registry.ts): scale,
// resources, secrets, models. The generated artefacts (stack.yml, infra/k8s/**, the deploy
// workflow's matrix, the AsyncAPI document) are rendered from these and the topic registry.
import { readFileSync } from 'node:fs';
import { deadLetterTopicOf, STATELESS_STORES, TOPICS, type AnyFunction, type DeployProfile, type TopicName } from '@sinbin/contract';
import { topicPlan } from '@sinbin/runtime/stack';
import { FUNCTIONS } from '../../functions';
import { committedDeploySettings } from '../capacity/committed';
import type { DeploySettings } from '../capacity/plan';

/** A secret as both platforms see it: an OpenFaaS secret (a file /var/openfaas/secrets/<name>,
 * turned into env by template/sinbin-ts/secrets-env.mjs) and a Kubernetes Secret <name> with
 * one key <name>, read through secretKeyRef on Knative. Named after its variable. */
export interface SecretRef {
  name: string;
  env: string;
}

export const secretOf = (variable: string): SecretRef => ({ name: variable.toLowerCase().replaceAll('_', '-'), env: variable });

/** The shared stores' address, given to every function that keeps state. */
export const DATABASE_URL_SECRET = secretOf('DATABASE_URL');

export interface DeploymentProfile extends DeployProfile {
  name: string;
  description: string;
  consumes: readonly TopicName[];
  scaleToZero: boolean;
  /** Serves an API to games or people, reachable from outside the cluster. */
  publicHttp: boolean;
  /** On the latency path and never at zero: kept warm in every environment. */
  alwaysWarm: boolean;
  /** Knative's hard limit on in-flight requests per replica (from the capacity model; unset: unlimited). */
  containerConcurrency?: number;
  secrets: SecretRef[];
  environment: Record<string, string>;
}

export const NAMESPACE = 'sinbin';
export const REDPANDA_NAMESPACE = 'redpanda';
export const REDPANDA_CLUSTER = 'redpanda';
/** Redpanda's internal Kafka listener (Helm chart default port 9093). */
export const KAFKA_BOOTSTRAP = `${REDPANDA_CLUSTER}.${REDPANDA_NAMESPACE}.svc.cluster.local:9093`;
export const IMAGE_REPOSITORY = 'ghcr.io/sinbin';
/** Images are tagged with the release they were built from, never `latest`. */
export const IMAGE_TAG: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
export const imageName = (fn: string) => `sinbin-${fn}`;
export const REPLICATION_FACTOR = 3;

/** The model lifecycle's services in the cluster (infra/k8s/base/data/minio.yaml, mlflow.yaml). */
export const S3_ENDPOINT = `http://minio.${NAMESPACE}.svc.cluster.local:9000`;
export const MLFLOW_TRACKING_URI = `http://mlflow.${NAMESPACE}.svc.cluster.local:5000`;
/** MinIO's credentials: the functions' S3 client and MinIO's root user read the same two Secrets. */
export const S3_SECRETS = [secretOf('S3_ACCESS_KEY'), secretOf('S3_SECRET_KEY')];

/** A function with a lifecycle store (objects, model artefacts, the registry) reaches MinIO, and MLflow for the registry. */
function lifecycleWiring(fn: AnyFunction): { environment: Record<string, string>; secrets: SecretRef[] } {
  const uses = (store: string) => (fn.stores as readonly string[]).includes(store);
  if (!uses('objects') && !uses('artefacts') && !uses('registry')) return { environment: {}, secrets: [] };
  return { environment: { S3_ENDPOINT, ...(uses('registry') ? { MLFLOW_TRACKING_URI } : {}) }, secrets: S3_SECRETS };
}

/** Settings every function gets: where Kafka is, where scratch files go, how much to log. */
export const COMMON_ENVIRONMENT: Record<string, string> = {
  KAFKA_BROKERS: KAFKA_BOOTSTRAP,
  OBJECT_DIR: '/tmp/sinbin-objects',
  LOG_LEVEL: 'info',
};

/**
 * A function's deployment, from its definition. A function that keeps state (any store but the
 * object store) gets the shared database; asking for per-process memory stores with more than one
 * replica is refused, since each replica would keep its own state.
 */
export function profileOf(fn: AnyFunction): DeploymentProfile {
  const stateful = fn.stores.some((s) => !STATELESS_STORES.includes(s));
  const lifecycle = lifecycleWiring(fn);
  const environment = { ...lifecycle.environment, ...fn.deploy.environment };
  if (environment.SINBIN_STORES === 'memory' && fn.deploy.maxScale > 1) {
    throw new Error(`${fn.name}: SINBIN_STORES=memory with maxScale ${fn.deploy.maxScale}: each replica would keep its own state; use the shared database or maxScale 1`);
  }
  const secrets = [...(fn.secrets as string[]).map(secretOf), ...(stateful && environment.SINBIN_STORES !== 'memory' ? [DATABASE_URL_SECRET] : []), ...lifecycle.secrets];
  return {
    ...fn.deploy,
    name: fn.name,
    description: fn.description,
    consumes: fn.consumes,
    scaleToZero: fn.scaleToZero,
    publicHttp: fn.http !== undefined,
    alwaysWarm: !fn.scaleToZero && fn.priority === 'latency',
    secrets,
    environment,
  };
}

/** The capacity model's committed plan (docs/capacity.json, `npm run capacity`). */
export const CAPACITY: DeploySettings | undefined = committedDeploySettings();

/**
 * A profile with the capacity model's autoscaling settings: its target and containerConcurrency,
 * and its maxScale where that is higher than the definition's (which stays a floor: a function
 * like moderation serves people, whose load the message rate does not describe).
 */
export function withCapacity(p: DeploymentProfile, capacity = CAPACITY): DeploymentProfile {
  const sized = capacity?.functions[p.name as keyof DeploySettings['functions']];
  if (!sized) return p;
  return { ...p, targetConcurrency: sized.targetConcurrency, containerConcurrency: sized.containerConcurrency, maxScale: Math.max(p.maxScale, sized.maxScale) };
}

export const PROFILES: readonly DeploymentProfile[] = FUNCTIONS.map((fn) => withCapacity(profileOf(fn)));

/** Every secret any function reads. */
export const SECRETS: readonly SecretRef[] = [...new Map(PROFILES.flatMap((p) => p.secrets).map((s) => [s.name, s])).values()].sort((a, b) => a.name.localeCompare(b.name));

/** Kubernetes object name of a topic's dead-letter KafkaSink (names cannot hold dots). */
export const deadLetterSinkName = (topic: TopicName) => `${topic}-dlq`;

/** Every topic Redpanda must hold: the registry's topics and one dead-letter topic each, with
 * the same partitions and retention the local stack creates (runtime/src/stack/topics.ts). */
export interface TopicDeployment {
  name: string;
  partitions: number;
  retentionMs: number;
  deadLetterOf?: TopicName;
}

/** Partitions of a registry topic in the cluster: the capacity model's count where it asks for more than the registry's. */
export function clusterPartitions(topic: TopicName, capacity = CAPACITY): number {
  return Math.max(TOPICS[topic].partitions, capacity?.partitions[topic as keyof DeploySettings['partitions']] ?? 0);
}

export function topicDeployments(capacity = CAPACITY): TopicDeployment[] {
  return topicPlan().map((t) => {
    const deadLetterOf = (Object.keys(TOPICS) as TopicName[]).find((name) => deadLetterTopicOf(name) === t.topic);
    // A dead-letter topic keeps the local plan's count: it carries next to nothing.
    const partitions = deadLetterOf ? t.numPartitions : clusterPartitions(t.topic as TopicName, capacity);
    return { name: t.topic, partitions, retentionMs: t.retentionMs, ...(deadLetterOf ? { deadLetterOf } : {}) };
  });
}
