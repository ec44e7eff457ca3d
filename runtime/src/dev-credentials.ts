// Development credentials for `make run` / `make up` when none are configured: random each
// start, printed once so a newcomer can curl straight away. Configured values always win.
import { randomBytes } from 'node:crypto';

export interface DevCredentials {
  env: Record<string, string | undefined>;
  /** What to print for the game key and the moderator token. */
  shownKey: string;
  shownModeratorToken: string;
  shownAdminToken: string;
}

export function withDevCredentials(base: Record<string, string | undefined>): DevCredentials {
  const env = { ...base };
  const devKey = `dev-${randomBytes(9).toString('hex')}`;
  const devModeratorToken = `mod-${randomBytes(9).toString('hex')}`;
  env.GAME_API_KEYS ||= `demo:${devKey}`;
  env.MODERATOR_TOKENS ||= `dev-moderator:${devModeratorToken}`;
  const devAdminToken = `adm-${randomBytes(12).toString('hex')}`;
  env.GATEWAY_ADMIN_TOKENS ||= devAdminToken;
  return {
    env,
    shownKey: base.GAME_API_KEYS ? '<a key from GAME_API_KEYS>' : devKey,
    shownModeratorToken: base.MODERATOR_TOKENS ? '<a token from MODERATOR_TOKENS>' : devModeratorToken,
    shownAdminToken: base.GATEWAY_ADMIN_TOKENS ? '<a token from GATEWAY_ADMIN_TOKENS>' : devAdminToken,
  };
}
