// The rule layer's sexual harassment: requests for nudes, sexual acts aimed at the reader, creepy
// questions. Lines written for this test, not taken from models/eval (which stays evaluation data).
import { describe, expect, it } from 'vitest';
import { alarmRules } from '../../../shared/scoring/src/rules';
import { SEXUAL_RULES, sexualRules } from '../../../shared/scoring/src/sexual-rules';
import { appliedRulesSuite, lineRulesSuite } from './line-rules-suite';

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
  appliedRulesSuite({ tripping: 'noob, send nudes', harmless: 'show me your build', category: 'sexual', flag: 'sexualHarassment' });

  it.each(["i'll rape you", 'im gonna rape u', 'je vais te violer'])('%j is a threat alarm', (text) => {
    expect(alarmRules(text).kinds).toContain('threat');
  });
});
