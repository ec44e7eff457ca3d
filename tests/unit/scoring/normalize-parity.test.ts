import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { featureIds, normalizeForFeatures, type HashingConfig } from '../../../shared/scoring/src/fast-features';
import { normalizeText } from '../../../shared/scoring/src/normalize';
import { FIXTURES } from './helpers';

interface ParityFixture {
  hashing: HashingConfig;
  cases: { input: string; normalized: string; featureIds: number[] }[];
}

const fixture = JSON.parse(readFileSync(resolve(FIXTURES, 'normalize-parity.json'), 'utf8')) as ParityFixture;

describe('normalisation and hashing parity with the Python trainer', () => {
  it('has a varied fixture', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(fixture.cases.map((c) => [c.input, c] as const))('normalizes %j like Python', (_, c) => {
    expect(normalizeText(c.input)).toBe(c.normalized);
    expect(normalizeForFeatures(c.input)).toBe(c.normalized);
  });

  it.each(fixture.cases.map((c) => [c.input, c] as const))('hashes %j like Python', (_, c) => {
    expect(featureIds(c.normalized, fixture.hashing)).toEqual(c.featureIds);
  });

  it.each([
    // Any printable ASCII, tabs included.
    ['random chat-like strings', [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789     !?.,;:\'"()@$|*_-#<>\t'], 12345, 3000, 30],
    // Letters, leetspeak and plain digits, one-letter words and runs: what decides whether a line is its own normal form.
    ['lower-case words and single spaces (often their own normal form)', ['a', 'b', 'o', 'z', 'aa', '0', '1', '2', '6', ' ', ' ', ' x ', 'gg', 'ez'], 4242, 5000, 12],
    // A small alphabet, so that runs of three, digits inside words and punctuation at the edges are common.
    ['tokens with runs, leetspeak digits and edge punctuation', ['a', 'o', 'z', '0', '1', '2', '6', '3', ' ', ' ', '!', '.', "'", '@', '$', '|', 'A', 'aaa', '000', 'ooo0'], 777, 5000, 16],
  ])('fast ASCII path agrees with normalizeText on %s', (_, alphabet, start, count, maxParts) => {
    let seed = start;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < count; n++) {
      let s = '';
      const len = Math.floor(next() * maxParts);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      expect(normalizeForFeatures(s), s).toBe(normalizeText(s));
    }
  });

  it.each([
    ['', true], ['gg wp', true], ['gg wp2', true], ['n00b', false], ['l33t', false], ['2 6', true], ['a b', true], ['a b c', false],
    ['ab b c d', false], ['aab', true], ['aaab', false], ['gg  wp', false], [' gg', false], ['gg ', false], ['gg!', false], ['gg\twp', false],
  ])('takes %j as its own normal form: %s', (text, own) => {
    expect(normalizeForFeatures(text) === text).toBe(own);
    expect(normalizeForFeatures(text)).toBe(normalizeText(text));
  });
});
