// The moderator UI's pure parts (ui/src/format.ts, ui/src/keys.ts, ui/src/term-text.ts); the screens themselves are
// tested in chromium (tests/browser).
import { describe, expect, it } from 'vitest';
import { assignSpeakers, describeAudit, formatAge, formatCountdown, highlightSegments, initials, routedBecause, severityLevel, topCategory } from '../../../../ui/src/format';
import { commandFor, SHORTCUTS } from '../../../../ui/src/keys';
import { entriesToText, textToEntries } from '../../../../ui/src/term-text';

describe('format', () => {
  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [3_600_000, '1h'],
    [3_900_000, '1h 5m'],
    [90_000_000, '1d'],
  ])('formatAge(%d) = %s', (ms, text) => expect(formatAge(ms)).toBe(text));

  it.each([
    [-5, '0:00'],
    [4_001, '0:05'],
    [120_000, '2:00'],
    [7_500_000, '2h 5m'],
  ])('formatCountdown(%d) = %s', (ms, text) => expect(formatCountdown(ms)).toBe(text));

  it('marks the evidence words in the message, case-insensitively', () => {
    expect(highlightSegments('Uninstall the game, waste of oxygen', ['waste of oxygen', 'uninstall'])).toEqual([
      { text: 'Uninstall', evidence: true },
      { text: ' the game, ', evidence: false },
      { text: 'waste of oxygen', evidence: true },
    ]);
    expect(highlightSegments('n00b', ['noob'])).toEqual([{ text: 'n00b', evidence: false }]);
    expect(highlightSegments('text', [])).toEqual([{ text: 'text', evidence: false }]);
  });

  it('gives the reported player the first colour and others the rest, in order', () => {
    const slots = assignSpeakers(['a', 'target', 'b', 'a', undefined, 'c'], 'target', 3);
    expect([...slots]).toEqual([
      ['target', 0],
      ['a', 1],
      ['b', 2],
      ['c', 1],
    ]);
  });

  it('names things', () => {
    expect(initials('wraith_king_77')).toBe('WK');
    expect(initials('bob')).toBe('BO');
    expect(severityLevel(0.8)).toBe('high');
    expect(severityLevel(0.5)).toBe('medium');
    expect(severityLevel(0.2)).toBe('low');
    expect(topCategory({ categories: { insult: 0.1, profanity: 0.2, identity_hate: 0, threat: 0.6, sexual: 0 } })).toBe('threat');
    expect(describeAudit('verdict', { verdict: 'block', category: 'identity_hate', action: { type: 'mute', durationSeconds: 600 }, note: 'slur' })).toBe(
      'block · identity hate · mute 10m — “slur”',
    );
  });
});

describe('keys', () => {
  it.each([
    ['j', 'next'],
    ['ArrowDown', 'next'],
    ['K', 'prev'],
    ['a', 'allow'],
    ['b', 'block'],
    ['u', 'undo'],
    ['?', 'help'],
  ])('%s -> %s', (key, kind) => expect(commandFor({ key })?.kind).toBe(kind));

  it('maps 1-6 to the categories and leaves modified keys to the browser', () => {
    expect(commandFor({ key: '4' })).toEqual({ kind: 'block-as', category: 'threat' });
    expect(commandFor({ key: '6' })).toEqual({ kind: 'block-as', category: 'self_harm' });
    expect(commandFor({ key: '7' })).toBeUndefined();
    expect(commandFor({ key: 'a', ctrlKey: true })).toBeUndefined();
    expect(commandFor({ key: 'r', metaKey: true })).toBeUndefined();
  });

  it('documents every shortcut it knows', () => {
    const documented = SHORTCUTS.flatMap((s) => s.keys.split(' / ').map((k) => k.trim()));
    for (const key of ['J', 'K', 'Enter', 'A', 'B', '1', '5', 'U', 'R', 'E', 'N', '.', '?']) expect(documented).toContain(key);
  });
});

describe('routedBecause', () => {
  it.each([
    ['low-confidence', /unsure/],
    ['model-unavailable', /unavailable/],
    ['alarm', /threat, self-harm encouragement or doxxing/],
  ] as const)('%s -> %s', (reason, want) => {
    expect(routedBecause(reason)).toMatch(want);
  });
});

describe('term lists as text', () => {
  it.each([
    ['scrub', [{ term: 'scrub' }]],
    ['  scrub  \n\n i will find you | threat ', [{ term: 'scrub' }, { term: 'i will find you', category: 'threat' }]],
    // Not a category: the whole line is the term (the server judges it).
    ['rock | paper', [{ term: 'rock | paper' }]],
    ['a|b | insult', [{ term: 'a|b', category: 'insult' }]],
  ])('block %j', (text, entries) => expect(textToEntries(text, true, [])).toEqual(entries));

  it('keeps no category on the allow list, and a known entry keeps its note', () => {
    expect(textToEntries('kill | threat', false, [])).toEqual([{ term: 'kill | threat' }]);
    expect(textToEntries('kill', false, [{ term: 'kill', note: 'a weapon' }])).toEqual([{ term: 'kill', note: 'a weapon' }]);
  });

  it('round-trips through the text areas: an unedited list saves as the same list', () => {
    const block = [{ term: 'scrub' }, { term: 'noob', category: 'profanity' as const }, { term: 'i will find you', category: 'threat' as const }];
    expect(entriesToText(block, true)).toBe('scrub\nnoob | profanity\ni will find you | threat');
    expect(textToEntries(entriesToText(block, true), true, block)).toEqual(block);
  });
});
