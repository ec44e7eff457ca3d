// The rule layer beside the fast model: alarms (threats, self-harm encouragement, doxxing) and
// mild taunts. Lines written for this test, not taken from models/eval (which stays evaluation data).
import { describe, expect, it } from 'vitest';
import { emptyCategories, type ToxicityScore } from '@sinbin/contract';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { normalizeText } from '../../../shared/scoring/src/normalize';
import { ALARM_RULES, alarmRules, applyRules, isMildTaunt, mayTripAlarm } from '../../../shared/scoring/src/rules';
import { FIXTURES, labelledChat } from './helpers';

const ALARMING = [
  'kys', 'K . Y . S', 'just k1ll urs3lf m8', 'go hang yourself loser', 'va te pendre', 'i know where u live', "i'm gonna stab you irl",
  'hope your whole family dies', 'getting you swatted tonight', 'whats ur home address', 'his ip is 198.51.100.7', 'tell me your real name',
  'kill yourself on the spikes to respawn at base', 'where do you live on the map', 'go die', 'an hero', 'drink bleach', 'jump off a bridge',
  'slit ur wrists', 'uninstall your life', 'nobody would miss you', 'jte bute', 'meet me outside', 'ddos you', 'send me a pic',
  'i found your school', 'you live near the park', '🔪🏠', '👀 🔪', "i'll kill you irl, not next round", 'i will kill you next round, watch',
];
const QUIET = ['kill the tank first', 'headshot him', 'sky looks great tonight', 'what is your ign', 'this boss keeps killing me', '', '🙂🙂🙂', 'gg ez', 'noob team'];

describe('mayTripAlarm (the one-search pre-check of alarmRules)', () => {
  // Every line of these tables, the fixtures and the rule tests, and each with game or real-life words around it.
  const parity = JSON.parse(readFileSync(resolve(FIXTURES, 'normalize-parity.json'), 'utf8')) as { cases: { input: string }[] };
  const parityLines = parity.cases.map((c) => c.input);
  const lines = [...ALARMING, ...QUIET, ...labelledChat().map((l) => l.text), ...parityLines]
    .flatMap((l) => [l, `lol ${l}`, `${l} next round`, `${l} irl`, l.toUpperCase()]);

  it.each(lines)('%j: true exactly when one of the rules matches', (text) => {
    const normalised = normalizeText(text);
    const anyRule = ALARM_RULES.some((rule) => rule.pattern.test(rule.raw ? text : normalised));
    expect(mayTripAlarm(text, normalised)).toBe(anyRule);
  });

  it.each(['v1.2 patch', 'at 3.5 kd', 'ip 10.0.0', 'ip 10.0.0.1', '1.2.3.4.5', '🔪', '🔪 🏠', 'x🔪y👀', '🏠...🔪', 'no digits. here', '9.'])(
    '%j: the raw rules\' pre-check (a digit then a dot, or the knife) keeps every raw match', (text) => {
      const normalised = normalizeText(text);
      expect(mayTripAlarm(text, normalised)).toBe(ALARM_RULES.some((rule) => rule.pattern.test(rule.raw ? text : normalised)));
    });

  it('has a pre-check for each raw rule: a new raw rule needs its own', () => {
    // rules.ts skips the raw patterns unless the line has a digit followed by a dot or the knife emoji.
    expect(ALARM_RULES.filter((rule) => rule.raw).map((rule) => rule.name)).toEqual(['ip address', 'knife emoji']);
  });

  it('flags every line the alarm table alarms on', () => {
    for (const text of ALARMING) expect(mayTripAlarm(text, normalizeText(text)), text).toBe(true);
  });
});

