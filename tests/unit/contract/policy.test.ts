import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type GamePolicy, GamePolicySchema, loadPolicyBook, policyBook, PolicyFileSchema } from '@sinbin/contract';

const rules = [{ name: 'first offence', when: {}, action: { type: 'warn' } }];
const base = { rules };

function issuesOf(value: unknown): string {
  const parsed = PolicyFileSchema.safeParse(value);
  return parsed.success ? '' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

describe('PolicyFileSchema', () => {
  it('accepts a minimal file and fills in the defaults', () => {
    const file = PolicyFileSchema.parse({ default: base });
    expect(file.games).toEqual({});
    expect(file.default).toMatchObject({ moderationDeadlineSeconds: 300, onDeadline: 'model', holdSeconds: 86_400, offenceWindowSeconds: 86_400 });
  });

  it('accepts DEFAULT_POLICY as the default and a partial game override', () => {
    expect(PolicyFileSchema.safeParse({ default: DEFAULT_POLICY, games: { alpha: { deepMinConfidence: 0.8, routing: { okBelow: 0.2, toxicFrom: 0.8 } } } }).success).toBe(true);
  });

  it.each([
    { name: 'an unknown top-level key', file: { default: base, extra: 1 }, names: 'extra' },
    { name: 'an unknown key in the default', file: { default: { ...base, deepMinConfidense: 0.6 } }, names: 'deepMinConfidense' },
    { name: 'an unknown key in a game override', file: { default: base, games: { alpha: { thresholds: {} } } }, names: 'thresholds' },
    { name: 'an unknown rule condition', file: { default: { rules: [{ name: 'r', when: { minToxicty: 0.5 }, action: { type: 'warn' } }] } }, names: 'minToxicty' },
    { name: 'no default', file: { games: {} }, names: 'default' },
    { name: 'no rules', file: { default: { rules: [] } }, names: 'default.rules' },
    { name: 'a rule without a name', file: { default: { rules: [{ name: '', when: {}, action: { type: 'warn' } }] } }, names: 'default.rules.0.name' },
    { name: 'an unknown action', file: { default: { rules: [{ name: 'r', when: {}, action: { type: 'shame' } }] } }, names: 'default.rules.0.action.type' },
    { name: 'an unknown category', file: { default: { rules: [{ name: 'r', when: { category: 'spam' }, action: { type: 'warn' } }] } }, names: 'category' },
    { name: 'okBelow above toxicFrom', file: { default: { ...base, routing: { okBelow: 0.8, toxicFrom: 0.3 } } }, names: 'okBelow must not exceed toxicFrom' },
    { name: 'a threshold above 1', file: { default: { ...base, deepMinConfidence: 1.5 } }, names: 'default.deepMinConfidence' },
    { name: 'a negative threshold', file: { default: { ...base, deepToxicFrom: -0.1 } }, names: 'default.deepToxicFrom' },
    { name: 'a routing bound above 1', file: { default: { ...base, routing: { okBelow: 0.2, toxicFrom: 1.2 } } }, names: 'routing.toxicFrom' },
    { name: 'a zero deadline', file: { default: { ...base, moderationDeadlineSeconds: 0 } }, names: 'moderationDeadlineSeconds' },
    { name: 'a fractional offence count', file: { default: { rules: [{ name: 'r', when: { minOffences: 1.5 }, action: { type: 'warn' } }] } }, names: 'minOffences' },
    { name: 'a bad threshold in a game override', file: { default: base, games: { alpha: { deepToxicFrom: 2 } } }, names: 'games.alpha.deepToxicFrom' },
    { name: 'empty rules in a game override', file: { default: base, games: { alpha: { rules: [] } } }, names: 'games.alpha.rules' },
  ])('rejects $name', ({ file, names }) => {
    expect(issuesOf(file)).toContain(names);
  });
});

describe('policyBook', () => {
  it('gives DEFAULT_POLICY to every game without a file', () => {
    expect(policyBook().forGame('any')).toEqual(DEFAULT_POLICY);
  });

  it("merges a game's override over the default and leaves other games alone", () => {
    const book = policyBook(PolicyFileSchema.parse({ default: DEFAULT_POLICY, games: { alpha: { deepMinConfidence: 0.9, rules } } }));
    const alpha = book.forGame('alpha');
    expect(alpha.deepMinConfidence).toBe(0.9);
    expect(alpha.rules).toEqual(rules);
    expect(alpha.routing).toBeUndefined();
    expect(book.forGame('beta')).toEqual(DEFAULT_POLICY);
    expect(book.forGame('alpha')).toBe(alpha);
  });

  it("keeps the file's default values for fields a game override does not name", () => {
    // The default sets non-schema-default values; the override names one other field only.
    const file = PolicyFileSchema.parse({
      default: { ...DEFAULT_POLICY, deepMinConfidence: 0.8, deepToxicFrom: 0.4, moderationDeadlineSeconds: 600, offenceWindowSeconds: 3600 },
      games: { alpha: { offenceWindowSeconds: 60 } },
    });
    const alpha: GamePolicy = policyBook(file).forGame('alpha');
    expect(alpha).toEqual({ ...file.default, offenceWindowSeconds: 60 });
  });
});

describe('loadPolicyBook', () => {
  const write = (content: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'sinbin-policy-')), 'policies.json');
    writeFileSync(file, content);
    return file;
  };

  it('without a path, is the default book', () => {
    expect(loadPolicyBook(undefined).forGame('x')).toEqual(DEFAULT_POLICY);
  });

  it('reads a valid file', () => {
    const file = write(JSON.stringify({ default: base, games: { alpha: { deepMinConfidence: 0.7 } } }));
    expect(loadPolicyBook(file).forGame('alpha').deepMinConfidence).toBe(0.7);
    expect(loadPolicyBook(file).forGame('beta')).toEqual(GamePolicySchema.parse(base));
  });

  it('names the file and every problem of an invalid one', () => {
    const file = write(JSON.stringify({ default: { rules: [], deepMinConfidence: 3 } }));
    const named = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(() => loadPolicyBook(file)).toThrow(new RegExp(`policy file ${named}: default.deepMinConfidence: .*; policy file ${named}: default.rules: `));
  });

  it('refuses a file that is not JSON, or is missing', () => {
    expect(() => loadPolicyBook(write('{ default: '))).toThrow();
    expect(() => loadPolicyBook('/nonexistent/policies.json')).toThrow();
  });
});

describe('docs/policy.example.json', () => {
  const path = join(import.meta.dirname, '../../../docs/policy.example.json');

  it('parses with the current schema, and its default is the built-in default', () => {
    const book = loadPolicyBook(path);
    expect(book.forGame('any-game')).toEqual(DEFAULT_POLICY);
  });

  it('tunes its two games on top of the default', () => {
    const book = loadPolicyBook(path);
    expect(book.forGame('arena-shooter')).toMatchObject({ routing: { okBelow: 0.2, toxicFrom: 0.9 }, moderationDeadlineSeconds: 120, onDeadline: 'allow', offenceWindowSeconds: 3600 });
    expect(book.forGame('kids-puzzle')).toMatchObject({ deepToxicFrom: 0.35, moderationDeadlineSeconds: DEFAULT_POLICY.moderationDeadlineSeconds, onDeadline: 'hold', holdSeconds: 3600 });
    expect(book.forGame('kids-puzzle').rules).toHaveLength(2);
  });
});
