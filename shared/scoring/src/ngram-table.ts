// eld's n-gram database as language-reader.ts looks it up: each n-gram of up to 6 characters of 8
// bits packed into a number, with the routed languages' scores, in an open-addressing table. The
// entries can be packed ahead of time (cli/bundle.ts does it when it builds classify, from the
// installed eld package): making them from eld's 4 MB object at each start was a tenth of
// classify's start-up.

/** Every database score is stored less 53 (eld's constant). */
const BASE_NGRAM_SCORE = 53;
/** Packed n-grams of up to 6 characters of 8 bits stay exact in a double. */
export const MAX_PACKED = 6;

/** The routed languages' n-gram scores, packed. */
export interface PackedNgrams {
  /** eld's indices of the languages, in eld's order. */
  routed: string[];
  /** Each n-gram as packString makes it. */
  keys: Float64Array;
  /** Each n-gram's score per language (eld's score + 53), keys.length × routed.length. */
  adds: Int32Array;
  /** N-grams too long to pack (none in eld 2.1.0's en and fr), with their scores per language. */
  long: [string, number[]][];
}

/** The n-grams of `ngrams` that score in a routed language (eld's indices, in eld's order). */
export function packNgrams(data: { ngrams: Record<string, Record<string, number>> }, routed: readonly string[]): PackedNgrams {
  const langs = routed.length;
  const keys: number[] = [];
  const adds: number[] = [];
  const long: [string, number[]][] = [];
  for (const ngram in data.ngrams) {
    const scores = data.ngrams[ngram]!;
    const own = routed.map((index) => scores[index]);
    if (own.every((s) => s === undefined)) continue;
    const row = own.map((s) => (s === undefined ? 0 : s + BASE_NGRAM_SCORE));
    const key = packString(ngram);
    if (key === undefined) long.push([ngram, row]);
    else {
      keys.push(key);
      for (let k = 0; k < langs; k++) adds.push(row[k]!);
    }
  }
  return { routed: [...routed], keys: Float64Array.from(keys), adds: Int32Array.from(adds), long };
}

/** PackedNgrams as JSON-safe text (the arrays in base64), for the bundle to carry. */
export function packedToJson(p: PackedNgrams): string {
  const base64 = (a: Float64Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return JSON.stringify({ routed: p.routed, keys: base64(p.keys), adds: base64(p.adds), long: p.long });
}

/** The inverse of packedToJson. */
export function packedFromJson(json: string): PackedNgrams {
  const p = JSON.parse(json) as { routed: string[]; keys: string; adds: string; long: [string, number[]][] };
  // Copied into buffers of their own: a decoded Buffer may sit at an offset no Float64Array can start at.
  const bytes = (s: string) => {
    const b = Buffer.from(s, 'base64');
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  };
  return { routed: p.routed, keys: new Float64Array(bytes(p.keys)), adds: new Int32Array(bytes(p.adds)), long: p.long };
}

/** A database n-gram as a number, or undefined when it is too long to pack. */
export function packString(ngram: string): number | undefined {
  if (ngram.length > MAX_PACKED || ngram.length === 0) return undefined;
  let key = 0;
  for (let i = 0; i < ngram.length; i++) {
    const c = ngram.charCodeAt(i);
    if (c === 0 || c > 0xff) return undefined;
    key = key * 256 + c;
  }
  return key;
}

/**
 * Open addressing, linear probing, key 0 = empty. A slot is its key and then its languages'
 * scores, side by side, so that a probe reads one cache line.
 */
export class NgramTable {
  private readonly slots: Float64Array;
  private readonly width: number;
  private readonly mask: number;
  private readonly shift: number;

  constructor(keys: Float64Array, adds: Int32Array, private readonly langs: number) {
    let bits = 4;
    while (1 << bits < keys.length * 2) bits++;
    this.width = 1 + langs;
    this.slots = new Float64Array((1 << bits) * this.width);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
    for (let e = 0; e < keys.length; e++) {
      const key = keys[e]!;
      let slot = this.slot(key);
      while (this.slots[slot * this.width] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot * this.width] = key;
      for (let l = 0; l < langs; l++) this.slots[slot * this.width + 1 + l] = adds[e * langs + l]!;
    }
  }

  private slot(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    return Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> this.shift;
  }

  /** Adds the n-gram's scores to totals; an n-gram not in the database adds nothing. */
  addTo(key: number, totals: Float64Array): void {
    let slot = this.slot(key);
    for (;;) {
      const at = slot * this.width;
      const k = this.slots[at]!;
      if (k === key) {
        for (let l = 0; l < this.langs; l++) totals[l] = totals[l]! + this.slots[at + 1 + l]!;
        return;
      }
      if (k === 0) return;
      slot = (slot + 1) & this.mask;
    }
  }
}
