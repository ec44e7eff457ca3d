import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { boolVar, ConfigError, GameApiKeysSchema, intVar, ModeratorTokensSchema, numberVar, parseEnv } from '@sinbin/contract';

describe('GameApiKeysSchema', () => {
  it.each([
    { raw: 'alpha:key-a', want: [['key-a', 'alpha']] },
    { raw: 'alpha:key-a,beta:key-b', want: [['key-a', 'alpha'], ['key-b', 'beta']] },
    { raw: ' alpha : key-a , beta:key-b ,', want: [['key-a', 'alpha'], ['key-b', 'beta']], why: 'spaces and a trailing comma' },
    { raw: 'alpha:key-a,alpha:key-rotated', want: [['key-a', 'alpha'], ['key-rotated', 'alpha']], why: 'a game may hold two keys (rotation)' },
    { raw: 'alpha:k:with:colons', want: [['k:with:colons', 'alpha']], why: 'the key is everything after the first colon' },
  ])('$raw parses', ({ raw, want }) => {
    expect([...GameApiKeysSchema.parse(raw)]).toEqual(want);
  });

  it.each([
    { raw: '', problem: 'no keys given (gameId:key,...)' },
    { raw: ' , ,', problem: 'no keys given' },
    { raw: 'alpha', problem: 'entry 1 is not gameId:key' },
    { raw: ':key-a', problem: 'entry 1 is not gameId:key' },
    { raw: 'alpha:', problem: 'entry 1 is not gameId:key' },
    { raw: 'alpha:k,beta: ', problem: 'entry 2 is not gameId:key' },
    { raw: 'alpha:key-a,beta:key-a', problem: 'the same key is given to alpha and beta' },
  ])('$raw is refused: $problem', ({ raw, problem }) => {
    const parsed = GameApiKeysSchema.safeParse(raw);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((i) => i.message).join('; ')).toContain(problem);
  });

  it('never puts a key in its error messages', () => {
    const parsed = GameApiKeysSchema.safeParse('alpha:super-secret-key,beta:super-secret-key');
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(JSON.stringify(parsed.error.issues)).not.toContain('super-secret-key');
  });
});

describe('ModeratorTokensSchema', () => {
  it.each([
    { raw: 'alice:tok-a', want: [['tok-a', 'alice']] },
    { raw: 'alice:tok-a,bob:tok-b', want: [['tok-a', 'alice'], ['tok-b', 'bob']] },
    { raw: ' alice:tok-a , bob:tok-b ,', want: [['tok-a', 'alice'], ['tok-b', 'bob']] },
    { raw: 'alice:tok:with:colons', want: [['tok:with:colons', 'alice']] },
    { raw: 'alice:a,alice:b', want: [['a', 'alice'], ['b', 'alice']], why: 'one moderator may hold several tokens' },
    { raw: '', want: [], why: 'people may sign in with accounts only' },
    { raw: undefined, want: [] },
  ])('$raw parses', ({ raw, want }) => {
    expect([...ModeratorTokensSchema.parse(raw)]).toEqual(want);
  });

  it.each([
    { raw: 'just-a-token', problem: 'entry 1 is not name:token' },
    { raw: 'alice:tok-a, :tok-b', problem: 'entry 2 is not name:token' },
    { raw: 'alice:', problem: 'entry 1 is not name:token' },
    { raw: 'alice:t,bob:t', problem: 'the same token is given to alice and bob' },
  ])('$raw is refused (a token without its name used to be ignored, so nobody could sign in): $problem', ({ raw, problem }) => {
    const parsed = ModeratorTokensSchema.safeParse(raw);
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(parsed.error.issues.map((i) => i.message).join('; ')).toContain(problem);
      expect(JSON.stringify(parsed.error.issues)).not.toContain('tok-b');
    }
  });
});

describe('parseEnv', () => {
  const Schema = z.object({
    PORT: intVar(8080, 1, 65535),
    RATIO: numberVar(0.5, 0, 1),
    VERBOSE: boolVar(false),
    GAME_API_KEYS: GameApiKeysSchema,
    NAME: z.string().min(1),
  });

  it('parses a good environment, with defaults and coercion', () => {
    const config = parseEnv(Schema, { PORT: '3000', GAME_API_KEYS: 'alpha:k', NAME: 'x', UNRELATED: 'ignored' });
    expect(config).toMatchObject({ PORT: 3000, RATIO: 0.5, VERBOSE: false, NAME: 'x' });
    expect(config.GAME_API_KEYS.get('k')).toBe('alpha');
  });

  it('throws one ConfigError naming every problem', () => {
    let error: unknown;
    try {
      parseEnv(Schema, { PORT: '70000', RATIO: 'lots', VERBOSE: 'maybe', GAME_API_KEYS: 'alpha' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    for (const name of ['PORT', 'RATIO', 'VERBOSE', 'GAME_API_KEYS', 'NAME']) expect(problems.some((p) => p.startsWith(`${name}:`)), name).toBe(true);
    expect((error as ConfigError).message).toContain('invalid configuration');
    expect((error as ConfigError).name).toBe('ConfigError');
  });

  it('reads process.env by default', () => {
    process.env.SINBIN_TEST_ONLY_VAR = '7';
    try {
      expect(parseEnv(z.object({ SINBIN_TEST_ONLY_VAR: intVar(0) })).SINBIN_TEST_ONLY_VAR).toBe(7);
    } finally {
      delete process.env.SINBIN_TEST_ONLY_VAR;
    }
  });
});

describe('env var helpers', () => {
  it.each([
    [undefined, 8080],
    ['1', 1],
    ['65535', 65535],
  ])('intVar(8080, 1, 65535) of %j -> %j', (raw, want) => {
    expect(intVar(8080, 1, 65535).parse(raw)).toBe(want);
  });

  it.each(['0', '65536', '1.5', 'abc'])('intVar(8080, 1, 65535) refuses %j', (raw) => {
    expect(intVar(8080, 1, 65535).safeParse(raw).success).toBe(false);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
    [undefined, true],
  ])('boolVar(true) of %j -> %j', (raw, want) => {
    expect(boolVar(true).parse(raw)).toBe(want);
  });

  it('boolVar refuses anything else', () => {
    expect(boolVar(false).safeParse('TRUE').success).toBe(false);
    expect(boolVar(false).safeParse('on').success).toBe(false);
  });

  it('numberVar bounds and defaults', () => {
    expect(numberVar(0.5, 0, 1).parse(undefined)).toBe(0.5);
    expect(numberVar(0.5, 0, 1).parse('0.25')).toBe(0.25);
    expect(numberVar(0.5, 0, 1).safeParse('2').success).toBe(false);
  });
});
