// Starts the real services the integration suites need, through the project's own scripts, on
// ports and a state directory of their own so they never collide with `make up`.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..');

export const TEST_SERVICES_ENV = {
  ...process.env,
  KAFKA_PORT: process.env.TEST_KAFKA_PORT ?? '19092',
  KAFKA_CONTROLLER_PORT: process.env.TEST_KAFKA_CONTROLLER_PORT ?? '19093',
  PGPORT: process.env.TEST_PGPORT ?? '55433',
  SINBIN_STATE_DIR: resolve(REPO, '.run', 'test-services'),
};

function script(name: string, ...args: string[]): string {
  return execFileSync('bash', [resolve(REPO, 'infra', 'local', name), ...args], { env: TEST_SERVICES_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export function startKafka(): string[] {
  script('kafka.sh', 'start');
  script('kafka.sh', 'wait');
  return [`127.0.0.1:${TEST_SERVICES_ENV.KAFKA_PORT}`];
}

export const stopKafka = () => script('kafka.sh', 'stop');

export function startPostgres(): string {
  script('postgres.sh', 'start');
  script('postgres.sh', 'wait');
  return script('postgres.sh', 'url');
}
