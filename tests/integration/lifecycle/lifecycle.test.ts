// The model lifecycle on the real servers: MinIO (S3 API through the `minio` client) and an MLflow
// tracking server (PostgreSQL backend store, artefacts in MinIO). Started once for this file, on
// free ports, and stopped by pid at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKETS, minioClient, MinioObjectStore, MlflowModelRegistry } from '@sinbin/stores';
import { objectStoreContract } from '../../contract/object-store-suite';
import { registryContract } from '../../contract/registry-suite';
import { startLifecycleServers, type LifecycleServers } from './servers';

let servers: LifecycleServers;

beforeAll(async () => {
  servers = await startLifecycleServers();
}, 600_000);

afterAll(() => {
  servers?.stop();
}, 60_000);

objectStoreContract('MinIO bucket', async () => new MinioObjectStore(minioClient(servers.s3), BUCKETS.artefacts));
registryContract('MLflow tracking server', async () => new MlflowModelRegistry({ trackingUri: servers.mlflowUrl, artefactBucket: BUCKETS.artefacts }));

describe('buckets', () => {
  it('exist after start, with the raw-text retention rule on training data and the decision archive', async () => {
    const client = minioClient(servers.s3);
    for (const bucket of Object.values(BUCKETS)) expect(await client.bucketExists(bucket)).toBe(true);
    for (const bucket of [BUCKETS.trainingData, BUCKETS.decisions]) {
      // A single rule comes back as an object, several as an array.
      const rules = [(await client.getBucketLifecycle(bucket))?.Rule ?? []].flat();
      expect(rules.map((r) => [r.ID, r.Expiration?.Days])).toEqual([['raw-text-retention', 30]]);
    }
    expect(await client.getBucketLifecycle(BUCKETS.artefacts).catch(() => null)).toBeNull();
  });
});
