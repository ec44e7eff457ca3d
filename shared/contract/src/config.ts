// Config is parsed once at start-up with a zod schema; a bad value stops the process with a
// message naming every problem, instead of failing on the first event.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** A zod issue about an environment variable, in plain words: `NAME: what is wrong`. */
export function describeConfigIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = issue.path.map(String).join('.') || '(environment)';
  const missing = issue.path.length > 0 && env[String(issue.path[0])] === undefined;
  if (missing && issue.code === 'invalid_type') return `${name}: is required but not set`;
  return `${name}: ${issue.message}`;
}

export function parseEnv<S extends z.ZodTypeAny>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => describeConfigIssue(i, env)));
  return parsed.data;
}

/** Integer env var with a default, e.g. `port: intVar(8080)`. */
export const intVar = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const numberVar = (fallback: number, min = -Infinity, max = Infinity) => z.coerce.number().min(min).max(max).default(fallback);

export const boolVar = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Parses `name:secret,name:secret` (game API keys, moderator tokens) into secret -> name. An entry
 * without both parts, or a secret given twice, is an error naming the entry's position, never its
 * value; `required` refuses an empty list.
 */
export function labelledSecrets(what: { secret: string; owner: string; required: boolean }) {
  return z.string().transform((raw, ctx) => {
    const byKey = new Map<string, string>();
    const entries = raw.split(',').map((p) => p.trim()).filter(Boolean);
    entries.forEach((pair, i) => {
      const at = pair.indexOf(':');
      const owner = pair.slice(0, at).trim();
      const secret = pair.slice(at + 1).trim();
      if (at <= 0 || !secret || !owner) {
        ctx.addIssue({ code: 'custom', message: `entry ${i + 1} is not ${what.owner}:${what.secret} (both parts are needed, joined by a colon)` });
      } else if (byKey.has(secret)) {
        ctx.addIssue({ code: 'custom', message: `the same ${what.secret} is given to ${byKey.get(secret)} and ${owner}` });
      } else byKey.set(secret, owner);
    });
    if (what.required && entries.length === 0) ctx.addIssue({ code: 'custom', message: `no ${what.secret}s given (${what.owner}:${what.secret},...)` });
    return byKey;
  });
}

/** `GAME_API_KEYS`: `gameA:key1,gameB:key2` -> key -> gameId. */
export const GameApiKeysSchema = labelledSecrets({ secret: 'key', owner: 'gameId', required: true });

/** `MODERATOR_TOKENS`: `alice:token,bob:token` -> token -> moderator name; may be empty (people sign in with accounts). */
export const ModeratorTokensSchema = labelledSecrets({ secret: 'token', owner: 'name', required: false }).default(new Map<string, string>());
