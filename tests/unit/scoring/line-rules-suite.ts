// One suite for every set of line rules (identity attacks, sexual harassment): each tripping line
// trips its rule, each harmless line trips none, and the one-search pre-check never rules out a
// line a rule matches.
import { expect, it } from 'vitest';
import { emptyCategories, routeFast } from '@sinbin/contract';
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

/**
 * A line a rule set flags takes the toxic route under every band, for other languages too: a fast
 * version's band is chosen per version and may start above the rules' 0.9 floor, and the deep model
 * reads most of these lines as harmless.
 */
export function toxicRouteUnderEveryBand(line: string): void {
  it.each([
    { band: { okBelow: 0.145, toxicFrom: 0.9 }, analyse: false },
    { band: { okBelow: 0.145, toxicFrom: 0.98 }, analyse: false },
    { band: { okBelow: 0.145, toxicFrom: 0.9 }, analyse: true },
  ])(`${JSON.stringify(line)} takes the toxic route under band $band.toxicFrom, other language $analyse`, ({ band, analyse }) => {
    expect(routeFast(applyRules(line, { toxicity: 0.2, categories: emptyCategories() }), band, { analyse })).toBe('toxic');
  });
}