describe('alarmRules', () => {
  it.each([
    { text: 'kys', kinds: ['self_harm'] },
    { text: 'K . Y . S', kinds: ['self_harm'] },
    { text: 'just k1ll urs3lf m8', kinds: ['self_harm'] },
    { text: 'go hang yourself loser', kinds: ['self_harm'] },
    { text: 'va te pendre', kinds: ['self_harm'] },
    { text: 'i know where u live', kinds: ['threat'] },
    { text: "i'm gonna stab you irl", kinds: ['threat'] },
    { text: 'hope your whole family dies', kinds: ['threat'] },
    { text: 'getting you swatted tonight', kinds: ['threat'] },
    { text: 'whats ur home address', kinds: ['doxxing'] },
    { text: 'his ip is 198.51.100.7', kinds: ['doxxing'] },
    { text: 'tell me your real name', kinds: ['doxxing'] },
    { text: 'grab a rope already', kinds: ['self_harm'] },
    { text: 'tie urself a noose and do it', kinds: ['self_harm'] },
    { text: 'found ur twitch, gonna raid and spam it all week', kinds: ['threat'] },
    { text: 'isnt ur name john smith from ohio', kinds: ['doxxing'] },
    { text: 'swallow the whole bottle of sleeping pills already', kinds: ['self_harm'] },
    { text: 'go overdose', kinds: ['self_harm'] },
    { text: "j'espère que tu attrapes un cancer", kinds: ['threat'] },
    { text: 'your name is sarah jones from texas right', kinds: ['doxxing'] },
  ])('$text -> $kinds', ({ text, kinds }) => {
    expect(alarmRules(text).kinds).toEqual(kinds);
    expect(alarmRules(text).rules.length).toBeGreaterThan(0);
  });

  it.each([
    'kill the tank first',
    'i will kill you next round, watch',
    'kill yourself on the spikes to respawn at base',
    'headshot him',
    'sky looks great tonight',
    'what is your ign',
    'where do you live on the map',
    'this boss keeps killing me',
    '',
    '🙂🙂🙂',
    'bring a rope for the cliff',
    'tie the rope to the anchor first',
    'found your stream, great content',
    'isnt your name on the leaderboard yet',
    'your name is too long for the scoreboard',
    'take the pills from the medkit',
    'i swallow my pride and queue again',
  ])('%j raises no alarm', (text) => {
    expect(alarmRules(text)).toEqual({ kinds: [], rules: [] });
  });

  it('says irl even in game words: the game context does not hide a real-life threat', () => {
    expect(alarmRules("i'll kill you irl, not next round").kinds).toEqual(['threat']);
  });
});

describe('isMildTaunt', () => {
  it.each([
    ['gg ez', true],
    ['ez clap noobs', true],
    ['uninstall pls', true],
    ['skill issue', true],
    ['retourne en bronze', true],
    ['gg ez you fucking idiot', false],
    ['noob team, kys', false],
    ['nice game everyone', false],
    ['', false],
    ['noob '.repeat(30), false],
  ])('%j -> %s', (text, want) => {
    expect(isMildTaunt(text)).toBe(want);
  });
});

