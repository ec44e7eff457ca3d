// The fast model's linear head, summed a token at a time. A message's rows are its tokens' own
// rows (word, collapsed form, character n-grams) plus one bigram row per neighbouring pair, so
// each token's own rows are summed once and kept: chat repeats its tokens (in one pass over
// 20,000 CONDA lines, 90 % of tokens had already been seen), and one kept sum replaces about ten
// hashes and scattered reads of the 9.4 MB weight table. The kept sums sit in a direct-mapped
// table keyed by the token's word hash, which the bigram needs anyway, so a token found there
// costs no string. Sums differ from the row-by-row order by float32 rounding only; a message over
// maxFeatures, whose ids the model truncates, is scored row by row as before.
import { bigramIdOf, type HashingConfig, hashRange, type HashSeeds, hashSeeds, writeFeatureIds, writeTokenIds } from './fast-features';
import { type LinearHead, scoreIds, writeProbabilities } from './linear-head';

/** Slots of the table (a power of two): 65,536 × 9 floats is 2.4 MB. */
export const TOKEN_SUMS_BITS = 16;

export class TokenSums {
  private readonly keys: Int32Array;
  private readonly tokens: string[];
  private readonly sums: Float32Array;
  private readonly counts: Int32Array;
  private readonly acc: Float32Array;
  private readonly ids: Int32Array;
  private readonly seeds: HashSeeds;
  private readonly shift: number;
  /** Tokens found kept and tokens summed, since the scorer loaded (for benchmarks). */
  hits = 0;
  misses = 0;

  constructor(private readonly head: LinearHead, private readonly hashing: HashingConfig, bits = TOKEN_SUMS_BITS) {
    const slots = 1 << bits;
    this.shift = 32 - bits;
    this.keys = new Int32Array(slots);
    this.tokens = new Array<string>(slots).fill('');
    this.sums = new Float32Array(slots * head.outputs);
    this.counts = new Int32Array(slots).fill(-1);
    this.acc = new Float32Array(head.outputs);
    this.ids = new Int32Array(hashing.maxFeatures);
    this.seeds = hashSeeds(hashing);
  }

  /** Scores one normalised message (normalizeForFeatures) into `out` at `at`: the head's outputs, as scoreIds would. */
  score(normalized: string, out: Float32Array, at: number): void {
    const { head, acc, sums, seeds } = this;
    const k = head.outputs;
    const w = head.weights;
    // Nine outputs (the shipped model) summed in locals, as float32 like the graph; acc otherwise.
    const nine = k === 9;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0;
    if (!nine) acc.fill(0);
    const length = normalized.length;
    if (length > 0) {
      const max = this.hashing.maxFeatures;
      let total = 0;
      let prevFrom = -1;
      let prevTo = -1;
      let from = 0;
      for (;;) {
        let to = normalized.indexOf(' ', from);
        if (to < 0) to = length;
        const slot = this.slotOf(normalized, from, to);
        total += this.counts[slot]! + (prevFrom < 0 ? 0 : 1);
        // At maxFeatures the model may read a truncated id list: score it exactly that way.
        if (total >= max) {
          this.scoreRowByRow(normalized, out, at);
          return;
        }
        for (let pass = prevFrom >= 0 ? 0 : 1; pass < 2; pass++) {
          // The bigram's row first (as the ids are ordered), then the token's kept sum.
          const v = pass === 0 ? w : sums;
          const b = pass === 0 ? bigramIdOf(normalized, prevFrom, prevTo, from, to, seeds) * k : slot * k;
          if (nine) {
            a0 = Math.fround(a0 + v[b]!);
            a1 = Math.fround(a1 + v[b + 1]!);
            a2 = Math.fround(a2 + v[b + 2]!);
            a3 = Math.fround(a3 + v[b + 3]!);
            a4 = Math.fround(a4 + v[b + 4]!);
            a5 = Math.fround(a5 + v[b + 5]!);
            a6 = Math.fround(a6 + v[b + 6]!);
            a7 = Math.fround(a7 + v[b + 7]!);
            a8 = Math.fround(a8 + v[b + 8]!);
          } else for (let j = 0; j < k; j++) acc[j] = acc[j]! + v[b + j]!;
        }
        if (to === length) break;
        prevFrom = from;
        prevTo = to;
        from = to + 1;
      }
    }
    if (nine) {
      acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3; acc[4] = a4; acc[5] = a5; acc[6] = a6; acc[7] = a7; acc[8] = a8;
    }
    writeProbabilities(head, acc, out, at);
  }

  /** The slot holding the token s[from, to), summed into it first when another token held it. */
  private slotOf(s: string, from: number, to: number): number {
    const key = hashRange(this.seeds.word, s, from, to);
    const slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    const kept = this.tokens[slot]!;
    if (this.keys[slot] === key && this.counts[slot]! >= 0 && kept.length === to - from && s.startsWith(kept, from)) {
      this.hits++;
      return slot;
    }
    this.misses++;
    const token = s.slice(from, to);
    const n = writeTokenIds(token, this.hashing, this.seeds, this.ids, 0, this.ids.length);
    const k = this.head.outputs;
    const w = this.head.weights;
    const base = slot * k;
    this.sums.fill(0, base, base + k);
    for (let i = 0; i < n; i++) {
      const row = this.ids[i]! * k;
      for (let j = 0; j < k; j++) this.sums[base + j] = this.sums[base + j]! + w[row + j]!;
    }
    this.keys[slot] = key;
    this.tokens[slot] = token;
    this.counts[slot] = n;
    return slot;
  }

  private scoreRowByRow(normalized: string, out: Float32Array, at: number): void {
    const n = writeFeatureIds(normalized, this.hashing, this.ids, 0, this.seeds);
    scoreIds(this.head, this.ids, 0, n, out, at);
  }
}
