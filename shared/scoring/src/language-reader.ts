// eld's reading of a line, restricted to the routed languages, without eld's per-line strings.
// eld 2.1.0 turns each line into UTF-8 "byte strings", cuts each word into 4-byte n-grams, puts
// them in an object as keys and sums each language's score of every distinct n-gram. That was
// most of `classify --stage fast` (2.1 of 6.4 s of CPU on 200,000 lines). Here the same n-grams
// are packed into numbers (each of eld's characters fits in 8 bits, an n-gram has at most 6) and
// looked up in an open-addressing table built once from eld's own database, so the readings stay
// eld's to the last bit: tests/unit/scoring/language-reader.test.ts compares them line by line.

import { MAX_PACKED, NgramTable, packNgrams, type PackedNgrams } from './ngram-table';

/** What the reader needs from eld: its database, separator pattern and byte dictionary. */
export interface EldData {
  /** Language codes by eld's index. */
  languages: Record<string, string>;
  /** Per n-gram (eld's byte string), its score by language index. */
  ngrams: Record<string, Record<string, number>>;
  separators: RegExp;
  /** eld's character for each byte value; bytes >= 0x80 are written with it. */
  dictionary: readonly string[];
  /** The routed languages' entries of `ngrams`, prebuilt by the classify bundle (ngrams is then empty). */
  packed?: PackedNgrams;
}

export type { PackedNgrams } from './ngram-table';

export interface LanguageReading {
  /** A routed language, or '' when no n-gram scored. */
  code: string;
  /** eld's score of that language, in [0, 1). */
  score: number;
}

// eld's constants: words count up to 70 bytes; a line is
// cut at the first space past 350 bytes, and after any character past 380.
const MAX_WORD = 70;
const CUT_AFTER = 350;
const ENFORCE_CUT_AFTER = 380;
const MAX_TEXT = 1000;
const SCALE = 25;
const SPACE = 32;

export interface LanguageReader {
  read(text: string): LanguageReading;
}

export interface ReaderOptions {
  /** Read all-ASCII lines without eld's string steps (the default); false: always eld's steps, for tests. */
  asciiFastPath?: boolean;
}

