// shared/scoring/src/ngram-table.ts: the routed languages' part of eld's database, packed ahead of
// time as the classify bundle carries it, must read every line as the database itself does.
import { describe, expect, it } from 'vitest';
import { ROUTED_LANGUAGES } from '@sinbin/contract';
import { eldData } from '../../../shared/scoring/src/eld-data';
import { createLanguageReader } from '../../../shared/scoring/src/language-reader';
import { NgramTable, packedFromJson, packedToJson, packNgrams, packString } from '../../../shared/scoring/src/ngram-table';
import { labelledChat } from './helpers';

const db = {
  languages: { 0: 'de', 1: 'en', 2: 'fr' },
  ngrams: { ' the': { 1: 40, 2: 3 }, ' der': { 0: 50 }, ' les': { 0: 1, 2: 30 }, 'ing ': { 1: 20 }, ' sehr ': { 0: 2 }, ' anticonst': { 2: 0 } },
};

describe('packNgrams', () => {
  it('keeps the n-grams of the routed languages, with eld\'s score + 53, 0 where a language has none', () => {
    const packed = packNgrams(db, ['1', '2']);
    expect(packed.routed).toEqual(['1', '2']);
    expect([...packed.keys]).toEqual([' the', ' les', 'ing '].map((g) => packString(g)));
    expect([...packed.adds]).toEqual([93, 56, 0, 83, 73, 0]);
    // Too long to pack as a number: kept as text.
    expect(packed.long).toEqual([[' anticonst', [0, 53]]]);
  });

  it('survives the JSON the bundle carries, bit for bit', () => {
    const packed = packNgrams(eldData, ['11', '17']);
    const back = packedFromJson(packedToJson(packed));
    expect(back.routed).toEqual(packed.routed);
    expect(back.keys).toEqual(packed.keys);
    expect(back.adds).toEqual(packed.adds);
    expect(back.long).toEqual(packed.long);
  });

  it('is the languages of ROUTED_LANGUAGES in eld 2.1.0 (indices 11 and 17)', () => {
    expect(['11', '17'].map((i) => eldData.languages[i])).toEqual([...ROUTED_LANGUAGES]);
  });
});

describe('NgramTable', () => {
  it('adds each packed n-gram\'s scores, and nothing for one it lacks', () => {
    const packed = packNgrams(db, ['1', '2']);
    const table = new NgramTable(packed.keys, packed.adds, 2);
    const totals = new Float64Array(2);
    table.addTo(packString(' the')!, totals);
    table.addTo(packString(' les')!, totals);
    table.addTo(packString('xyz ')!, totals);
    expect([...totals]).toEqual([93, 56 + 83]);
  });
});

describe('a reader built from the prebuilt entries', () => {
  const fromDatabase = createLanguageReader(eldData, ROUTED_LANGUAGES);
  const prebuilt = createLanguageReader({ ...eldData, ngrams: {}, packed: packedFromJson(packedToJson(packNgrams(eldData, ['11', '17']))) }, ROUTED_LANGUAGES);

  it('reads every labelled chat line as the database does', () => {
    const lines = [...labelledChat().map((l) => l.text), '', 'lol', "t'es nul", 'É'.repeat(80), `les ${'x'.repeat(75)} sont`];
    const differ = lines.filter((text) => {
      const a = fromDatabase.read(text);
      const b = prebuilt.read(text);
      return a.code !== b.code || !Object.is(a.score, b.score);
    });
    expect(differ).toEqual([]);
  });

  it('refuses entries prebuilt for other languages', () => {
    const packed = packNgrams(eldData, ['11']);
    expect(() => createLanguageReader({ ...eldData, packed }, ROUTED_LANGUAGES)).toThrow(/prebuilt/);
  });
});
