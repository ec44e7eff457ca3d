// Obfuscation-resistant text normalisation, shared by the lexicon scorer and the fast model's
// feature extraction. models/ ports it to Python for training; tests/fixtures/normalize-parity.json
// pins both implementations to the same output, so change them together.

/** Look-alike letters from other scripts that players mix into Latin words to dodge filters. */
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y',
  х: 'x', ь: 'b', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ɡ: 'g', ӏ: 'l',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i',
};

/** Digits and symbols read as letters, applied only inside tokens that also hold a Latin letter. */
const LEET: Record<string, string> = {
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g',
  '@': 'a', $: 's', '!': 'i', '|': 'l', '€': 'e', '£': 'l',
};

const LATIN = /[a-z]/;
const COMBINING_MARKS = /\p{M}+/gu;
const NOT_WORD_CHAR = /[^\p{L}\p{N}]+/gu;
const RUN_OF_THREE_OR_MORE = /(.)\1{2,}/gu;

const EDGE_PUNCTUATION = /^[!?.,;:'"()]+|[!?.,;:'"()]+$/gu;

/** A token is disguised Latin if it has a Latin letter or consists only of look-alikes. */
function looksLatin(token: string): boolean {
  if (LATIN.test(token)) return true;
  let letters = 0;
  for (const ch of token) {
    if (!/\p{L}/u.test(ch)) continue;
    if (CONFUSABLES[ch] === undefined) return false;
    letters++;
  }
  return letters > 0;
}

function mapToken(raw: string): string {
  // "n00b!!!": sentence punctuation at the edges is not leetspeak.
  let token = raw.replace(EDGE_PUNCTUATION, '');
  if (looksLatin(token)) {
    let mapped = '';
    for (const ch of token) mapped += CONFUSABLES[ch] ?? ch;
    token = mapped;
  }
  if (LATIN.test(token)) {
    let mapped = '';
    for (const ch of token) mapped += LEET[ch] ?? ch;
    token = mapped;
  }
  // Separators inside a word ("f.u.c.k", "sh_it", "f*ck") are dropped rather than split on.
  token = token.replace(NOT_WORD_CHAR, '');
  // "fuuuuck" -> "fuuck": runs of 3+ shrink to 2; matching also tries single letters.
  return token.replace(RUN_OF_THREE_OR_MORE, '$1$1');
}

/**
 * Returns the message as space-separated normalised tokens: NFKC, lower case, accents removed,
 * look-alike letters and leetspeak mapped, in-word separators dropped, long letter runs shortened,
 * and runs of three or more single-letter tokens joined ("f u c k" -> "fuck").
 */
export function normalizeText(text: string): string {
  const folded = text.normalize('NFKC').toLowerCase().normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC');
  const tokens: string[] = [];
  for (const raw of folded.split(/\s+/u)) {
    if (raw === '') continue;
    const token = mapToken(raw);
    if (token !== '') tokens.push(token);
  }
  return joinSpacedLetters(tokens).join(' ');
}

function joinSpacedLetters(tokens: string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 3) out.push(run.join(''));
    else out.push(...run);
    run = [];
  };
  for (const token of tokens) {
    if ([...token].length === 1) run.push(token);
    else {
      flush();
      out.push(token);
    }
  }
  flush();
  return out;
}

/** Collapses every doubled letter ("fuuck" -> "fuck"), for matching terms written either way. */
export function collapseDoubles(token: string): string {
  return token.replace(/(.)\1+/gu, '$1');
}
