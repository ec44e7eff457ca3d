// `make up`: the pipeline over the local Kafka broker (infra/local/kafka.sh has started it).
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { adoptFormerEnvAtStart, boolVar, intVar, parseEnv } from '@sinbin/contract';
import { LifecycleEnvSchema } from '@sinbin/stores';
import { FUNCTIONS } from '../../../functions';
import { boot, collectConfigProblems, httpPorts, parseFunctionConfigs } from '../boot';
import { withDevCredentials } from '../dev-credentials';
import { createLogger } from '../log';
import { KafkaLagMonitor, lagLine } from '../transport/consumer-lag';
import { kafkaClientVar } from '../transport/kafka-client';
import { DEFAULT_DELIVERY_BATCH } from '../transport/kafka-connector';
import { startStack } from './stack';
import { prepareLifecycle, startRetention } from './lifecycle';

adoptFormerEnvAtStart();

const EnvSchema = z.object({
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  // The Kafka client library of the connectors and publishers (the function processes read it too).
  SINBIN_KAFKA_CLIENT: kafkaClientVar,
  // First port of the internal function processes; 0 (the default) gives each a free port.
  FUNCTION_BASE_PORT: intVar(0, 0, 65535),
  SINBIN_DELIVERY: z.enum(['knative', 'openfaas', 'direct']).default('knative'),
  // Records per delivery request to a function (CloudEvents batched content mode; knative and
  // direct); 1 = one event per request, exactly as Knative's KafkaSource delivers.
  SINBIN_DELIVERY_BATCH: intVar(DEFAULT_DELIVERY_BATCH, 1, 1000),
  SCALE_TO_ZERO_IDLE_MS: intVar(30_000, 100),
  // Functions start from esbuild bundles built at stack start; this runs them through tsx instead.
  SINBIN_FUNCTIONS_FROM_SOURCE: boolVar(false),
  // CPU priority of the functions off the latency path (`priority: 'background'`); 0 = normal.
  SINBIN_BACKGROUND_NICE: intVar(10, 0, 19),
  // The MinIO console's address, shown to people (make up sets it from infra/local/minio.sh).
  MINIO_CONSOLE_URL: z.string().optional(),
  // Functions run behind the real of-watchdog (mode=http) as in the OpenFaaS image; `none` runs them bare.
  SINBIN_WATCHDOG: z.enum(['of-watchdog', 'none']).default('of-watchdog'),
  // The watchdog binary; by default scripts/deploy/install-tools.sh builds it into the cache when missing.
  OF_WATCHDOG_BIN: z.string().optional(),
  SINBIN_STATE_DIR: z.string().optional(),
  // How often the status line with each function's consumer lag is printed when it changed; 0 = never.
  SINBIN_STATUS_MS: intVar(10_000, 0),
});

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** The of-watchdog binary: built into ~/.cache/sinbin from the vendored source the first time. */
async function watchdogBinary(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [resolve(REPO_ROOT, 'scripts/deploy/install-tools.sh'), 'of-watchdog'], { encoding: 'utf8' }).catch((error: { stderr?: string }) => {
    throw new Error(`could not install of-watchdog (SINBIN_WATCHDOG=none runs the functions without it):\n${error.stderr ?? String(error)}`);
  });
  const line = stdout.split('\n').find((l) => l.startsWith('of-watchdog '));
  if (!line) throw new Error(`install-tools.sh printed no of-watchdog path: ${stdout}`);
  return line.slice('of-watchdog '.length).trim();
}

const log = createLogger('stack');

/**
 * `make down` (infra/local/stack.sh stop) finds this process by this file; one stack per state
 * directory, so a second `make up` in the same checkout says so instead of fighting over ports.
 */
