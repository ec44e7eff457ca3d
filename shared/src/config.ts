// Config is parsed once at start-up with a zod schema; a bad value stops the process with a
// message naming every problem, instead of failing on the first event.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function parseEnv<S extends z.ZodTypeAny>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
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

/** Parses `gameA:key1,gameB:key2` into key -> gameId; duplicates and blanks are rejected. */
export const GameApiKeysSchema = z.string().transform((raw, ctx) => {
  const byKey = new Map<string, string>();
  for (const pair of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf(':');
    const gameId = pair.slice(0, at).trim();
    const key = pair.slice(at + 1).trim();
    if (at <= 0 || !key || !gameId) {
      ctx.addIssue({ code: 'custom', message: `expected gameId:key, got an entry without both parts` });
      return z.NEVER;
    }
    if (byKey.has(key)) {
      ctx.addIssue({ code: 'custom', message: `the same key is given to two games (${byKey.get(key)}, ${gameId})` });
      return z.NEVER;
    }
    byKey.set(key, gameId);
  }
  if (byKey.size === 0) {
    ctx.addIssue({ code: 'custom', message: 'no game keys given' });
    return z.NEVER;
  }
  return byKey;
});
