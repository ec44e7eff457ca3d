// `make up`'s model lifecycle: MinIO's buckets created (idempotently, with the raw-text retention
// rule), the bundled models registered in MLflow as the first champions, and the addresses people
// and the sinbin CLI need (.run/lifecycle.env, mode 600: it holds the MinIO credentials).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectStore } from '@sinbin/contract';
import { applyRetention, createPool, ensureBuckets, lifecycleStores, type LifecycleEnv } from '@sinbin/stores';
import { initModels } from '@sinbin/scoring';
import type { Logger } from '../log';

export async function prepareLifecycle(
  env: LifecycleEnv & { MINIO_CONSOLE_URL?: string },
  stateDir: string,
  log: Logger,
): Promise<{ lines: string[]; decisions: ObjectStore; retentionDays: number }> {
  const stores = lifecycleStores(env, join(stateDir, 'objects'));
  const lines: string[] = [];
  if (stores.s3) {
    const { created } = await ensureBuckets(stores.s3, env.RAW_TEXT_RETENTION_DAYS);
    log.info({ created, retentionDays: env.RAW_TEXT_RETENTION_DAYS }, 'buckets ready');
    lines.push(`  minio        ${env.S3_ENDPOINT}   (S3 API; user ${env.S3_ACCESS_KEY})`);
    if (env.MINIO_CONSOLE_URL) lines.push(`  minio console ${env.MINIO_CONSOLE_URL}`);
  } else lines.push(`  objects      ${stores.where.objects}`);
  if (env.MLFLOW_TRACKING_URI) {
    lines.push(`  mlflow       ${env.MLFLOW_TRACKING_URI}   (tracking server and model registry)`);
    lines.push(`  mlflow UI    ${env.MLFLOW_TRACKING_URI}/#/models`);
  } else lines.push(`  registry     ${stores.where.registry}`);
  try {
    const outcome = await initModels(stores);
    log.info({ models: outcome }, 'model registry ready');
  } catch (error) {
    // Serving does not need the registry: functions run the bundled models and follow it once it answers.
    log.warn({ err: String(error) }, 'could not register the bundled models; functions serve them from files and follow the registry once it answers');
  }
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, 'lifecycle.env');
  const pairs = Object.entries({ S3_ENDPOINT: env.S3_ENDPOINT, S3_ACCESS_KEY: env.S3_ACCESS_KEY, S3_SECRET_KEY: env.S3_SECRET_KEY, MLFLOW_TRACKING_URI: env.MLFLOW_TRACKING_URI }).filter(([, v]) => v);
  writeFileSync(file, `# written by make up for the sinbin CLI (npx sinbin ...)\n${pairs.map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  lines.push(`  lifecycle    npx sinbin models list | retrain | models promote <model> <version> | models rollback <model>`);
  return { lines, decisions: stores.decisions, retentionDays: env.RAW_TEXT_RETENTION_DAYS };
}

/** Archives and prunes the ledger every hour (and once at start). */
export function startRetention(databaseUrl: string, archive: ObjectStore, days: number, log: Logger): { stop(): void } {
  const pool = createPool(databaseUrl, 1);
  const run = () =>
    applyRetention(pool, archive, { now: new Date(), days, auditDays: 365 }).then(
      (report) => log.info({ archived: report.archived, pruned: report.pruned }, 'retention applied'),
      (error: unknown) => log.warn({ err: String(error) }, 'retention failed; trying again in an hour'),
    );
  const first = setTimeout(() => void run(), 60_000);
  const timer = setInterval(() => void run(), 3_600_000);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
      void pool.end();
    },
  };
}
