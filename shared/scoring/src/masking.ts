// Masks the worst terms of a chat line for moderators' wellbeing: slurs and the worst abuse stay
// hidden until the moderator reveals them. Matching is the lexicon's (obfuscation-normalised:
// "f4gg0t", "n i g g a", "k.y.s"), and the mask covers the whole written word or phrase, found by
// its position in the original text. Pure: text in, spans out.
import { collapseDoubles, normalizeText } from './normalize';
import { compile, DEFAULT_LEXICON, lookupToken, type LexiconTerm } from './lexicon';

/** A masked stretch of the original text: UTF-16 offsets, end exclusive. */
export interface MaskSpan {
  start: number;
  end: number;
}

export interface MaskerOptions {
  /** Terms of at least this weight are masked (0.8: slurs, threats of death, the worst sexual abuse). */
  minWeight: number;
  /** The lexicon to take terms from (the built-in one by default). */
  terms?: readonly LexiconTerm[];
}

interface Token {
  start: number;
  end: number;
  norm: string;
}

/** The worst terms of a lexicon: what a masker with this cut hides. */
export function worstTerms(minWeight: number, terms: readonly LexiconTerm[] = DEFAULT_LEXICON): LexiconTerm[] {
  return terms.filter((t) => t.weight >= minWeight);
}

export function createMasker(opts: MaskerOptions): (text: string) => MaskSpan[] {
  // A mask covers whole words, so a term never matches inside an innocent one ("Scunthorpe"):
  // terms the lexicon finds anywhere in a word are matched at its start here ("cuntface", not "scunthorpe").
  const terms = worstTerms(opts.minWeight, opts.terms).map((t) => (t.match === 'anywhere' ? { ...t, match: 'prefix' as const } : t));
  const lex = compile(terms.filter((t) => !t.term.includes(' ')));
  const phrases = terms.filter((t) => t.term.includes(' ')).map((t) => t.term.split(' ').map(collapseDoubles));
  const hit = (norm: string) => norm !== '' && lookupToken(lex, norm) !== undefined;

  return (text) => {
    const tokens: Token[] = [];
    for (const m of text.matchAll(/\S+/gu)) {
      const norm = normalizeText(m[0]);
      tokens.push({ start: m.index, end: m.index + m[0].length, norm: norm.replace(/ /g, '') });
    }
    const spans: MaskSpan[] = [];
    for (const t of tokens) if (hit(t.norm)) spans.push({ start: t.start, end: t.end });
    // Phrases ("kill yourself") over consecutive words.
    for (const words of phrases) {
      for (let i = 0; i + words.length <= tokens.length; i++) {
        if (words.every((w, j) => collapseDoubles(tokens[i + j]!.norm) === w)) spans.push({ start: tokens[i]!.start, end: tokens[i + words.length - 1]!.end });
      }
    }
    // Words spelt out letter by letter ("k y s"): runs of three or more one-letter tokens.
    for (let i = 0; i < tokens.length; ) {
      let j = i;
      while (j < tokens.length && [...tokens[j]!.norm].length === 1) j++;
      if (j - i >= 3 && hit(tokens.slice(i, j).map((t) => t.norm).join(''))) spans.push({ start: tokens[i]!.start, end: tokens[j - 1]!.end });
      i = j > i ? j : i + 1;
    }
    return mergeSpans(spans);
  };
}

/** Sorted, with overlapping or touching spans joined. */
export function mergeSpans(spans: readonly MaskSpan[]): MaskSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: MaskSpan[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}
