// language-reader.ts must read every line as eld 2.1.0 does (restricted to en and fr): the same
// language and the same score, bit for bit. Compared here with eld's own detector on the eval
// sets, on edge cases of eld's tokeniser, and on generated lines of mixed scripts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eld } from 'eld/large';
import { describe, expect, it } from 'vitest';
import { ROUTED_LANGUAGES } from '@sinbin/contract';
import { eldData } from '../../../shared/scoring/src/eld-data';
import { asciiSeparated, createLanguageReader, type EldData } from '../../../shared/scoring/src/language-reader';
import { REPO } from './helpers';

const detector = eld.newInstance();
detector.setLanguageSubset([...ROUTED_LANGUAGES]);
const reader = createLanguageReader(eldData, ROUTED_LANGUAGES);

function viaEld(text: string): { code: string; score: number } {
  const result = detector.detect(text);
  return { code: result.language, score: result.language ? (result.getScores()[result.language] ?? 0) : 0 };
}

/** Lines eld's reading disagrees with ours on, at most 5 of them. */
function disagreements(lines: readonly string[]): { text: string; eld: unknown; ours: unknown }[] {
  const out: { text: string; eld: unknown; ours: unknown }[] = [];
  for (const text of lines) {
    const a = viaEld(text);
    const b = reader.read(text);
    if (a.code !== b.code || !Object.is(a.score, b.score)) out.push({ text, eld: a, ours: b });
    if (out.length >= 5) break;
  }
  return out;
}

