// Promotion and rollback on the real stack under a steady message rate: every function its own
// process over Kafka, models followed from MLflow and MinIO. Also MinIO killed while it serves.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_POLICY, type FinalDecision } from '@sinbin/contract';
import { createLogger } from '@sinbin/runtime';
import { deleteTopicsAndGroups, type Stack, startStack } from '@sinbin/runtime/stack';
import { lifecycleStores, type LifecycleStores } from '@sinbin/stores';
import { FUNCTIONS } from '../../../functions';
import { REPO, startKafka, stopKafka } from '../services';
import type { LifecycleServers } from './servers';

export const KEY = 'lc-key-0123456789';
const GAME = 'lcgame';

export interface LoadedStack {
  stack: Stack;
  stores: LifecycleStores;
  brokers: string[];
  stop(): Promise<void>;
}

export function storesOf(servers: LifecycleServers): LifecycleStores {
  return lifecycleStores(
    { S3_ENDPOINT: servers.s3Url, S3_ACCESS_KEY: servers.s3.accessKey, S3_SECRET_KEY: servers.s3.secretKey, MLFLOW_TRACKING_URI: servers.mlflowUrl, RAW_TEXT_RETENTION_DAYS: 30 },
    '/nonexistent',
  );
}

export async function startLoadedStack(servers: LifecycleServers, ports: { gateway: number; moderation: number; base: number }): Promise<LoadedStack> {
  const startedKafka = !process.env.KAFKA_BROKERS;
  const brokers = process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',') : await startKafka();
  try {
    return await startOn(brokers, servers, ports, startedKafka);
  } catch (error) {
    if (startedKafka) await stopKafka();
    throw error;
  }
}

async function startOn(brokers: string[], servers: LifecycleServers, ports: { gateway: number; moderation: number; base: number }, startedKafka: boolean): Promise<LoadedStack> {
  await deleteTopicsAndGroups(brokers);
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-lc-stack-'));
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ default: { ...DEFAULT_POLICY, moderationDeadlineSeconds: 3 } }));
  const start = () => startStack({
    brokers,
    env: {
      ...process.env,
      GAME_API_KEYS: `${GAME}:${KEY}`,
      MODERATOR_TOKENS: 'lc-mod:lc-mod-token',
      GAME_POLICIES_FILE: policyFile,
      DATABASE_URL: servers.databaseUrl,
      OBJECT_DIR: join(dir, 'objects'),
      S3_ENDPOINT: servers.s3Url,
      S3_ACCESS_KEY: servers.s3.accessKey,
      S3_SECRET_KEY: servers.s3.secretKey,
      MLFLOW_TRACKING_URI: servers.mlflowUrl,
      MODEL_REGISTRY_POLL_MS: '1000',
      // Staged examples stay staged during the test, so it can find each one by its id.
      TRAINING_DATA_COMPACT_MS: '600000',
      // LC_LOG_LEVEL=info shows the functions' and the stack's own logs when a run needs diagnosing.
      LOG_LEVEL: process.env.LC_LOG_LEVEL ?? 'warn',
    },
    functions: FUNCTIONS,
    httpPorts: new Map([
      ['game-message-proxy', ports.gateway],
      ['moderation', ports.moderation],
    ]),
    basePort: ports.base,
    mode: 'direct',
    idleMs: 5000,
    repoRoot: REPO,
    log: createLogger('lc-it', process.env.LC_LOG_LEVEL ?? 'warn'),
  });
  let stack: Stack;
  try {
    stack = await start();
  } catch {
    // Topics deleted a moment ago can still be in the broker's metadata; once more, after a pause.
    await new Promise((r) => setTimeout(r, 3000));
    stack = await start();
  }
  return {
    stack,
    stores: storesOf(servers),
    brokers,
    async stop() {
      await stack.stop();
      if (startedKafka) await stopKafka();
    },
  };
}

export async function post(stack: Stack, messages: { messageId: string; channelId: string; playerId: string; text: string }[]): Promise<number> {
  const res = await fetch(`${stack.urls['game-message-proxy']}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages }),
    signal: AbortSignal.timeout(20_000),
  });
  return res.status;
}

/** Every record on final-decisions for the given ids (a duplicate shows as two records with different decidedAt). */
export async function finalDecisions(brokers: string[], ids: ReadonlySet<string>, timeoutMs = 90_000): Promise<Map<string, FinalDecision[]>> {
  const kafka = new Kafka({ clientId: 'lc-it-reader', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `lc-it-reader-${Date.now()}` });
  const out = new Map<string, FinalDecision[]>();
  await consumer.connect();
  await consumer.subscribe({ topic: 'final-decisions', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const d = JSON.parse(message.value?.toString() ?? '{}') as FinalDecision;
      if (ids.has(d.messageId)) out.set(d.messageId, [...(out.get(d.messageId) ?? []), d]);
    },
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && out.size < ids.size) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 2000)); // late duplicates, if any, arrive too
  await consumer.disconnect();
  return out;
}
