// The rule layer's identity attacks: a group plus a hostile predicate about it. Lines written for
// this test, not taken from models/eval (which stays evaluation data).
import { describe } from 'vitest';
import { IDENTITY_RULES, identityAttackRules } from '../../../shared/scoring/src/identity-rules';
import { appliedRulesSuite, lineRulesSuite } from './line-rules-suite';

const TRIPPING = [
  ['refugees are vermin', 'group is vile'],
  ['Jews r all parasites', 'group is vile'],
  ['trans people are mentally ill', 'group is vile'],
  ['filthy mexicans everywhere', 'vile group'],
  ['shut up you dirty jew', 'vile one'],
  ['asians are not human', 'not people'],
  ['i hate muslims', 'hate group'],
  ['deport all the immigrants', 'harm group'],
  ['gays should burn', 'group should'],
  ['women should stay out of gaming', 'group should'],
  ['mexicans are taking over', 'group ruins'],
  ['ship them all back', 'send back'],
  ['go back to where you came from', 'go back to'],
  ['G0 B4CK T0 UR C0UNTRY', 'go back to'],
  ['get back in the kitchen', 'kitchen'],
  ['gg faggot team', 'slur'],
  ['ur a f4gg0t', 'slur'],
  ['girls cant aim lol', 'cannot play'],
  ['no arabs allowed in this clan', 'not welcome'],
  ["your kind isn't welcome here", 'not welcome'],
  ['sale arabe', 'fr vile one'],
  ["les arabes c'est des rats", 'fr group is vile'],
  ['retourne dans ton pays', 'fr go back'],
  ['retourne à la cuisine', 'fr kitchen'],
  ['les filles savent pas jouer', 'fr kitchen'],
] as const;
const HARMLESS = [
  'illegal immigrants', 'the refugees need our help', "women's finals were great", 'im gay and proud', 'jews celebrate hanukkah',
  'as a muslim i fast during ramadan', 'girls can play better than you', 'i love black people', 'russian servers are laggy', 'go back to base',
  'go back to the lane', 'we hate losing', 'my nigga carried', 'no homo but nice play', 'the kitchen map is the worst', 'kill the mages first', 'rats in the sewer level', 'gg ez', 'noob team', 'sale game', 'retourne à la base', 'les femmes sont fortes', 'va à la cuisine chercher à boire', '',
];

describe('identityAttackRules', () => {
  lineRulesSuite({ rules: IDENTITY_RULES, trips: identityAttackRules, tripping: TRIPPING, harmless: HARMLESS });
});

describe('applyRules with an identity attack', () => {
  appliedRulesSuite({ tripping: 'noob team, go back to your country', harmless: 'kill the carry first', category: 'identity_hate', flag: 'identityAttack' });
});