/** A deterministic generator (mulberry32), so a failure names a reproducible line. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('createLanguageReader', () => {
  it('reads the eval sets as eld does', () => {
    const dir = join(REPO, 'models', 'eval');
    const lines = readdirSync(dir).filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text));
    expect(lines.length).toBeGreaterThan(1000);
    expect(disagreements(lines)).toEqual([]);
  });

  it.each([
    ['an empty line', ''],
    ['only separators', '!!! 123 ...'],
    ['one letter', 'a'],
    ['three letters, eld\'s special case', 'lol'],
    ['four letters', 'ptdr'],
    ['apostrophes kept inside and after words', "t'es nul, l' équipe don't ''' `x`"],
    ['a repeated word counted once', 'noob noob noob noob'],
    ['accents and ligatures', 'ÉLÈVE cœur façon naïve Straße'],
    ['a word of exactly 70 bytes', 'b'.repeat(70)],
    ['a word past 70 bytes (eld\'s long last n-gram)', `les ${'x'.repeat(75)} sont`],
    ['a long accented word', 'é'.repeat(50)],
    ['cut at the first space past 350 bytes', 'the cat sat on the mat '.repeat(30)],
    ['cut after any character past 380 bytes', `${'anticonstitutionnellement'.repeat(20)} les`],
    ['emoji and astral letters', 'gg 😀 𝐀𝐁𝐂 wp 🖕'],
    ['lone surrogates', 'ab\ud83d cd \ude00ef gh\ud83d'],
    ['other scripts', 'привет мир 你好 こんにちは مرحبا'],
    ['tabs and line breaks', 'ferme\tta\nbouche'],
    ['a dotted capital I (lower-cases to two characters)', 'İstanbul İÇİN'],
  ])('%s', (_name, text) => {
    expect(disagreements([text])).toEqual([]);
  });

  it('reads 20,000 generated lines of mixed scripts, separators and lengths as eld does', () => {
    const next = random(20261206);
    const pieces = ['a', 'e', 'é', 'è', 'ç', 'ß', 'œ', ' ', ' ', "'", '’', '`', '1', '.', '!', '-', 'Ж', '中', '😀', '\ud83d', '\ude00', 'İ', 'ǅ',
      'the', 'les', 'ment', 'tion', 'ing', ' de ', 'qu', '\t', 'Ö', 'ñ', '𝐀', 'x'.repeat(72), 'ça va', ' you ', 'nul'];
    const lines = Array.from({ length: 20_000 }, (_, i) => {
      const n = i % 100 === 0 ? 300 : Math.floor(next() * 40);
      let s = '';
      for (let k = 0; k < n; k++) s += pieces[Math.floor(next() * pieces.length)];
      return s;
    });
    expect(disagreements(lines)).toEqual([]);
  });

  it('refuses a database without a routed language', () => {
    const data: EldData = { ...eldData, languages: { 0: 'de' } };
    expect(() => createLanguageReader(data, ['en', 'fr'])).toThrow(/lacks/);
  });
});

describe('the ASCII fast path', () => {
  const slow = createLanguageReader(eldData, ROUTED_LANGUAGES, { asciiFastPath: false });
  const differences = (lines: readonly string[]) =>
    lines.flatMap((text) => {
      const a = slow.read(text);
      const b = reader.read(text);
      return a.code === b.code && Object.is(a.score, b.score) ? [] : [{ text, slow: a, fast: b }];
    }).slice(0, 5);
  /** The line eld's string steps make, against the fast path's bytes (undefined: not ASCII, left to the string steps). */
  const buf = new Uint8Array(1000);
  const lineDifferences = (lines: readonly string[]) =>
    lines.flatMap((text) => {
      const n = asciiSeparated(text, buf);
      // eld's own steps, spelled out (languageDetector.js textProcessor), on what read() is given.
      const expected = text.substring(0, 1000).replace(eldData.separators, ' ').trim().toLowerCase();
      const got = n < 0 ? undefined : String.fromCharCode(...buf.subarray(0, n));
      if (n < 0 && [...text.substring(0, 1000)].every((ch) => ch.charCodeAt(0) < 0x80)) return [{ text, expected, got: 'refused an ASCII line' }];
      return got === undefined || got === expected ? [] : [{ text, expected, got }];
    }).slice(0, 5);

  it.each([
    ['separators at both ends', '  !!hello world?? '],
    ['apostrophes ending a run are kept', "don't x!' y!!'' z'`'"],
    ['apostrophes at the start', "'''abc ``def"],
    ['a run of apostrophes only', "a'''b c```d"],
    ['an apostrophe then separators', "a'!b a' b"],
    ['a separator run at the start ending in an apostrophe', "!'abc"],
    ['a separator run at the end ending in an apostrophe', "abc!'"],
    ['only apostrophes', "'''"],
    ['capitals', 'GG WP EZ Noob'],
    ['the characters next to the letters', '@A[Z`a{z'],
    ['digits and symbols', 'n00b 1v1 m8 $hit'],
    ['control characters', 'a\u0000b\u001fc\u007fd'],
    ['a space run crossing the 350-byte cut', `${'ab '.repeat(116)}abcd  efgh ijkl`],
    ['a word crossing the 380-byte cut', `${'a'.repeat(378)}bcdef ghi`],
    ['past 1,000 characters', `${'word '.repeat(199)}abcdefgh`],
    ['ASCII then a non-ASCII character late', `${'les gens '.repeat(10)}é`],
    ['ASCII then a non-ASCII separator', 'hello\u00a0world'],
    ['a right single quote (not ASCII)', 'don\u2019t'],
    ['spaces around the 350-byte cut', `${'a'.repeat(349)} b c d e`],
    ['a space just past the 350-byte cut', `${'a'.repeat(350)} b c d e`],
    ['a space at the 380-byte cut', `${'abcdefghi '.repeat(37)}${'a'.repeat(9)} bcdef`],
  ])('%s: as the string steps read it', (_name, text) => {
    expect(lineDifferences([text])).toEqual([]);
    expect(differences([text])).toEqual([]);
    expect(disagreements([text])).toEqual([]);
  });

  it('reads 20,000 generated ASCII lines as the string steps and eld do', () => {
    const next = random(7);
    const pieces = [' ', ' ', '  ', "'", '`', "''", '!', '.', '?', '1', '0', '-', '_', '@', '[', '{', '\t', '\n', 'A', 'Z', 'a', 'z', 'e', 'the', 'les',
      'de', 'qu', "l'", "don't", 'GG', 'noob', 'EZ', 'x'.repeat(72), 'lol', 'ptdr', 'ça', 'é'];
    const lines = Array.from({ length: 20_000 }, (_, i) => {
      const n = i % 50 === 0 ? 400 : Math.floor(next() * 30);
      let s = '';
      // Mostly ASCII; one line in five has a non-ASCII piece somewhere (the slow path).
      for (let k = 0; k < n; k++) s += pieces[Math.floor(next() * (i % 5 === 0 ? pieces.length : pieces.length - 2))];
      return s;
    });
    expect(lineDifferences(lines)).toEqual([]);
    expect(differences(lines)).toEqual([]);
    expect(disagreements(lines)).toEqual([]);
  });
});
