// `make run`: the whole pipeline on one machine, no external service.
import { adoptFormerEnvAtStart } from '@sinbin/shared/legacy-names.mjs';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { intVar, parseEnv } from '@sinbin/shared/config';
import { createLogger } from '@sinbin/shared/log';
import { startEmbedded } from './runtime';
import { withDevCredentials } from '../dev-credentials';

adoptFormerEnvAtStart();

const EnvSchema = z.object({
  GATEWAY_PORT: intVar(8080, 0, 65535),
  MODERATION_PORT: intVar(8081, 0, 65535),
  SCALE_TO_ZERO_IDLE_MS: intVar(30_000, 100),
  SINBIN_STATE_DIR: z.string().default('.run'),
});

const log = createLogger('embedded');
const config = parseEnv(EnvSchema);
const { env, shownKey, shownModeratorToken } = withDevCredentials(process.env);
const objectDir = resolve(config.SINBIN_STATE_DIR, 'objects');
mkdirSync(objectDir, { recursive: true });

const runtime = await startEmbedded({
  env,
  gatewayPort: config.GATEWAY_PORT,
  moderationPort: config.MODERATION_PORT,
  idleMs: config.SCALE_TO_ZERO_IDLE_MS,
  objectDir,
  // Moderation cases and accounts survive restarts in an embedded PostgreSQL (PGlite).
  moderationDataDir: resolve(config.SINBIN_STATE_DIR, 'moderation'),
  log,
});

process.stderr.write(`
sinbin pipeline running (embedded: in-process topic bus, no external services)

  gateway      ${runtime.gatewayUrl}   (key: ${shownKey})
  moderation   ${runtime.moderationUrl}   (moderator token: ${shownModeratorToken})
  moderator UI ${runtime.moderationUrl}/   (sign in with the token, or an account from npm run moderation:create-lead)
  training     ${objectDir}/training-data/
  metrics      ${runtime.gatewayUrl}/metrics

send a message:
  curl -s -X POST ${runtime.gatewayUrl}/v1/messages -H 'authorization: Bearer ${shownKey}' \\
       -H 'content-type: application/json' -d '{"channelId":"match-1","playerId":"p1","text":"gg wp"}'
read its decision:
  curl -s ${runtime.gatewayUrl}/v1/decisions/<messageId> -H 'authorization: Bearer ${shownKey}'

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
