// The rule layer's sexual harassment: requests for nudes, sexual acts aimed at the reader, creepy
// questions. Lines written for this test, not taken from models/eval (which stays evaluation data).
import { describe, expect, it } from 'vitest';
import { emptyCategories, type ToxicityScore } from '@sinbin/contract';
import { alarmRules, applyRules } from '../../../shared/scoring/src/rules';
import { SEXUAL_RULES, sexualRules } from '../../../shared/scoring/src/sexual-rules';
import { lineRulesSuite, toxicRouteUnderEveryBand } from './line-rules-suite';

const TRIPPING = [
  ['send nudes', 'ask for nudes'],
  ['SEND N00DS pls', 'ask for nudes'],
  ['send me ur boobs', 'ask for nudes'],
  ['show me your feet', 'show me'],
  ['wanna sext?', 'ask for sex'],
  ['do you want to have sex', 'ask for sex'],
  ['lick my toes', 'sex acts'],
  ['sit on my lap', 'sex acts'],
  ["i'd bang you", 'i will have you'],
  ['i wanna fuck you', 'i will have you'],
  ['imma smash ur mom', 'i will have you'],
  ['what r u wearing', 'creep'],
  ['are you horny', 'creep'],
  ['envoie des nudes', 'fr ask for nudes'],
  ['montre tes seins', 'fr ask for nudes'],
  ['tu veux baiser ?', 'fr ask for sex'],
] as const;
const HARMLESS = [
  'send help', 'send them mid', 'show me your build', 'show me the map', 'wanna play ranked', 'lets push bot', 'come mid',
  'sit on the point', 'blow up their base', 'that was a smash', 'i want to eat pizza', 'what are you playing', 'are you wet from the river lol',
  'knees weak arms heavy', 'envoie le stuff', 'montre ton build', 'je vais te carry', 'gg ez', '',
  // Threats and trash talk with the same verbs: the alarm rules' or the models' to read, not these.
  "i'll smash your face in", 'ill eat you alive', 'imma fuck you up', 'i will screw you over', 'ill fuck ur farm',
];

describe('sexualRules', () => {
  lineRulesSuite({ rules: SEXUAL_RULES, trips: sexualRules, tripping: TRIPPING, harmless: HARMLESS });
});

describe('applyRules with sexual harassment', () => {
  const score = (over: Partial<ToxicityScore> = {}): ToxicityScore => ({ toxicity: 0.1, categories: emptyCategories(), ...over });

  it.each([
    { toxicity: 0.1, sexual: 0.02, wantToxicity: 0.9, wantSexual: 0.9 },
    { toxicity: 0.99, sexual: 0.97, wantToxicity: 0.99, wantSexual: 0.97 },
  ])('raises toxicity $toxicity and sexual $sexual to at least 0.9, and never reads it as a taunt', ({ toxicity, sexual, wantToxicity, wantSexual }) => {
    const out = applyRules('noob, send nudes', score({ toxicity, categories: { ...emptyCategories(), sexual } }));
    expect(out.toxicity).toBe(wantToxicity);
    expect(out.categories.sexual).toBe(wantSexual);
    expect(out.sexualHarassment).toBe(true);
    expect(out.mildTaunt).toBeUndefined();
  });

  it('leaves a line without it unflagged', () => {
    expect(applyRules('show me your build', score()).sexualHarassment).toBeUndefined();
  });

  toxicRouteUnderEveryBand('send nudes');

  it.each(["i'll rape you", 'im gonna rape u', 'je vais te violer'])('%j is a threat alarm', (text) => {
    expect(alarmRules(text).kinds).toContain('threat');
  });
});
