// One release of compatibility with the project's former name (read in 0.2.x, removed in 0.3.0).
// Everything that still knows that name lives in this file, so dropping the shim is one deletion
// (and its test). Plain JavaScript without dependencies: Node entry points import it, and the shell
// scripts under infra/ and models/ run it (`node legacy-names.mjs shell-env | pg-names`).

import process from 'node:process';

const FORMER = 'toxmod';
/** Prefix of the former environment variables. */
export const FORMER_ENV_PREFIX = 'TOXMOD_';
const ENV_PREFIX = 'SINBIN_';
export const REMOVED_IN = '0.3.0';

/**
 * Copies every `TOXMOD_*` variable whose `SINBIN_*` twin is absent into that twin (in place).
 * @param {Record<string, string | undefined>} env
 * @returns {{ from: string, to: string }[]} the variables taken over, for one warning line
 */
export function adoptFormerEnv(env) {
  const adopted = [];
  // Vite exposes only VITE_* variables to the UI build, so its former twin has the prefix inside.
  /** @type {{ former: string, current: string }[]} */
  const prefixes = [
    { former: FORMER_ENV_PREFIX, current: ENV_PREFIX },
    { former: `VITE_${FORMER_ENV_PREFIX}`, current: `VITE_${ENV_PREFIX}` },
  ];
  for (const [name, value] of Object.entries(env)) {
    const prefix = prefixes.find((p) => name.startsWith(p.former));
    if (!prefix || value === undefined) continue;
    const twin = prefix.current + name.slice(prefix.former.length);
    if (env[twin] !== undefined) continue;
    env[twin] = value;
    adopted.push({ from: name, to: twin });
  }
  return adopted.sort((a, b) => a.from.localeCompare(b.from));
}

/** @param {{ from: string, to: string }[]} adopted */
export function formerEnvWarning(adopted) {
  if (adopted.length === 0) return undefined;
  return `deprecated variables read (they stop working in ${REMOVED_IN}): ${adopted.map((a) => `set ${a.to} instead of ${a.from}`).join(', ')}`;
}

let warned = false;

/**
 * Process start: adopts the former variables of `process.env` and writes one JSON warning line
 * to stderr (once per process) naming the new variables.
 * @param {Record<string, string | undefined>} [env]
 */
export function adoptFormerEnvAtStart(env = process.env) {
  const adopted = adoptFormerEnv(env);
  const message = formerEnvWarning(adopted);
  if (message && !warned) {
    warned = true;
    process.stderr.write(`${JSON.stringify({ level: 40, time: new Date().toISOString(), service: 'config', msg: message })}\n`);
  }
  return adopted;
}

/** CloudEvent types written before the rename (`gg.toxmod.*`) read as their current names. */
export function currentCeType(/** @type {string} */ type) {
  return type.startsWith(`gg.${FORMER}.`) ? `gg.sinbin.${type.slice(`gg.${FORMER}.`.length)}` : type;
}

/** Webhook signature header games verified before the rename; sent beside the new one. */
export const FORMER_SIGNATURE_HEADER = `x-${FORMER}-signature`;

/** The local PostgreSQL role, database and settings file of earlier versions (infra/local/postgres.sh migrates them). */
export const FORMER_POSTGRES = { role: FORMER, database: FORMER, settingsFile: `${FORMER}.conf` };

/**
 * A model's `config.json` section; exported models of earlier versions keep it under the former
 * name and format tag (`toxmod-deep-1`), which read as today's.
 * @param {Record<string, unknown>} config
 */
export function currentModelConfig(config) {
  /** @param {unknown} section */
  const renamed = (section) =>
    section && typeof section === 'object' && 'format' in section && typeof section.format === 'string'
      ? { ...section, format: section.format.replace(new RegExp(`^${FORMER}-`), 'sinbin-') }
      : section;
  if (config.sinbin === undefined && config[FORMER] !== undefined) {
    const { [FORMER]: former, ...rest } = config;
    return { ...rest, sinbin: renamed(former) };
  }
  return renamed(config);
}

/** Default object directory of earlier versions' standalone functions. */
export const FORMER_OBJECT_DIR = `/tmp/${FORMER}-objects`;

/** Single-quotes a value for a POSIX shell. */
const shellQuote = (/** @type {string} */ v) => `'${v.replaceAll("'", `'\\''`)}'`;

// Shell scripts: `eval "$(node shared/contract/src/legacy-names.mjs shell-env)"` adopts the former variables;
// `node shared/contract/src/legacy-names.mjs pg-names` prints the former role and database.
// Only when this very file is the program (a bundle that inlines it has another URL).
if (import.meta.url.endsWith('/legacy-names.mjs') && import.meta.url === `file://${process.argv[1]}`) {
  const verb = process.argv[2];
  if (verb === 'shell-env') {
    const adopted = adoptFormerEnv(process.env);
    const message = formerEnvWarning(adopted);
    if (message) process.stderr.write(`warning: ${message}\n`);
    for (const { to } of adopted) process.stdout.write(`export ${to}=${shellQuote(process.env[to] ?? '')}\n`);
  } else if (verb === 'pg-names') {
    process.stdout.write(`${FORMER_POSTGRES.role} ${FORMER_POSTGRES.database} ${FORMER_POSTGRES.settingsFile}\n`);
  } else {
    process.stderr.write('usage: legacy-names.mjs shell-env | pg-names\n');
    process.exit(2);
  }
}
