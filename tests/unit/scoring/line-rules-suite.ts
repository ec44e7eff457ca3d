// One suite for every set of line rules (identity attacks, sexual harassment): each tripping line
// trips its rule, each harmless line trips none, and the one-search pre-check never rules out a
// line a rule matches.
import { expect, it } from 'vitest';
import { emptyCategories, routeFast, type ToxicityScore } from '@sinbin/contract';
import type { LineRule } from '../../../shared/scoring/src/line-rules';
import { applyRules } from '../../../shared/scoring/src/rules';
import { normalizeText } from '../../../shared/scoring/src/normalize';
import { labelledChat } from './helpers';

export interface LineRulesCase {
  rules: readonly LineRule[];
  /** The function under test: rule names a normalised line trips. */
  trips: (normalised: string) => string[];
  tripping: readonly (readonly [text: string, rule: string])[];
  harmless: readonly string[];
}

export function lineRulesSuite({ rules, trips, tripping, harmless }: LineRulesCase): void {
  it.each(tripping)('%j trips %s', (text, rule) => {
    expect(trips(normalizeText(text))).toContain(rule);
  });

  it.each(harmless)('%j trips nothing', (text) => {
    expect(trips(normalizeText(text))).toEqual([]);
  });

  it('its one-search pre-check never rules out a line a rule matches', () => {
    const lines = [...tripping.map(([t]) => t), ...harmless, ...labelledChat().map((l) => l.text)].flatMap((l) => [l, `lol ${l}`, `${l} gg`, l.toUpperCase()]);
    for (const text of lines) {
      const normalised = normalizeText(text);
      expect(trips(normalised).length > 0, text).toBe(rules.some((r) => r.pattern.test(normalised)));
    }
  });
}

export interface AppliedRulesCase {
  /** A line that trips the set, with a mild taunt in it ("noob, ..."): the rule wins over the taunt. */
  tripping: string;
  /** A line that trips nothing. */
  harmless: string;
  category: 'identity_hate' | 'sexual';
  flag: 'identityAttack' | 'sexualHarassment';
}

/**
 * applyRules with a rule set: the line is flagged, its toxicity and category raised to at least
 * 0.9 (a higher model score stands), it is never a mild taunt, and it takes the toxic route under
 * every band; a harmless line keeps its score as it was.
 */
export function appliedRulesSuite({ tripping, harmless, category, flag }: AppliedRulesCase): void {
  const score = (toxicity: number, categoryScore: number): ToxicityScore => ({ toxicity, categories: { ...emptyCategories(), [category]: categoryScore } });
  it.each([
    { toxicity: 0.1, categoryScore: 0.02, wantToxicity: 0.9, wantCategory: 0.9 },
    { toxicity: 0.98, categoryScore: 0.95, wantToxicity: 0.98, wantCategory: 0.95 },
  ])(`raises toxicity $toxicity and ${category} $categoryScore to at least 0.9, flags ${flag}, and never reads it as a taunt`, ({ toxicity, categoryScore, wantToxicity, wantCategory }) => {
    const out = applyRules(tripping, score(toxicity, categoryScore));
    expect(out).toMatchObject({ toxicity: wantToxicity, [flag]: true });
    expect(out.categories[category]).toBe(wantCategory);
    expect(out.mildTaunt).toBeUndefined();
  });

  it(`leaves ${JSON.stringify(harmless)} as it was`, () => {
    const s = score(0.2, 0.01);
    const out = applyRules(harmless, s);
    expect(out[flag]).toBeUndefined();
    expect(out.categories).toBe(s.categories);
  });

  // A fast version's band is chosen per version and may start above the rules' 0.9 floor, and the
  // deep model reads most of these lines as harmless.
  it.each([
    { band: { okBelow: 0.145, toxicFrom: 0.9 }, analyse: false },
    { band: { okBelow: 0.145, toxicFrom: 0.98 }, analyse: false },
    { band: { okBelow: 0.145, toxicFrom: 0.9 }, analyse: true },
  ])(`${JSON.stringify(tripping)} takes the toxic route under band $band.toxicFrom, other language $analyse`, ({ band, analyse }) => {
    expect(routeFast(applyRules(tripping, score(0.2, 0.01)), band, { analyse })).toBe('toxic');
  });
}
