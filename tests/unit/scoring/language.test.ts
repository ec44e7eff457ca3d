// Language detection (eld, en+fr) and the routing rule of bench/lang/RESULTS.md.
import { describe, expect, it } from 'vitest';
import { FRENCH_RULE, routeLanguage } from '@sinbin/contract';
import { detectLanguage } from '../../../shared/scoring/src/language';

describe('detectLanguage', () => {
  it.each([
    ['ferme ta bouche, espèce de nul', 'fr'],
    ['please stop feeding the enemy carry', 'en'],
    ['', 'und'],
    ['🔥🔥🔥', 'und'],
    ['1234 5678', 'und'],
  ])('%j -> %s', (text, code) => {
    const d = detectLanguage(text);
    expect(d.code).toBe(code);
    expect(d.confidence).toBeGreaterThanOrEqual(0);
    expect(d.confidence).toBeLessThanOrEqual(1);
  });

  it('reads only the start of a very long line, and never throws', () => {
    expect(detectLanguage('a'.repeat(20_000)).confidence).not.toBeNaN();
  });
});

describe('routeLanguage', () => {
  it.each([
    { text: 'ferme ta bouche', detected: { code: 'fr', confidence: 0.6 }, want: 'fr', why: 'the confidence floor is inclusive' },
    { text: 'ferme ta bouche', detected: { code: 'fr', confidence: 0.59 }, want: 'en', why: 'below the confidence floor' },
    { text: 'lol', detected: { code: 'fr', confidence: 0.9 }, want: 'en', why: 'fewer letters than the floor' },
    { text: 'tg!!', detected: { code: 'fr', confidence: 0.9 }, want: 'en', why: 'punctuation is not letters' },
    { text: 'mdr!', detected: { code: 'fr', confidence: 0.9 }, want: 'en', why: 'three letters' },
    { text: 'ptdr', detected: { code: 'fr', confidence: 0.9 }, want: 'fr', why: 'four letters' },
    { text: 'push mid', detected: { code: 'en', confidence: 0.9 }, want: 'en', why: 'English' },
    { text: 'push mid', detected: undefined, want: 'en', why: 'no reading (events before 0.3)' },
  ])('$why', ({ text, detected, want }) => {
    expect(routeLanguage(text, detected, FRENCH_RULE)).toBe(want);
  });
});