export function createLanguageReader(data: EldData, codes: readonly string[], options: ReaderOptions = {}): LanguageReader {
  const asciiFastPath = options.asciiFastPath ?? true;
  // Routed languages in eld's index order: eld's arg-max keeps the first of equal scores.
  const routed = Object.keys(data.languages)
    .filter((index) => codes.includes(data.languages[index]!))
    .sort((a, b) => Number(a) - Number(b));
  if (routed.length !== codes.length) throw new Error(`eld database lacks one of ${codes.join(', ')}`);
  const langs = routed.length;
  const units = byteUnits(data.dictionary);

  // The bundle carries the table's entries prebuilt (cli/bundle.ts); otherwise they are made here.
  const packed = data.packed ?? packNgrams(data, routed);
  if (packed.routed.join() !== routed.join()) throw new Error(`eld database: prebuilt n-grams are for languages ${packed.routed.join(', ')}, not ${routed.join(', ')}`);
  const table = new NgramTable(packed.keys, packed.adds, langs);
  const longEntries = new Map(packed.long.map(([ngram, adds]) => [ngram, Int32Array.from(adds)]));

  const unitBuf = new Uint8Array(ENFORCE_CUT_AFTER + 8);
  const asciiLine = new Uint8Array(MAX_TEXT);
  const wordEnds = new Int32Array(ENFORCE_CUT_AFTER + 8);
  const seen = new Float64Array(2 * (ENFORCE_CUT_AFTER + 8));
  const totals = new Float64Array(langs);

  return {
    read(text: string): LanguageReading {
      // Most chat lines are ASCII: their line is built as bytes, with no string made per step.
      const length = asciiFastPath ? asciiSeparated(text, asciiLine) : -1;
      let words: number;
      if (length >= 0) words = encodeAsciiWords(asciiLine, length, unitBuf, wordEnds);
      else {
        const line = text.substring(0, MAX_TEXT).replace(data.separators, ' ').trim().toLowerCase();
        words = encodeWords(line, units, unitBuf, wordEnds);
      }
      totals.fill(0);
      let distinct = 0;
      let longSeen: Set<string> | undefined;
      let start = 0;
      for (let w = 0; w < words; w++) {
        const end = wordEnds[w]!;
        const length = end - start;
        const len = Math.min(length, MAX_WORD);
        let j = 0;
        for (; j + 4 < len; j += 3) distinct = addDistinct(seen, distinct, pack(unitBuf, start + j, start + j + 4, j === 0, false));
        // eld's last n-gram: the word's last 4 bytes of the first 70, to the end of the word.
        const from = len !== 3 ? Math.max(0, len - 4) : 0;
        const size = (j === 0 ? 1 : 0) + (length - from) + 1;
        if (size <= MAX_PACKED) distinct = addDistinct(seen, distinct, pack(unitBuf, start + from, end, j === 0, true));
        else {
          // Only past a 70-byte word: no database entry is this long, but eld counts it.
          const ngram = (j === 0 ? ' ' : '') + String.fromCharCode(...unitBuf.subarray(start + from, end)) + ' ';
          longSeen ??= new Set();
          if (!longSeen.has(ngram)) {
            longSeen.add(ngram);
            const adds = longEntries.get(ngram);
            if (adds) for (let k = 0; k < langs; k++) totals[k] = totals[k]! + adds[k]!;
          }
        }
        start = end;
      }
      for (let i = 0; i < distinct; i++) table.addTo(seen[i]!, totals);
      let best = -1;
      let bestScore = 0;
      for (let k = 0; k < langs; k++) {
        if (totals[k]! > 0 && totals[k]! > bestScore) {
          bestScore = totals[k]!;
          best = k;
        }
      }
      if (best < 0) return { code: '', score: 0 };
      const count = distinct + (longSeen?.size ?? 0);
      const ngramScore = bestScore / count;
      return { code: data.languages[routed[best]!]!, score: ngramScore / (ngramScore + SCALE) };
    },
  };
}

/** Appends key unless already there (a line has a few dozen n-grams: a scan beats a set); returns the new count. */
function addDistinct(seen: Float64Array, count: number, key: number): number {
  for (let i = 0; i < count; i++) if (seen[i] === key) return count;
  seen[count] = key;
  return count + 1;
}

/** eld's character code for each byte >= 0x80 (all of them below 256). */
function byteUnits(dictionary: readonly string[]): Uint8Array {
  const units = new Uint8Array(256);
  for (let b = 0x80; b < 256; b++) {
    const code = dictionary[b]?.charCodeAt(0);
    if (code === undefined || code > 0xff || code === 0) throw new Error(`eld dictionary: byte ${b} has no 8-bit character`);
    units[b] = code;
  }
  return units;
}

/**
 * eld's UTF-8 "byte string" of the line as 8-bit units, words split at ASCII spaces, with eld's
 * cuts. Returns the number of words; wordEnds holds where each ends in `out`.
 */
