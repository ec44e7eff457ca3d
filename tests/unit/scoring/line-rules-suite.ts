// One suite for every set of line rules (identity attacks, sexual harassment): each tripping line
// trips its rule, each harmless line trips none, and the one-search pre-check never rules out a
// line a rule matches.
import { expect, it } from 'vitest';
import type { LineRule } from '../../../shared/scoring/src/line-rules';
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
