import { describe, expect, it } from 'vitest';
import { createMasker, mergeSpans, worstTerms } from '@sinbin/scoring/terms';

const mask = createMasker({ minWeight: 0.8 });
const masked = (text: string) => mask(text).map((s) => text.slice(s.start, s.end));

describe('createMasker', () => {
  it.each([
    { text: 'gg wp', want: [] },
    { text: 'you are trash noob', want: [], why: 'mild insults stay readable' },
    { text: 'go back to your country you subhuman', want: ['go back to your country', 'subhuman'] },
    { text: 'uninstall f4gg0t', want: ['f4gg0t'], why: 'leetspeak' },
    { text: 'k y s now', want: ['k y s'], why: 'spelt out letter by letter' },
    { text: 'kill yourself lol', want: ['kill yourself'], why: 'a phrase' },
    { text: 'KYS!!!', want: ['KYS!!!'], why: 'case and punctuation: the whole written word' },
    { text: 'assassin cocktail therapist Scunthorpe', want: [], why: 'no hit inside innocent words for exact and prefix terms' },
    { text: 'ѕubhuman', want: ['ѕubhuman'], why: 'look-alike letters from other scripts' },
  ])('$text -> $want', ({ text, want }) => {
    expect(masked(text)).toEqual(want);
  });

  it('gives UTF-16 offsets into the original text', () => {
    const text = '🙂 kys';
    expect(mask(text)).toEqual([{ start: 3, end: 6 }]);
  });

  it('masks more with a lower cut', () => {
    expect(masked('you bitch')).toEqual([]);
    expect(createMasker({ minWeight: 0.7 })('you bitch').length).toBe(1);
    expect(worstTerms(0.8).every((t) => t.weight >= 0.8)).toBe(true);
  });
});

describe('mergeSpans', () => {
  it('sorts and joins overlapping or touching spans', () => {
    expect(mergeSpans([{ start: 10, end: 12 }, { start: 0, end: 3 }, { start: 2, end: 5 }, { start: 5, end: 6 }])).toEqual([
      { start: 0, end: 6 },
      { start: 10, end: 12 },
    ]);
  });
});
