// `make run`: the whole pipeline on one machine, no external service.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { adoptFormerEnvAtStart, intVar, parseEnv } from '@sinbin/contract';
import { FUNCTIONS } from '../../../functions';
import { boot } from '../boot';
import { withDevCredentials } from '../dev-credentials';
import { createLogger } from '../log';
import { startEmbedded } from './runtime';

adoptFormerEnvAtStart();

const EnvSchema = z.object({
  SCALE_TO_ZERO_IDLE_MS: intVar(30_000, 100),
  SINBIN_STATE_DIR: z.string().default('.run'),
  // durable (default): topics, offsets and stores on disk; memory: the former in-memory bus, which
  // loses every message in flight when the process dies (for benchmarks against the durable log).
  SINBIN_LOG: z.enum(['durable', 'memory']).default('durable'),
  // on (default): a 202 waits until the message is flushed to disk; off: until the OS has it
  // (survives the process being killed, not the machine crashing).
  SINBIN_LOG_SYNC: z.enum(['on', 'off']).default('on'),
});

const log = createLogger('embedded');
const { env, shownKey, shownModeratorToken, shownAdminToken } = withDevCredentials(process.env);
let runtimeStateDir = '.run';
const runtime = await boot('sinbin (make run)', async () => {
  const config = parseEnv(EnvSchema);
  runtimeStateDir = config.SINBIN_STATE_DIR;
  const objectDir = resolve(config.SINBIN_STATE_DIR, 'objects');
  mkdirSync(objectDir, { recursive: true });
  return startEmbedded({
    functions: FUNCTIONS,
    env,
    idleMs: config.SCALE_TO_ZERO_IDLE_MS,
    objectDir,
    // Moderation cases and accounts survive restarts in an embedded PostgreSQL (PGlite).
    moderationDataDir: resolve(config.SINBIN_STATE_DIR, 'moderation'),
    // Topics, committed offsets and the per-message stores: one LMDB environment.
    ...(config.SINBIN_LOG === 'durable' ? { logDir: resolve(config.SINBIN_STATE_DIR, 'log'), logSync: config.SINBIN_LOG_SYNC === 'on' } : {}),
    log,
  });
});

const { SINBIN_LOG, SINBIN_LOG_SYNC, SINBIN_STATE_DIR } = parseEnv(EnvSchema);
const logLine =
  SINBIN_LOG === 'memory'
    ? 'topics in memory (SINBIN_LOG=memory): a crash loses what is in flight'
    : `topics, offsets and stores on a durable log in ${resolve(SINBIN_STATE_DIR, 'log')}${SINBIN_LOG_SYNC === 'off' ? ' (not flushed: SINBIN_LOG_SYNC=off)' : ''}`;
const gateway = runtime.urls['game-message-proxy'];
const moderation = runtime.urls['moderation'];
process.stderr.write(`
sinbin pipeline running (embedded: ${logLine}, no external services)

  gateway      ${gateway}   (key: ${shownKey})
  moderation   ${moderation}   (moderator token: ${shownModeratorToken})
  moderator UI ${moderation}/   (sign in with the token, or an account from npm run moderation:create-lead)
  metrics      ${gateway}/metrics
  API docs     ${gateway}/openapi.json   (admin token: ${shownAdminToken})
  models       registry file ${resolve(runtimeStateDir, 'objects', 'model-registry.json')}, artefacts ${resolve(runtimeStateDir, 'objects', 'sinbin-models')} (npx sinbin models list)

send a message and wait up to 2 s for its decision:
  curl -s -X POST ${gateway}/v1/messages -H 'authorization: Bearer ${shownKey}' -H 'prefer: wait=2' \\
       -H 'content-type: application/json' -d '{"messageId":"m-1","channelId":"match-1","playerId":"p1","text":"gg wp"}'
read its decision later:
  curl -s ${gateway}/v1/decisions/m-1 -H 'authorization: Bearer ${shownKey}'

`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void runtime.stop().then(() => process.exit(0));
  });
}
