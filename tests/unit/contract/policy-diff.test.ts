import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, describeChange, diffPolicies, type PolicyFile, PolicyFileSchema, policyHash, policyProblems, policyWarnings } from '@sinbin/contract';

const file = (over: unknown = {}): PolicyFile => PolicyFileSchema.parse({ default: DEFAULT_POLICY, ...(over as object) });
const lines = (a: PolicyFile, b: PolicyFile) => diffPolicies(a, b).map(describeChange);

describe('diffPolicies', () => {
  it('finds nothing between a document and itself', () => {
    expect(diffPolicies(file(), file())).toEqual([]);
  });

  it.each([
    { why: 'a changed setting', after: { default: { ...DEFAULT_POLICY, moderationDeadlineSeconds: 120 } }, want: ['default: moderationDeadlineSeconds 300 → 120'] },
    { why: 'a new deadline rule', after: { default: { ...DEFAULT_POLICY, onDeadline: 'hold' } }, want: ['default: onDeadline model → hold'] },
    { why: 'a routing band added', after: { default: { ...DEFAULT_POLICY, routing: { okBelow: 0.2, toxicFrom: 0.8 } } }, want: ['default: routing added ({"okBelow":0.2,"toxicFrom":0.8})'] },
  ])('reports $why', ({ after, want }) => {
    expect(lines(file(), file(after))).toEqual(want);
  });

  it('matches rules by name: changed action, changed condition, added, removed, moved', () => {
    const rules = DEFAULT_POLICY.rules;
    const changed = [
      { ...rules[1]!, action: { type: 'ban' as const, durationSeconds: 60 } }, // "threat", now first
      rules[0]!, // "repeat threats", now second: both moved
      ...rules.slice(2, 7),
      { ...rules[7]!, when: { minToxicity: 0.9 } }, // "severe"
      { name: 'self harm', when: { scores: { self_harm: 0.6 } }, action: { type: 'none' as const } },
    ];
    const out = lines(file(), file({ default: { ...DEFAULT_POLICY, rules: changed } }));
    expect(out).toEqual(
      expect.arrayContaining([
        'default: rules["first offence"] removed (was {"name":"first offence","when":{},"action":{"type":"warn"}})',
        'default: rules["threat"].action {"type":"kick"} → {"type":"ban","durationSeconds":60}',
        'default: rules["threat"] moved from position 2 to 1',
        'default: rules["repeat threats"] moved from position 1 to 2',
        'default: rules["severe"].when {"minToxicity":0.95} → {"minToxicity":0.9}',
        'default: rules["self harm"] added ({"name":"self harm","when":{"scores":{"self_harm":0.6}},"action":{"type":"none"},"position":9})',
      ]),
    );
    expect(out).toHaveLength(6);
  });

  it('compares each game as it effectively is: a default change shows under every game that inherits it', () => {
    const before = file({ games: { arena: { moderationDeadlineSeconds: 60 }, kids: { onDeadline: 'hold' } } });
    const after = file({ default: { ...DEFAULT_POLICY, offenceWindowSeconds: 3600 }, games: { arena: { moderationDeadlineSeconds: 60 }, kids: { onDeadline: 'hold' } } });
    expect(lines(before, after)).toEqual([
      'default: offenceWindowSeconds 86400 → 3600',
      'arena: offenceWindowSeconds 86400 → 3600',
      'kids: offenceWindowSeconds 86400 → 3600',
    ]);
  });

  it('a game override that only restates the default changes nothing for that game', () => {
    const after = file({ games: { arena: { moderationDeadlineSeconds: 300 } } });
    expect(lines(file(), after)).toEqual(['arena: (override) added']);
  });
});

describe('policyProblems and policyWarnings', () => {
  it('lists every problem with its path', () => {
    const { file: parsed, problems } = policyProblems({ default: { rules: [], onDeadline: 'never', holdSeconds: -1 } });
    expect(parsed).toBeUndefined();
    expect(problems.join('\n')).toMatch(/default\.rules/);
    expect(problems.join('\n')).toMatch(/default\.onDeadline/);
    expect(problems.join('\n')).toMatch(/default\.holdSeconds/);
  });

  it('rejects a category name that is not one, accepts one no model reports yet', () => {
    expect(policyProblems({ default: { rules: [{ name: 'r', when: { scores: { 'Self Harm': 0.5 } }, action: { type: 'warn' } }] } }).problems.join()).toMatch(/scores/);
    expect(policyProblems({ default: { rules: [{ name: 'r', when: { scores: { self_harm: 0.5 } }, action: { type: 'warn' } }] } }).problems).toEqual([]);
  });

  it('warns about what is valid but probably not meant', () => {
    const warnings = policyWarnings(
      file({
        default: { ...DEFAULT_POLICY, rules: [{ name: 'self harm', when: { scores: { self_harm: 0.5 } }, action: { type: 'mute' } }] },
        games: { arena: { holdSeconds: 60 }, fast: { routing: { okBelow: 0.5, toxicFrom: 0.5 } } },
      }),
      // As a service whose models predate the self_harm head (0.2) would read it.
      ['insult', 'profanity', 'identity_hate', 'threat', 'sexual'],
    );
    expect(warnings.join('\n')).toMatch(/no model in service reports the category "self_harm"/);
    expect(warnings.join('\n')).toMatch(/a mute without durationSeconds/);
    expect(warnings.join('\n')).toMatch(/default: no catch-all rule/);
    expect(warnings.join('\n')).toMatch(/games\.arena\.holdSeconds: set, but onDeadline is model/);
    expect(warnings.join('\n')).toMatch(/games\.fast\.routing: okBelow equals toxicFrom/);
    expect(policyWarnings(file(), ['insult', 'profanity', 'identity_hate', 'threat', 'sexual'])).toEqual([]);
  });

  it('hashes content, not key order', () => {
    const a = file({ games: { x: { moderationDeadlineSeconds: 60, onDeadline: 'allow' } } });
    const b = file({ games: { x: { onDeadline: 'allow', moderationDeadlineSeconds: 60 } } });
    expect(policyHash(a)).toBe(policyHash(b));
    expect(policyHash(a)).not.toBe(policyHash(file()));
  });
});
