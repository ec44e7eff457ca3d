// Feature extraction of the fast classifier: normalised text -> hashed word and character
// n-gram bucket ids. models/sinbin_models/features.py is the training-side twin; the parity fixture
// (tests/fixtures/normalize-parity.json) pins both to the same ids.

import { normalizeText } from './normalize';

export interface HashingConfig {
  scheme: 'fnv1a32-utf16-fmix';
  bucketBits: number;
  charMin: number;
  charMax: number;
  maxFeatures: number;
  seeds: { word: number; collapsed: number; bigram: number; char: number };
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SPACE = 0x20;

/** Murmur3 finaliser: spreads FNV's weak low bits before masking to a bucket. */
function finish(h: number, mask: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & mask;
}

function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** FNV-1a of s[from, to) continued from h: hashString of the slice, without making it. */
export function hashRange(h: number, s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

function hashCollapsed(h: number, s: string): number {
  let prev = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== prev) h = Math.imul(h ^ c, FNV_PRIME);
    prev = c;
  }
  return h;
}

function hasDoubledUnit(s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) === s.charCodeAt(i - 1)) return true;
  return false;
}

/** The hashing seeds of a config, folded with FNV's offset once, and the bucket mask. */
export interface HashSeeds {
  mask: number;
  word: number;
  collapsed: number;
  bigram: number;
  char: number;
}

export function hashSeeds(cfg: HashingConfig): HashSeeds {
  return {
    mask: (1 << cfg.bucketBits) - 1,
    word: (cfg.seeds.word ^ FNV_OFFSET) | 0,
    collapsed: (cfg.seeds.collapsed ^ FNV_OFFSET) | 0,
    bigram: (cfg.seeds.bigram ^ FNV_OFFSET) | 0,
    char: (cfg.seeds.char ^ FNV_OFFSET) | 0,
  };
}

/** The id of the word pair "prev token"; both are given as ranges of `s` (a normalised message). */
export function bigramIdOf(s: string, prevFrom: number, prevTo: number, from: number, to: number, seeds: HashSeeds): number {
  const h = Math.imul(hashRange(seeds.bigram, s, prevFrom, prevTo) ^ SPACE, FNV_PRIME);
  return finish(hashRange(h, s, from, to), seeds.mask);
}

/**
 * The ids a token contributes whatever its neighbours: the word, its collapsed form when a unit is
 * doubled, its character n-grams; in writeFeatureIds' order with the bigram left out. Returns the
 * new end (stops at `limit`).
 */
export function writeTokenIds(token: string, cfg: HashingConfig, seeds: HashSeeds, out: Int32Array, n: number, limit: number): number {
  if (n >= limit) return n;
  out[n++] = finish(hashString(seeds.word, token), seeds.mask);
  if (n < limit && hasDoubledUnit(token)) out[n++] = finish(hashCollapsed(seeds.collapsed, token), seeds.mask);
  return writeCharGrams(token, cfg, seeds.char, seeds.mask, out, n, limit);
}

/**
 * Writes the bucket ids of one normalised message into `out` from `offset`, in the order the
 * Python trainer emits them, stopping at `maxFeatures`. Returns how many were written.
 */
export function writeFeatureIds(normalized: string, cfg: HashingConfig, out: Int32Array, offset: number, seeds: HashSeeds = hashSeeds(cfg)): number {
  if (normalized === '') return 0;
  const limit = offset + cfg.maxFeatures;
  let n = offset;
  let prev: string | null = null;
  let start = 0;
  while (start <= normalized.length && n < limit) {
    let end = normalized.indexOf(' ', start);
    if (end < 0) end = normalized.length;
    const token = normalized.slice(start, end);
    start = end + 1;
    out[n++] = finish(hashString(seeds.word, token), seeds.mask);
    if (n < limit && hasDoubledUnit(token)) out[n++] = finish(hashCollapsed(seeds.collapsed, token), seeds.mask);
    if (prev !== null && n < limit) {
      const h = Math.imul(hashString(seeds.bigram, prev) ^ SPACE, FNV_PRIME);
      out[n++] = finish(hashString(h, token), seeds.mask);
    }
    prev = token;
    n = writeCharGrams(token, cfg, seeds.char, seeds.mask, out, n, limit);
    if (end === normalized.length) break;
  }
  return n - offset;
}

/** Character n-grams of " token " (spaces mark the word edges), each start extended charMin..charMax. */
function writeCharGrams(token: string, cfg: HashingConfig, seed: number, mask: number, out: Int32Array, n: number, limit: number): number {
  const len = token.length + 2;
  for (let s = 0; s + cfg.charMin <= len; s++) {
    let h = seed;
    const stop = Math.min(s + cfg.charMax, len);
    for (let j = s; j < stop; j++) {
      const c = j === 0 || j === len - 1 ? SPACE : token.charCodeAt(j - 1);
      h = Math.imul(h ^ c, FNV_PRIME);
      if (j - s + 1 >= cfg.charMin) {
        if (n >= limit) return n;
        out[n++] = finish(h, mask);
      }
    }
  }
  return n;
}

