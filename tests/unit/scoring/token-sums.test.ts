import { describe, expect, it } from 'vitest';
import { type HashingConfig, normalizeForFeatures, writeFeatureIds } from '../../../shared/scoring/src/fast-features';
import { type LinearHead, scoreIds } from '../../../shared/scoring/src/linear-head';
import { TokenSums } from '../../../shared/scoring/src/token-sums';

const hashing = (maxFeatures: number): HashingConfig => ({
  scheme: 'fnv1a32-utf16-fmix',
  bucketBits: 10,
  charMin: 3,
  charMax: 5,
  maxFeatures,
  seeds: { word: 2654435761, collapsed: 2246822519, bigram: 3266489917, char: 668265263 },
});

/** A head with seeded random weights over 2^10 buckets plus the padding row. */
function head(outputs: number, alarm?: LinearHead['alarm']): LinearHead {
  let seed = 99;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
  const weights = Float32Array.from({ length: ((1 << 10) + 1) * outputs }, (_, i) => (i >= (1 << 10) * outputs ? 0 : next()));
  return { outputs, weights, bias: Float32Array.from({ length: outputs }, () => next()), ...(alarm && { alarm }) };
}

/** What the scorer computed before: every id written, then summed row by row. */
function rowByRow(h: LinearHead, cfg: HashingConfig, normalized: string): Float32Array {
  const ids = new Int32Array(cfg.maxFeatures);
  const out = new Float32Array(h.outputs);
  scoreIds(h, ids, 0, writeFeatureIds(normalized, cfg, ids, 0), out, 0);
  return out;
}

const LINES = ['', 'gg', 'gg wp', 'gg gg gg', 'noob team uninstall', 'f u c k you', 'Sooo baaad!!!', 'kill yourself', 'i know where you live',
  'ｆ ｕ ｃ ｋ', 'mid mid mid missing', 'ez ez ez ez ez ez ez ez ez ez ez ez', 'go b', 'l2p noob', 'lol'].map((t) => normalizeForFeatures(t));

describe('TokenSums', () => {
  it.each([
    ['nine outputs with the alarm floor (the shipped shape)', head(9, { cut: 0.4, floor: 0.6 }), 768],
    ['nine outputs', head(9), 768],
    ['three outputs (the general path)', head(3), 768],
    ['nine outputs, a small maxFeatures (long lines truncated)', head(9), 24],
    ['three outputs, a small maxFeatures', head(3), 24],
  ])('scores as the row-by-row sum, within float32 rounding: %s', (_, h, max) => {
    const cfg = hashing(max);
    const sums = new TokenSums(h, cfg);
    // Twice: the second pass reads every token from the table.
    for (let pass = 0; pass < 2; pass++) {
      for (const line of LINES) {
        const out = new Float32Array(h.outputs);
        sums.score(line, out, 0);
        const expected = rowByRow(h, cfg, line);
        for (let j = 0; j < h.outputs; j++) expect(Math.abs(out[j]! - expected[j]!), `${line} output ${j}`).toBeLessThan(1e-6);
      }
    }
  });

  it('scores a line at or over maxFeatures exactly as the truncated row-by-row sum', () => {
    const h = head(9);
    const cfg = hashing(24);
    const sums = new TokenSums(h, cfg);
    for (const line of ['report this idiot now please', 'a '.repeat(30).trim(), 'supercalifragilistic']) {
      const out = new Float32Array(9);
      sums.score(line, out, 0);
      expect(Array.from(out)).toEqual(Array.from(rowByRow(h, cfg, line)));
    }
  });

  it('keeps the answers when tokens keep taking each other\'s slot (a table of two)', () => {
    const h = head(9);
    const cfg = hashing(768);
    const tiny = new TokenSums(h, cfg, 1);
    for (let pass = 0; pass < 3; pass++) {
      for (const line of LINES) {
        const out = new Float32Array(9);
        tiny.score(line, out, 0);
        const expected = rowByRow(h, cfg, line);
        for (let j = 0; j < 9; j++) expect(Math.abs(out[j]! - expected[j]!)).toBeLessThan(1e-6);
      }
    }
  });

  it('writes at the given offset and counts kept and summed tokens', () => {
    const sums = new TokenSums(head(9), hashing(768));
    const out = new Float32Array(27);
    sums.score('gg wp', out, 9);
    expect(out.subarray(0, 9).every((x) => x === 0) && out.subarray(18).every((x) => x === 0)).toBe(true);
    expect(out.subarray(9, 18).every((x) => x > 0 && x < 1)).toBe(true);
    expect([sums.hits, sums.misses]).toEqual([0, 2]);
    sums.score('wp gg', out, 0);
    expect([sums.hits, sums.misses]).toEqual([2, 2]);
  });
});
