// Where the lifecycle CLI finds the stores: the same variables as the functions (S3_ENDPOINT,
// MLFLOW_TRACKING_URI, ...), else the file `make up` writes (.run/lifecycle.env), else the
// embedded default's folders under $SINBIN_STATE_DIR/objects.
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { type GatePolicy, gatePolicyFrom, parseEnv } from '@sinbin/contract';
import { lifecycleStores, LifecycleEnvSchema, type LifecycleStores } from '@sinbin/stores';

const REPO = resolve(import.meta.dirname, '..', '..');

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SINBIN_STATE_DIR ?? resolve(REPO, '.run'));
}

/** KEY=VALUE lines (no quoting), as infra/local writes them. */
function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !line.startsWith('#')) out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

export function lifecycleEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = resolve(stateDir(env), 'lifecycle.env');
  if (env.S3_ENDPOINT || env.MLFLOW_TRACKING_URI || !existsSync(file)) return env;
  return { ...readEnvFile(file), ...env };
}

export function openLifecycle(env: NodeJS.ProcessEnv = process.env): LifecycleStores & { retentionDays: number } {
  const merged = lifecycleEnv(env);
  const config = parseEnv(LifecycleEnvSchema, merged);
  return { ...lifecycleStores(config, resolve(stateDir(merged), 'objects')), retentionDays: config.RAW_TEXT_RETENTION_DAYS };
}

/** The lifecycle virtualenv's python (built on first use), or $SINBIN_PYTHON. */
export function lifecyclePython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SINBIN_PYTHON) return env.SINBIN_PYTHON;
  return execFileSync('bash', [resolve(REPO, 'infra', 'local', 'mlflow.sh'), 'python'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** A gate config file (GATE_CONFIG_FILE, docs/gate.example.json) over `base`; a bad file stops with every problem listed. */
export function readGateConfig(path: string, base: GatePolicy): GatePolicy {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`gate config ${path}: ${(error as Error).message}`);
  }
  const made = gatePolicyFrom(document, base);
  if ('problems' in made) throw new Error(`gate config ${path} is not valid:\n  ${made.problems.join('\n  ')}`);
  return made.policy;
}