export function featureIds(normalized: string, cfg: HashingConfig): number[] {
  const buf = new Int32Array(cfg.maxFeatures);
  return Array.from(buf.subarray(0, writeFeatureIds(normalized, cfg, buf, 0)));
}

const LEET_CODES: Record<number, number> = {
  0x30: 0x6f, 0x31: 0x69, 0x33: 0x65, 0x34: 0x61, 0x35: 0x73, 0x37: 0x74, 0x38: 0x62, 0x39: 0x67,
  0x40: 0x61, 0x24: 0x73, 0x21: 0x69, 0x7c: 0x6c,
};

function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isEdgePunctuation(c: number): boolean {
  // ! ? . , ; : ' " ( )
  return c === 0x21 || c === 0x3f || c === 0x2e || c === 0x2c || c === 0x3b || c === 0x3a || c === 0x27 || c === 0x22 || c === 0x28 || c === 0x29;
}

const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** normalize.ts's token mapping for an ASCII token that is already lower case. */
function mapAsciiToken(s: string, from: number, to: number): string {
  while (from < to && isEdgePunctuation(s.charCodeAt(from))) from++;
  while (to > from && isEdgePunctuation(s.charCodeAt(to - 1))) to--;
  let latin = false;
  for (let i = from; i < to; i++) if (isLower(s.charCodeAt(i))) { latin = true; break; }
  // Most chat tokens map to themselves: one slice instead of a string per character.
  if (mapsToItself(s, from, to, latin)) return s.slice(from, to);
  let out = '';
  let last = -1;
  let run = 0;
  for (let i = from; i < to; i++) {
    let c = s.charCodeAt(i);
    if (latin) c = LEET_CODES[c] ?? c;
    if (!isLower(c) && !isDigit(c)) continue;
    run = c === last ? run + 1 : 1;
    last = c;
    if (run <= 2) out += String.fromCharCode(c);
  }
  return out;
}

/** Whether mapAsciiToken's loop would keep every character: letters and digits (no leetspeak digit in a Latin token), no run of three. */
function mapsToItself(s: string, from: number, to: number, latin: boolean): boolean {
  let last = -1;
  let run = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      if (latin && LEET_CODES[c] !== undefined) return false;
    } else if (!isLower(c)) return false;
    run = c === last ? run + 1 : 1;
    last = c;
    if (run > 2) return false;
  }
  return true;
}

function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Control characters other than ASCII whitespace take the general path to stay exact.
    if (c > 0x7e || (c < 0x20 && !isAsciiSpace(c))) return false;
  }
  return true;
}

/**
 * Same output as normalizeText, with a quick path for plain ASCII messages (most chat), where
 * Unicode folding and look-alike mapping are no-ops. Non-ASCII text goes through normalizeText.
 */
export function normalizeForFeatures(text: string): string {
  if (!isPlainAscii(text)) return normalizeText(text);
  const lower = text.toLowerCase();
  // More than half of chat lines are their own normal form: no tokens and no joins to build.
  if (isOwnNormalForm(lower)) return lower;
  const tokens: string[] = [];
  let i = 0;
  while (i < lower.length) {
    while (i < lower.length && isAsciiSpace(lower.charCodeAt(i))) i++;
    const from = i;
    while (i < lower.length && !isAsciiSpace(lower.charCodeAt(i))) i++;
    if (i > from) {
      const token = mapAsciiToken(lower, from, i);
      if (token !== '') tokens.push(token);
    }
  }
  return joinSingleLetters(tokens);
}

/**
 * Whether lower-case ASCII text is already what the token mapping and joinSingleLetters make of
 * it: tokens of letters and digits (no leetspeak digit beside a letter, no run of three) split by
 * single spaces, and no three one-character tokens in a row.
 */
function isOwnNormalForm(s: string): boolean {
  let from = 0;
  let letter = false;
  let leet = false;
  let last = -1;
  let run = 0;
  let singles = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : SPACE;
    if (c === SPACE) {
      const length = i - from;
      // A leading, trailing or doubled space (the empty text is its own form).
      if (length === 0) return s.length === 0;
      if (letter && leet) return false;
      singles = length === 1 ? singles + 1 : 0;
      if (singles === 3) return false;
      from = i + 1;
      letter = false;
      leet = false;
      last = -1;
      continue;
    }
    if (isLower(c)) letter = true;
    else if (isDigit(c)) leet ||= LEET_CODES[c] !== undefined;
    else return false;
    run = c === last ? run + 1 : 1;
    last = c;
    if (run === 3) return false;
  }
  return true;
}

/** Runs of three or more one-letter tokens are one spelled-out word ("f u c k"). */
function joinSingleLetters(tokens: string[]): string {
  let out = '';
  let run = '';
  let runLength = 0;
  const flush = () => {
    if (runLength >= 3) out += (out ? ' ' : '') + run;
    else for (let k = 0; k < runLength; k++) out += (out ? ' ' : '') + run[k];
    run = '';
    runLength = 0;
  };
  for (const token of tokens) {
    if (token.length === 1) {
      run += token;
      runLength++;
    } else {
      flush();
      out += (out ? ' ' : '') + token;
    }
  }
  flush();
  return out;
}
