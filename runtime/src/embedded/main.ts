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
    log,
  });
});

const gateway = runtime.urls['game-message-proxy'];
const moderation = runtime.urls['moderation'];
process.stderr.write(`
sinbin pipeline running (embedded: in-process topic bus, no external services)

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
