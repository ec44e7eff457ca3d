// What the normaliser undoes (and what it must leave alone). Python parity is pinned separately
// by normalize-parity.test.ts; this table states the intended behaviour case by case.
import { describe, expect, it } from 'vitest';
import { collapseDoubles, normalizeText } from '../../../shared/scoring/src/normalize';

describe('normalizeText', () => {
  it.each([
    // case and whitespace
    ['GG WP', 'gg wp', 'lower case'],
    ['  gg \t\n wp  ', 'gg wp', 'whitespace runs become one space'],
    ['', '', 'empty text'],
    ['   ', '', 'whitespace only'],
    // leetspeak, only inside tokens that hold a Latin letter
    ['n00b', 'noob', 'digits read as letters'],
    ['1d10t', 'idiot', 'leading digit in a word'],
    ['sh1t', 'shit', 'one digit'],
    ['@ss', 'ass', 'symbol at the start'],
    ['$tupid', 'stupid', 'dollar as s'],
    ['b!tch', 'bitch', 'bang inside a word'],
    ['gg 2 ez 4 u', 'gg 2 ez 4 u', 'lone numbers stay numbers'],
    ['1v1 me', 'ivi me', 'digits inside a word with letters are read as letters'],
    ['2024', '2024', 'a year is not a word'],
    ['n00b!!!', 'noob', 'sentence punctuation at the edges is not leetspeak'],
    ['what?!', 'what', 'edge punctuation dropped'],
    // separators and spacing
    ['f.u.c.k', 'fuck', 'dots inside a word'],
    ['sh_it', 'shit', 'underscore inside a word'],
    ['f*ck', 'fck', 'asterisk dropped, not read'],
    ['f u c k you', 'fuck you', 'three or more spaced letters join'],
    ['i d i o t', 'idiot', 'spaced letters of a whole word'],
    ['a b', 'a b', 'two single letters stay apart'],
    ['i am a pro', 'i am a pro', 'single-letter words between longer ones stay'],
    // repeated letters
    ['fuuuuuck', 'fuuck', 'runs of three or more shrink to two'],
    ['noooob', 'noob', 'a long run'],
    ['good', 'good', 'doubles stay'],
    ['!!!!', '', 'a token of punctuation only disappears'],
    // look-alike Unicode
    ['ｆｕｃｋ', 'fuck', 'fullwidth letters (NFKC)'],
    ['ＧＧ　ＷＰ', 'gg wp', 'fullwidth letters and ideographic space'],
    ['fuсk', 'fuck', 'a Cyrillic с inside a Latin word'],
    ['іdіоt', 'idiot', 'Cyrillic і and о'],
    ['ЅНIТ', 'shit', 'upper-case Cyrillic look-alikes'],
    ['ιdιοt', 'idiot', 'Greek look-alikes'],
    ['𝐟𝐮𝐜𝐤', 'fuck', 'mathematical bold letters (NFKC)'],
    ['ⓕⓤⓒⓚ', 'fuck', 'circled letters (NFKC)'],
    // accents
    ['Café', 'cafe', 'acute accent'],
    ['fück', 'fuck', 'umlaut'],
    ['ñoob', 'noob', 'tilde'],
    ['straße', 'strasse', 'sharp s'],
    // other scripts are left alone
    ['привет', 'привет', 'pure Cyrillic with letters that have no Latin look-alike'],
    ['ИДИОТ', 'идиот', 'pure Cyrillic is only lower-cased'],
    ['σοφός', 'σοφος', 'Greek word: accents go, letters stay'],
    ['こんにちは', 'こんにちは', 'Japanese'],
    ['你好 gg', '你好 gg', 'Chinese next to Latin'],
  ])('%j -> %j (%s)', (input, want) => {
    expect(normalizeText(input)).toBe(want);
  });

  it('maps a Cyrillic word made only of Latin look-alikes (pinned by the Python parity fixture)', () => {
    // "сука" is a real Russian word, but every letter has a Latin twin, so it is read as disguised Latin.
    expect(normalizeText('сука')).toBe('cyka');
    expect(normalizeText('сука блять')).toBe('cyka блять');
  });

  it('is idempotent', () => {
    for (const s of ['F.U.C.K   y0u!!!', 'ｆｕｃｋ', 'i d i o t', 'Café noooob', 'fuсk', 'привет gg']) {
      const once = normalizeText(s);
      expect(normalizeText(once), s).toBe(once);
    }
  });
});

describe('collapseDoubles', () => {
  it.each([
    ['fuuck', 'fuck'],
    ['noob', 'nob'],
    ['aaa', 'a'],
    ['abc', 'abc'],
    ['', ''],
  ])('%j -> %j', (input, want) => {
    expect(collapseDoubles(input)).toBe(want);
  });
});
