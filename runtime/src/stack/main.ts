// `make up`: the pipeline over the local Kafka broker (infra/local/kafka.sh has started it).
import { resolve } from 'node:path';
import { z } from 'zod';
import { adoptFormerEnvAtStart, boolVar, intVar, parseEnv } from '@sinbin/contract';
import { LifecycleEnvSchema } from '@sinbin/stores';
import { FUNCTIONS } from '../../../functions';
import { boot, collectConfigProblems, httpPorts, parseFunctionConfigs } from '../boot';
import { withDevCredentials } from '../dev-credentials';
import { createLogger } from '../log';
import { startStack } from './stack';
import { prepareLifecycle, startRetention } from './lifecycle';

adoptFormerEnvAtStart();

const EnvSchema = z.object({
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  FUNCTION_BASE_PORT: intVar(18100, 1, 65535),
  SINBIN_DELIVERY: z.enum(['knative', 'openfaas', 'direct']).default('knative'),
  SCALE_TO_ZERO_IDLE_MS: intVar(30_000, 100),
  // Functions start from esbuild bundles built at stack start; this runs them through tsx instead.
  SINBIN_FUNCTIONS_FROM_SOURCE: boolVar(false),
  // CPU priority of the functions off the latency path (`priority: 'background'`); 0 = normal.
  SINBIN_BACKGROUND_NICE: intVar(10, 0, 19),
  // The MinIO console's address, shown to people (make up sets it from infra/local/minio.sh).
  MINIO_CONSOLE_URL: z.string().optional(),
  SINBIN_STATE_DIR: z.string().default('.run'),
});

const log = createLogger('stack');
const { env, shownKey, shownModeratorToken, shownAdminToken } = withDevCredentials(process.env);

const { stack, config, models } = await boot('sinbin (make up)', async () => {
  let config!: z.infer<typeof EnvSchema>;
  let lifecycle!: z.infer<typeof LifecycleEnvSchema>;
  let ports = new Map<string, number>();
  // Every function's config is checked here, before any process starts.
  collectConfigProblems(
    () => (config = parseEnv(EnvSchema, env)),
    () => (lifecycle = parseEnv(LifecycleEnvSchema, env)),
    () => parseFunctionConfigs(FUNCTIONS, env),
    () => (ports = httpPorts(FUNCTIONS, env, 1)),
  );
  // Buckets (idempotent) and the bundled models as first champions, before any function loads one.
  const models = await prepareLifecycle({ ...lifecycle, ...(config.MINIO_CONSOLE_URL ? { MINIO_CONSOLE_URL: config.MINIO_CONSOLE_URL } : {}) }, resolve(config.SINBIN_STATE_DIR), log);
  const stack = await startStack({
    functions: FUNCTIONS,
    brokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    env,
    httpPorts: ports,
    basePort: config.FUNCTION_BASE_PORT,
    mode: config.SINBIN_DELIVERY,
    idleMs: config.SCALE_TO_ZERO_IDLE_MS,
    fromSource: config.SINBIN_FUNCTIONS_FROM_SOURCE,
    backgroundNiceness: config.SINBIN_BACKGROUND_NICE,
    repoRoot: resolve(import.meta.dirname, '..', '..', '..'),
    log,
  });
  return { stack, config, models };
});

process.stderr.write(`
sinbin pipeline running on Kafka (${config.KAFKA_BROKERS}), deliveries: ${
  { knative: 'Knative KafkaSource CloudEvents over HTTP', openfaas: 'OpenFaaS kafka-connector requests over HTTP', direct: 'direct consumers (scale-to-zero functions via KafkaSource-style HTTP)' }[config.SINBIN_DELIVERY]
}

  gateway      ${stack.urls['game-message-proxy']}   (key: ${shownKey}; admin token: ${shownAdminToken})
  moderation   ${stack.urls['moderation']}   (token: ${shownModeratorToken}; starts on first use)
${models.lines.join('\n')}

`);

// Retention: hourly, decisions past RAW_TEXT_RETENTION_DAYS go to the decision archive and leave the ledger.
const retention = env.DATABASE_URL ? startRetention(env.DATABASE_URL, models.decisions, models.retentionDays, log) : undefined;

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    retention?.stop();
    void stack.stop().then(() => process.exit(0));
  });
}
