// MinIO and MLflow for the lifecycle suites, started once through infra/local (installed before
// the test runner by `make test`), on free ports and the integration state directory, and stopped
// by their pid files at the end, pass or fail.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { BUCKETS, ensureBuckets, s3Endpoint, type S3Endpoint } from '@sinbin/stores';
import { REPO, startPostgres, TEST_SERVICES_ENV } from '../services';

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface LifecycleServers {
  env: Record<string, string>;
  s3: S3Endpoint;
  s3Url: string;
  mlflowUrl: string;
  databaseUrl: string;
  script(name: 'minio.sh' | 'mlflow.sh', ...args: string[]): string;
  stop(): void;
}

/** With S3_ENDPOINT + MLFLOW_TRACKING_URI set (and S3_ACCESS_KEY / S3_SECRET_KEY), those servers are used and nothing is started. */
export async function startLifecycleServers(): Promise<LifecycleServers> {
  const databaseUrl = process.env.DATABASE_URL ?? startPostgres();
  if (process.env.S3_ENDPOINT && process.env.MLFLOW_TRACKING_URI) {
    const s3 = s3Endpoint(process.env.S3_ENDPOINT, process.env.S3_ACCESS_KEY ?? 'sinbin', process.env.S3_SECRET_KEY ?? 'sinbin-dev-secret');
    await ensureBuckets(s3, 30);
    const external = () => {
      throw new Error('external servers: not started here, not ours to stop');
    };
    return { env: process.env as Record<string, string>, s3, s3Url: process.env.S3_ENDPOINT, mlflowUrl: process.env.MLFLOW_TRACKING_URI, databaseUrl, script: external, stop: () => undefined };
  }
  const env: Record<string, string> = {
    ...(TEST_SERVICES_ENV as Record<string, string>),
    MINIO_PORT: String(await freePort()),
    MINIO_CONSOLE_PORT: String(await freePort()),
    MLFLOW_PORT: String(await freePort()),
    MINIO_ROOT_USER: 'sinbin-test',
    MINIO_ROOT_PASSWORD: 'sinbin-test-secret',
    SINBIN_STATE_DIR: resolve(REPO, '.run', 'test-services'),
  };
  const script = (name: 'minio.sh' | 'mlflow.sh', ...args: string[]) =>
    execFileSync('bash', [resolve(REPO, 'infra', 'local', name), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const stop = () => {
    for (const name of ['mlflow.sh', 'minio.sh'] as const) {
      try {
        script(name, 'stop');
      } catch (error) {
        process.stderr.write(`could not stop ${name}: ${String(error)}\n`);
      }
    }
  };
  try {
    script('minio.sh', 'start');
    const s3Url = script('minio.sh', 'url');
    const s3 = s3Endpoint(s3Url, env.MINIO_ROOT_USER!, env.MINIO_ROOT_PASSWORD!);
    await ensureBuckets(s3, 30);
    script('mlflow.sh', 'start');
    return { env, s3, s3Url, mlflowUrl: script('mlflow.sh', 'url'), databaseUrl, script, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

export { BUCKETS };
