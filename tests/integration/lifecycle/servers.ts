// MinIO and MLflow for the lifecycle suites, started once through infra/local (installed before
// the test runner by `make test`), on free ports and the integration state directory, and stopped
// by their pid files at the end, pass or fail.
import { freePort } from '@sinbin/runtime/stack';
import { BUCKETS, ensureBuckets, s3Endpoint, type S3Endpoint } from '@sinbin/stores';
import { service, startPostgres, TEST_SERVICES_ENV } from '../services';

export interface LifecycleServers {
  env: Record<string, string>;
  s3: S3Endpoint;
  s3Url: string;
  mlflowUrl: string;
  databaseUrl: string;
  script(name: 'minio.sh' | 'mlflow.sh', ...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** With S3_ENDPOINT + MLFLOW_TRACKING_URI set (and S3_ACCESS_KEY / S3_SECRET_KEY), those servers are used and nothing is started. */
export async function startLifecycleServers(): Promise<LifecycleServers> {
  const databaseUrl = process.env.DATABASE_URL ?? (await startPostgres());
  if (process.env.S3_ENDPOINT && process.env.MLFLOW_TRACKING_URI) {
    const s3 = s3Endpoint(process.env.S3_ENDPOINT, process.env.S3_ACCESS_KEY ?? 'sinbin', process.env.S3_SECRET_KEY ?? 'sinbin-dev-secret');
    await ensureBuckets(s3, 30);
    const external = () => {
      throw new Error('external servers: not started here, not ours to stop');
    };
    return { env: process.env as Record<string, string>, s3, s3Url: process.env.S3_ENDPOINT, mlflowUrl: process.env.MLFLOW_TRACKING_URI, databaseUrl, script: external, stop: async () => undefined };
  }
  const env: Record<string, string> = {
    ...(TEST_SERVICES_ENV as Record<string, string>),
    MINIO_PORT: String(await freePort()),
    MINIO_CONSOLE_PORT: String(await freePort()),
    MLFLOW_PORT: String(await freePort()),
    MINIO_ROOT_USER: 'sinbin-test',
    MINIO_ROOT_PASSWORD: 'sinbin-test-secret',
  };
  // Asynchronous, so that a slow start never blocks the vitest worker.
  const script = (name: 'minio.sh' | 'mlflow.sh', ...args: string[]) => service(name, args, env);
  const stop = async () => {
    for (const name of ['mlflow.sh', 'minio.sh'] as const) {
      try {
        await script(name, 'stop');
      } catch (error) {
        process.stderr.write(`could not stop ${name}: ${String(error)}\n`);
      }
    }
  };
  try {
    await script('minio.sh', 'start');
    const s3Url = await script('minio.sh', 'url');
    const s3 = s3Endpoint(s3Url, env.MINIO_ROOT_USER!, env.MINIO_ROOT_PASSWORD!);
    await ensureBuckets(s3, 30);
    await script('mlflow.sh', 'start');
    return { env, s3, s3Url, mlflowUrl: await script('mlflow.sh', 'url'), databaseUrl, script, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export { BUCKETS, freePort };