describe('applyRules', () => {
  const score = (over: Partial<ToxicityScore> = {}): ToxicityScore => ({ toxicity: 0.1, categories: emptyCategories(), ...over });

  it('adds the rule alarm and raises the category policies act on', () => {
    const out = applyRules('kys', score());
    expect(out.alarm).toEqual({ kinds: ['self_harm'], by: ['rule'], rules: ['kys'] });
    expect(out.categories.self_harm).toBe(0.9);
    expect(out.toxicity).toBe(0.1);
  });

  it('counts doxxing as a threat for the policies', () => {
    expect(applyRules('send me your address', score()).categories.threat).toBe(0.9);
  });

  it('keeps the model alarm and adds the rules beside it', () => {
    const out = applyRules('i know where you live', score({ alarm: { kinds: ['threat'], by: ['model'] } }));
    expect(out.alarm?.by).toEqual(['model', 'rule']);
  });

  it('marks a mild taunt, never one with an alarm', () => {
    expect(applyRules('gg ez', score()).mildTaunt).toBe(true);
    expect(applyRules('gg ez', score({ alarm: { kinds: ['threat'], by: ['model'] } })).mildTaunt).toBeUndefined();
  });

  it.each([
    ['\u{1F595}', true],
    ['gg ez \u{1F595}\u{1F3FB}', true],
    ['nice shot \u{1F44D}', false],
    ['\u{1F44C} push mid', false],
  ])('%j: an obscene gesture raises toxicity, insult and profanity to 0.95 and is no mild taunt (%s)', (text, gesture) => {
    const out = applyRules(text, score());
    expect(out.toxicity).toBe(gesture ? 0.95 : 0.1);
    expect(out.categories.insult).toBe(gesture ? 0.95 : 0);
    expect(out.categories.profanity).toBe(gesture ? 0.95 : 0);
    expect(out.obsceneGesture ?? false).toBe(gesture);
    if (gesture) {
      expect(out.mildTaunt).toBeUndefined();
      expect(isMildTaunt(text)).toBe(false);
    }
  });

  it('keeps a higher model score under a gesture', () => {
    expect(applyRules('\u{1F595}', score({ toxicity: 0.99 })).toxicity).toBe(0.99);
  });

  /** applyRules as it was written before its fast path (conditional spreads, findings always built): the oracle. */
  function formerApplyRules(text: string, s: ToxicityScore): ToxicityScore {
    const normalised = normalizeText(text);
    const findings = alarmRules(text, normalised);
    const gesture = text.includes('\u{1F595}');
    const categories = findings.kinds.length > 0 || gesture ? { ...s.categories } : s.categories;
    for (const kind of findings.kinds) {
      const c = kind === 'self_harm' ? 'self_harm' : 'threat';
      categories[c] = Math.max(categories[c], 0.9);
    }
    if (gesture) {
      categories.insult = Math.max(categories.insult, 0.95);
      categories.profanity = Math.max(categories.profanity, 0.95);
    }
    const toxicity = gesture ? Math.max(s.toxicity, 0.95) : s.toxicity;
    const kinds = new Set([...(s.alarm?.kinds ?? []), ...findings.kinds]);
    const alarm = !s.alarm && findings.kinds.length === 0 ? undefined : {
      kinds: (['threat', 'self_harm', 'doxxing'] as const).filter((k) => kinds.has(k)),
      by: [...new Set([...(s.alarm?.by ?? []), ...(findings.kinds.length ? ['rule' as const] : [])])],
      ...([...(s.alarm?.rules ?? []), ...findings.rules].length ? { rules: [...(s.alarm?.rules ?? []), ...findings.rules].slice(0, 16) } : {}),
    };
    const mildTaunt = !alarm && !gesture && isMildTaunt(text);
    return { ...s, toxicity, categories, ...(alarm ? { alarm } : {}), ...(mildTaunt ? { mildTaunt } : {}), ...(gesture ? { obsceneGesture: true } : {}) };
  }

  it.each([...ALARMING, ...QUIET, 'gg ez', 'gg ez \u{1F595}', 'noob 198.51.100.7', ...labelledChat().map((l) => l.text)])(
    '%j: the same score, with its keys in the same order, as the former applyRules', (text) => {
      for (const s of [score(), score({ alarm: { kinds: ['threat'], by: ['model'] } }), score({ confidence: 0.5, mildTaunt: true }), score({ toxicity: 0.97 })]) {
        const got = applyRules(text, s);
        const expected = formerApplyRules(text, s);
        expect(got).toEqual(expected);
        expect(Object.keys(got)).toEqual(Object.keys(expected));
      }
    });

  it('leaves a clean line as it was', () => {
    expect(applyRules('push mid', score())).toEqual(score());
  });

  it.each([...ALARMING, ...QUIET, 'gg ez', 'ez clap noobs', 'gg ez you fucking idiot', 'retourne en bronze', ...labelledChat().map((l) => l.text)])(
    '%j: the same with the caller\'s normalised text, and marks a mild taunt exactly as isMildTaunt does',
    (text) => {
      const out = applyRules(text, score());
      expect(applyRules(text, score(), normalizeText(text))).toEqual(out);
      expect(out.mildTaunt ?? false).toBe(!out.alarm && isMildTaunt(text));
    },
  );
});