function claimPidFile(file: string): void {
  mkdirSync(resolve(file, '..'), { recursive: true });
  try {
    const other = Number(readFileSync(file, 'utf8').trim());
    if (other && other !== process.pid) {
      process.kill(other, 0);
      throw new Error(`a stack from this checkout is already running (pid ${other}, ${file}); stop it with make down`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  writeFileSync(file, `${process.pid}\n`);
  process.once('exit', () => {
    try {
      if (Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file);
    } catch {
      // already gone
    }
  });
}

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
  const state = resolve(config.SINBIN_STATE_DIR ?? resolve(REPO_ROOT, '.run'), 'stack');
  claimPidFile(resolve(state, 'stack.pid'));
  // Buckets (idempotent) and the bundled models as first champions, before any function loads one.
  const models = await prepareLifecycle({ ...lifecycle, ...(config.MINIO_CONSOLE_URL ? { MINIO_CONSOLE_URL: config.MINIO_CONSOLE_URL } : {}) }, resolve(config.SINBIN_STATE_DIR ?? resolve(REPO_ROOT, '.run')), log);
  const watchdog =
    config.SINBIN_WATCHDOG === 'none' ? undefined : { binary: config.OF_WATCHDOG_BIN ?? (await watchdogBinary()), stateDir: resolve(state, 'watchdog') };
  const stack = await startStack({
    functions: FUNCTIONS,
    brokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    env,
    httpPorts: ports,
    basePort: config.FUNCTION_BASE_PORT,
    mode: config.SINBIN_DELIVERY,
    deliveryBatch: config.SINBIN_DELIVERY_BATCH,
    kafkaClient: config.SINBIN_KAFKA_CLIENT,
    idleMs: config.SCALE_TO_ZERO_IDLE_MS,
    fromSource: config.SINBIN_FUNCTIONS_FROM_SOURCE,
    backgroundNiceness: config.SINBIN_BACKGROUND_NICE,
    repoRoot: REPO_ROOT,
    watchdog,
    pidDir: resolve(state, 'pids'),
    log,
  });
  return { stack, config, models };
});

process.stderr.write(`
sinbin pipeline running on Kafka (${config.KAFKA_BROKERS}), deliveries: ${
  { knative: 'Knative KafkaSource CloudEvents over HTTP', openfaas: 'OpenFaaS kafka-connector requests over HTTP', direct: 'direct consumers (scale-to-zero functions via KafkaSource-style HTTP)' }[config.SINBIN_DELIVERY]
}${config.SINBIN_WATCHDOG === 'none' ? '' : ', each function behind of-watchdog (mode=http)'}

  gateway      ${stack.urls['game-message-proxy']}   (key: ${shownKey}; admin token: ${shownAdminToken})
  moderation   ${stack.urls['moderation']}   (token: ${shownModeratorToken}; starts on first use)
${models.lines.join('\n')}
${config.SINBIN_STATUS_MS > 0 ? `  consumer lag of each function is printed below when it changes (every ${config.SINBIN_STATUS_MS / 1000} s at most; sinbin_consumer_lag on /metrics)\n` : ''}
`);

// Retention: hourly, decisions past RAW_TEXT_RETENTION_DAYS go to the decision archive and leave the ledger.
const retention = env.DATABASE_URL ? startRetention(env.DATABASE_URL, models.decisions, models.retentionDays, log) : undefined;

// Status: how far behind each function is (its consumer group's lag on the broker), printed when it changes.
let lastStatus = '';
const lag =
  config.SINBIN_STATUS_MS > 0
    ? new KafkaLagMonitor({
        brokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()),
        groups: new Map(FUNCTIONS.filter((fn) => fn.consumes.length > 0).map((fn) => [fn.name, fn.consumes])),
        everyMs: config.SINBIN_STATUS_MS,
        onError: (error) => log.debug({ err: String(error) }, 'consumer lag not read'),
      })
    : undefined;
const statusTimer = lag
  ? setInterval(() => {
      const line = lagLine(lag.current());
      if (line && line !== lastStatus) process.stderr.write(`${new Date().toISOString().slice(11, 19)} consumer lag: ${line}\n`);
      if (line) lastStatus = line;
    }, config.SINBIN_STATUS_MS)
  : undefined;
lag?.start();

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    retention?.stop();
    clearInterval(statusTimer);
    void lag?.stop();
    void stack.stop().then(() => process.exit(0));
  });
}
