// The model lifecycle's stores: three buckets (model artefacts, training data, decision archive)
// and the model registry. On the real stack: MinIO through the `minio` client and MLflow's REST
// API; on the embedded default: one directory per bucket and a registry file, laid out the same.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { intVar, type ModelRegistry, type ObjectStore } from '@sinbin/contract';
import { FilesystemObjectStore } from './filesystem';
import { minioClient, MinioObjectStore, s3Endpoint, type S3Endpoint } from './objects-minio';
import { FileModelRegistry } from './registry-file';
import { MlflowModelRegistry } from './registry-mlflow';

export const BUCKETS = {
  artefacts: 'sinbin-models',
  trainingData: 'sinbin-training-data',
  decisions: 'sinbin-decisions',
  /** MLflow's own artefact store (run files), written by the tracking server. */
  mlflow: 'sinbin-mlflow',
} as const;

export const LifecycleEnvSchema = z.object({
  /** MinIO / S3 address (http://127.0.0.1:9000); without it, buckets are directories under OBJECT_DIR. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY: z.string().min(3).optional(),
  S3_SECRET_KEY: z.string().min(8).optional(),
  /** MLflow tracking server (http://127.0.0.1:5000); without it, a registry file. */
  MLFLOW_TRACKING_URI: z.string().url().optional(),
  /** The registry file of the embedded default (default <OBJECT_DIR>/model-registry.json). */
  MODEL_REGISTRY_FILE: z.string().optional(),
  /** Days raw message text is kept in training data and the decision archive. */
  RAW_TEXT_RETENTION_DAYS: intVar(90, 1, 3650),
});
export type LifecycleEnv = z.infer<typeof LifecycleEnvSchema>;

export interface LifecycleStores {
  artefacts: ObjectStore;
  trainingData: ObjectStore;
  decisions: ObjectStore;
  registry: ModelRegistry;
  /** Where each lives, for people (no credentials). */
  where: { objects: string; registry: string };
  s3?: S3Endpoint;
}

export function lifecycleStores(env: LifecycleEnv, objectRoot: string): LifecycleStores {
  const root = resolve(objectRoot);
  let buckets: Pick<LifecycleStores, 'artefacts' | 'trainingData' | 'decisions'>;
  let where: string;
  let s3: S3Endpoint | undefined;
  if (env.S3_ENDPOINT) {
    if (!env.S3_ACCESS_KEY || !env.S3_SECRET_KEY) throw new Error('S3_ENDPOINT is set: S3_ACCESS_KEY and S3_SECRET_KEY are needed too');
    s3 = s3Endpoint(env.S3_ENDPOINT, env.S3_ACCESS_KEY, env.S3_SECRET_KEY);
    const client = minioClient(s3);
    buckets = {
      artefacts: new MinioObjectStore(client, BUCKETS.artefacts),
      trainingData: new MinioObjectStore(client, BUCKETS.trainingData),
      decisions: new MinioObjectStore(client, BUCKETS.decisions),
    };
    where = `${env.S3_ENDPOINT} (MinIO/S3)`;
  } else {
    buckets = {
      artefacts: new FilesystemObjectStore(join(root, BUCKETS.artefacts)),
      trainingData: new FilesystemObjectStore(join(root, BUCKETS.trainingData)),
      decisions: new FilesystemObjectStore(join(root, BUCKETS.decisions)),
    };
    where = `${root} (directories)`;
  }
  const registry: ModelRegistry = env.MLFLOW_TRACKING_URI
    ? new MlflowModelRegistry({ trackingUri: env.MLFLOW_TRACKING_URI, artefactBucket: BUCKETS.artefacts })
    : new FileModelRegistry(env.MODEL_REGISTRY_FILE ?? join(root, 'model-registry.json'));
  return { ...buckets, registry, where: { objects: where, registry: env.MLFLOW_TRACKING_URI ?? (env.MODEL_REGISTRY_FILE ?? join(root, 'model-registry.json')) }, ...(s3 ? { s3 } : {}) };
}

/** The local adapters alone (tests, the embedded default). */
export const localLifecycleStores = (objectRoot: string) => lifecycleStores({ RAW_TEXT_RETENTION_DAYS: 90 }, objectRoot);

/**
 * Creates the buckets if missing (idempotent) and sets the retention rule: raw text in training
 * data and the decision archive expires after `retentionDays` (a MinIO lifecycle rule).
 */
export async function ensureBuckets(s3: S3Endpoint, retentionDays: number): Promise<{ created: string[] }> {
  const client = minioClient(s3);
  const created: string[] = [];
  for (const bucket of Object.values(BUCKETS)) {
    if (await client.bucketExists(bucket)) continue;
    try {
      await client.makeBucket(bucket, 'us-east-1');
      created.push(bucket);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
    }
  }
  for (const bucket of [BUCKETS.trainingData, BUCKETS.decisions]) {
    await client.setBucketLifecycle(bucket, {
      Rule: [{ ID: 'raw-text-retention', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: retentionDays } }],
    });
  }
  return { created };
}
