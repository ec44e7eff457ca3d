// The real services the integration suites need (Kafka, PostgreSQL), started through the project's
// own scripts (infra/local), on ports and a state directory of their own so they never collide with
// `make up` or with another checkout's test run. tests/integration/global-setup.ts chooses the ports
// once per run and stops, by pid file, whatever the run started.
//
// The scripts run asynchronously: a test worker blocked in a synchronous child process cannot answer
// vitest's runner, which gives up on it after 60 s on a busy machine.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

export const REPO = resolve(import.meta.dirname, '..', '..');

/** The test services' state: pid files, data, logs (SINBIN_TEST_STATE_DIR, else .run/test-services). */
export const TEST_STATE_DIR = process.env.SINBIN_TEST_STATE_DIR ?? resolve(REPO, '.run', 'test-services');

export const TEST_SERVICES_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  KAFKA_PORT: process.env.TEST_KAFKA_PORT ?? '19092',
  KAFKA_CONTROLLER_PORT: process.env.TEST_KAFKA_CONTROLLER_PORT ?? '19093',
  PGPORT: process.env.TEST_PGPORT ?? '55433',
  MINIO_PORT: process.env.TEST_MINIO_PORT ?? '19000',
  MINIO_CONSOLE_PORT: process.env.TEST_MINIO_CONSOLE_PORT ?? '19001',
  SINBIN_STATE_DIR: TEST_STATE_DIR,
  // A busy machine (2 cores, load 20 here at times) takes a minute to bring the broker up.
  KAFKA_WAIT_TIMEOUT: process.env.KAFKA_WAIT_TIMEOUT ?? '240',
  PG_WAIT_TIMEOUT: process.env.PG_WAIT_TIMEOUT ?? '120',
};

const run = promisify(execFile);

/** Runs infra/local/<name> with the test services' environment; its stderr goes to the test output. */
export async function service(name: string, args: string[], env: NodeJS.ProcessEnv = TEST_SERVICES_ENV): Promise<string> {
  const child = run('bash', [resolve(REPO, 'infra', 'local', name), ...args], { env, encoding: 'utf8', maxBuffer: 16 << 20 });
  child.child.stderr?.pipe(process.stderr);
  try {
    return (await child).stdout.trim();
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    throw new Error(`infra/local/${name} ${args.join(' ')} failed (exit ${e.code}); its stderr is above${e.stdout ? `\n${e.stdout}` : ''}`, { cause: error });
  }
}

/** Whether infra/local/<name> status says the service runs. */
export async function serviceRunning(name: string, env: NodeJS.ProcessEnv = TEST_SERVICES_ENV): Promise<boolean> {
  return run('bash', [resolve(REPO, 'infra', 'local', name), 'status'], { env }).then(
    () => true,
    () => false,
  );
}

export async function startKafka(env: NodeJS.ProcessEnv = TEST_SERVICES_ENV): Promise<string[]> {
  await service('kafka.sh', ['start'], env);
  return [`127.0.0.1:${env.KAFKA_PORT}`];
}

export const stopKafka = (env: NodeJS.ProcessEnv = TEST_SERVICES_ENV) => service('kafka.sh', ['stop'], env);

export async function startPostgres(env: NodeJS.ProcessEnv = TEST_SERVICES_ENV): Promise<string> {
  await service('postgres.sh', ['start'], env);
  return service('postgres.sh', ['url'], env);
}

/**
 * Every local service script (infra/local/*.sh: kafka, postgres, the stack's own processes, and
 * any added later, e.g. minio), each of which stops its service by its pid file.
 */
export function serviceScripts(): string[] {
  return readdirSync(resolve(REPO, 'infra', 'local'))
    .filter((f) => f.endsWith('.sh'))
    .sort((a, b) => Number(b === 'stack.sh') - Number(a === 'stack.sh'));
}

/** Stops, by pid file, every service started with this state directory; the stack's processes first. */
export async function stopAllServices(stateDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const problems: string[] = [];
  if (!existsSync(stateDir)) return problems;
  for (const script of serviceScripts()) {
    await service(script, ['stop'], { ...env, SINBIN_STATE_DIR: stateDir }).catch((error: Error) => problems.push(`${script} stop: ${error.message}`));
  }
  return problems;
}

/** The of-watchdog binary, built into the cache by scripts/deploy/install-tools.sh when missing. */
export async function ofWatchdog(): Promise<string> {
  const { stdout } = await run('bash', [resolve(REPO, 'scripts', 'deploy', 'install-tools.sh'), 'of-watchdog'], { encoding: 'utf8' });
  const line = stdout.split('\n').find((l) => l.startsWith('of-watchdog '));
  if (!line) throw new Error(`install-tools.sh printed no of-watchdog path: ${stdout}`);
  return line.slice('of-watchdog '.length).trim();
}