function encodeWords(line: string, units: Uint8Array, out: Uint8Array, wordEnds: Int32Array): number {
  let n = 0;
  let wordStart = 0;
  let words = 0;
  let bytes = 0;
  for (let i = 0; i < line.length; i++) {
    let c = line.charCodeAt(i);
    if (c < 0x80) {
      if (c === SPACE) {
        if (n > wordStart) {
          wordEnds[words++] = n;
          wordStart = n;
        }
        if (bytes > CUT_AFTER) break;
      } else {
        out[n++] = c;
      }
      bytes++;
    } else if (c < 0x800) {
      out[n++] = units[0xc0 | (c >> 6)]!;
      out[n++] = units[0x80 | (c & 0x3f)]!;
      bytes += 2;
    } else if (c < 0xd800 || c >= 0xe000) {
      out[n++] = units[0xe0 | (c >> 12)]!;
      out[n++] = units[0x80 | ((c >> 6) & 0x3f)]!;
      out[n++] = units[0x80 | (c & 0x3f)]!;
      bytes += 3;
    } else {
      // A surrogate pair, or a lone surrogate read with whatever follows, as eld reads it.
      i++;
      c = 0x10000 + (((c & 0x3ff) << 10) | (line.charCodeAt(i) & 0x3ff));
      out[n++] = units[0xf0 | (c >> 18)]!;
      out[n++] = units[0x80 | ((c >> 12) & 0x3f)]!;
      out[n++] = units[0x80 | ((c >> 6) & 0x3f)]!;
      out[n++] = units[0x80 | (c & 0x3f)]!;
      bytes += 4;
    }
    if (bytes > ENFORCE_CUT_AFTER) break;
  }
  if (n > wordStart) wordEnds[words++] = n;
  return words;
}

const APOSTROPHE = 0x27;
const BACKTICK = 0x60;
const isAsciiLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/**
 * eld's `substring(0, 1000).replace(separators, ' ').trim().toLowerCase()` of an all-ASCII line,
 * written into `out` as bytes; returns its length, or -1 as soon as a character is not ASCII.
 * eld's separator pattern is a run of non-letters not ending in an apostrophe (' ` ’), which a
 * regex engine matches as each run of non-letters less its trailing apostrophes: that part (when
 * not empty) becomes one space, the apostrophes stay. Then the spaces at both ends go (only the
 * replacements' spaces are left to trim) and A-Z become a-z.
 */
export function asciiSeparated(text: string, out: Uint8Array): number {
  const end = Math.min(text.length, MAX_TEXT);
  let n = 0;
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return -1;
    if (isAsciiLetter(c)) {
      out[n++] = c | 0x20;
      i++;
      continue;
    }
    let runEnd = i + 1;
    for (; runEnd < end; runEnd++) {
      const d = text.charCodeAt(runEnd);
      if (d >= 0x80) return -1;
      if (isAsciiLetter(d)) break;
    }
    let kept = runEnd;
    while (kept > i && (text.charCodeAt(kept - 1) === APOSTROPHE || text.charCodeAt(kept - 1) === BACKTICK)) kept--;
    // A space at the line's start would be trimmed; one at its end is trimmed below.
    if (kept > i && n > 0) out[n++] = SPACE;
    for (let k = kept; k < runEnd; k++) out[n++] = text.charCodeAt(k);
    i = runEnd;
  }
  return n > 0 && out[n - 1] === SPACE ? n - 1 : n;
}

/** encodeWords for an ASCII line: each character is its own unit. */
function encodeAsciiWords(line: Uint8Array, length: number, out: Uint8Array, wordEnds: Int32Array): number {
  let n = 0;
  let wordStart = 0;
  let words = 0;
  for (let i = 0; i < length; i++) {
    const c = line[i]!;
    if (c === SPACE) {
      if (n > wordStart) {
        wordEnds[words++] = n;
        wordStart = n;
      }
      // As encodeWords: the cut is checked before the space is counted.
      if (i > CUT_AFTER) break;
    } else out[n++] = c;
    if (i + 1 > ENFORCE_CUT_AFTER) break;
  }
  if (n > wordStart) wordEnds[words++] = n;
  return words;
}

/** The n-gram `[lead space] units[from, to) [trail space]` as a number; units are never 0, so lengths stay apart. */
function pack(buf: Uint8Array, from: number, to: number, lead: boolean, trail: boolean): number {
  let key = lead ? SPACE : 0;
  for (let i = from; i < to; i++) key = key * 256 + buf[i]!;
  return trail ? key * 256 + SPACE : key;
}
