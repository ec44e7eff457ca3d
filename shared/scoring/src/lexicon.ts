// The transparent baseline scorer: a weighted lexicon over obfuscation-normalised text. It is
// the classifiers' fallback whenever a trained model cannot load, so it must stay honest and
// explainable: every score comes with the terms that produced it.
import { collapseDoubles, normalizeText } from './normalize';
import { type Category, emptyCategories, type ScoringInput, type ToxicityScore, type ToxicityScorer } from '@sinbin/contract';

export interface LexiconTerm {
  /** Normalised form; phrases are space-separated. */
  term: string;
  category: Category;
  /** Contribution to toxicity in (0, 1): how bad the term is on its own. */
  weight: number;
  /** `prefix` also matches inflections ("fuck" -> "fucking"); `anywhere` matches inside run-together words. */
  match?: 'exact' | 'prefix' | 'anywhere';
}

const t = (term: string, category: Category, weight: number, match: LexiconTerm['match'] = 'exact'): LexiconTerm => ({ term, category, weight, match });

/** The project's own starter lexicon, written for game chat; studios extend it per game. */
export const DEFAULT_LEXICON: readonly LexiconTerm[] = [
  // profanity: strong on its own, but common as an exclamation, so mid weights
  t('fuck', 'profanity', 0.7, 'anywhere'), t('fck', 'profanity', 0.6, 'prefix'), t('fuk', 'profanity', 0.6, 'prefix'),
  t('fk', 'profanity', 0.4), t('fking', 'profanity', 0.6), t('fkn', 'profanity', 0.5), t('wtf', 'profanity', 0.25),
  t('stfu', 'insult', 0.6), t('gtfo', 'insult', 0.55), t('shit', 'profanity', 0.55, 'prefix'), t('sht', 'profanity', 0.4),
  t('bullshit', 'profanity', 0.5), t('crap', 'profanity', 0.3, 'prefix'), t('damn', 'profanity', 0.2, 'prefix'),
  t('hell', 'profanity', 0.1), t('piss', 'profanity', 0.35, 'prefix'), t('bastard', 'insult', 0.6, 'prefix'),
  t('motherfuck', 'profanity', 0.8, 'anywhere'), t('mf', 'profanity', 0.4), t('mofo', 'profanity', 0.5),
  t('cunt', 'insult', 0.85, 'anywhere'), t('twat', 'insult', 0.7, 'prefix'), t('dick', 'insult', 0.5, 'prefix'),
  t('cock', 'sexual', 0.5, 'prefix'), t('prick', 'insult', 0.55), t('ass', 'profanity', 0.35), t('asshole', 'insult', 0.75),
  t('arse', 'profanity', 0.35, 'prefix'), t('bitch', 'insult', 0.75, 'prefix'), t('btch', 'insult', 0.65), t('slut', 'sexual', 0.8, 'prefix'),
  t('whore', 'sexual', 0.8, 'prefix'), t('hoe', 'sexual', 0.5), t('wanker', 'insult', 0.7, 'prefix'), t('jerkoff', 'insult', 0.5),
  // insults aimed at a player's skill or worth: mild ones only count with other signals
  t('noob', 'insult', 0.2, 'prefix'), t('nub', 'insult', 0.15), t('newb', 'insult', 0.15), t('trash', 'insult', 0.3),
  t('garbage', 'insult', 0.3), t('idiot', 'insult', 0.6, 'prefix'), t('moron', 'insult', 0.6, 'prefix'), t('stupid', 'insult', 0.45),
  t('dumb', 'insult', 0.4, 'prefix'), t('dumbass', 'insult', 0.7), t('loser', 'insult', 0.4), t('pathetic', 'insult', 0.4),
  t('useless', 'insult', 0.35), t('worthless', 'insult', 0.5), t('scum', 'insult', 0.55, 'prefix'), t('clown', 'insult', 0.3),
  t('retard', 'identity_hate', 0.8, 'prefix'), t('tard', 'identity_hate', 0.6), t('autist', 'identity_hate', 0.55, 'prefix'),
  t('uninstall', 'insult', 0.35), t('braindead', 'insult', 0.5), t('brainless', 'insult', 0.5), t('imbecile', 'insult', 0.6),
  t('ugly', 'insult', 0.35), t('fat', 'insult', 0.15), t('shut up', 'insult', 0.4), t('suck', 'insult', 0.3, 'prefix'),
  t('you suck', 'insult', 0.5), t('ur mom', 'insult', 0.45), t('your mom', 'insult', 0.45), t('yo mama', 'insult', 0.45),
  t('ez', 'insult', 0.1), t('get rekt', 'insult', 0.2), t('cancer', 'insult', 0.35), t('toxic', 'insult', 0.1),
  // threats and self-harm incitement
  t('kys', 'threat', 0.9), t('kill yourself', 'threat', 0.95), t('kill urself', 'threat', 0.95), t('kill yourselves', 'threat', 0.9),
  t('neck yourself', 'threat', 0.9), t('hang yourself', 'threat', 0.9), t('go die', 'threat', 0.75), t('die in', 'threat', 0.5),
  t('i will kill you', 'threat', 0.8), t('ill kill you', 'threat', 0.75), t('i will find you', 'threat', 0.7), t('find where you live', 'threat', 0.85),
  t('swat', 'threat', 0.4, 'prefix'), t('dox', 'threat', 0.6, 'prefix'), t('rape', 'threat', 0.85, 'prefix'), t('hope you die', 'threat', 0.85),
  t('murder', 'threat', 0.4, 'prefix'), t('behead', 'threat', 0.7, 'prefix'),
  // identity hate: slurs get the highest weights
  t('nigger', 'identity_hate', 0.98, 'anywhere'), t('nigga', 'identity_hate', 0.8, 'anywhere'), t('nigg', 'identity_hate', 0.9, 'anywhere'),
  t('faggot', 'identity_hate', 0.95, 'anywhere'), t('fag', 'identity_hate', 0.85, 'prefix'), t('dyke', 'identity_hate', 0.8),
  t('tranny', 'identity_hate', 0.85, 'prefix'), t('kike', 'identity_hate', 0.9, 'prefix'), t('spic', 'identity_hate', 0.85),
  t('chink', 'identity_hate', 0.9, 'prefix'), t('gook', 'identity_hate', 0.85), t('wetback', 'identity_hate', 0.9),
  t('paki', 'identity_hate', 0.8), t('raghead', 'identity_hate', 0.9), t('towelhead', 'identity_hate', 0.9), t('coon', 'identity_hate', 0.6),
  t('monkey', 'identity_hate', 0.2), t('gypsy', 'identity_hate', 0.35), t('homo', 'identity_hate', 0.55), t('gay', 'identity_hate', 0.2),
  t('subhuman', 'identity_hate', 0.8), t('go back to your country', 'identity_hate', 0.8), t('white trash', 'identity_hate', 0.6),
  // sexual harassment
  t('pussy', 'sexual', 0.6, 'prefix'), t('dildo', 'sexual', 0.6), t('blowjob', 'sexual', 0.7), t('porn', 'sexual', 0.5, 'prefix'),
  t('horny', 'sexual', 0.5), t('send nudes', 'sexual', 0.85), t('nudes', 'sexual', 0.6), t('suck my', 'sexual', 0.7),
  t('cum', 'sexual', 0.55), t('jizz', 'sexual', 0.6), t('tits', 'sexual', 0.55), t('boobs', 'sexual', 0.45),
];

/** A second-person word nearby turns a mild insult into a directed one. */
const SECOND_PERSON = new Set(['you', 'u', 'ur', 'youre', 'your', 'yours', 'ya', 'yu', 'urself', 'yourself']);
const DIRECTED_BOOST = 0.15;

export interface CompiledLexicon {
  exact: Map<string, LexiconTerm>;
  prefix: LexiconTerm[];
  anywhere: LexiconTerm[];
  phrases: LexiconTerm[];
}

export function compile(terms: readonly LexiconTerm[]): CompiledLexicon {
  const c: CompiledLexicon = { exact: new Map(), prefix: [], anywhere: [], phrases: [] };
  for (const term of terms) {
    if (term.term.includes(' ')) c.phrases.push(term);
    else if (term.match === 'anywhere') c.anywhere.push(term);
    else if (term.match === 'prefix') c.prefix.push(term);
    else {
      c.exact.set(term.term, term);
      c.exact.set(collapseDoubles(term.term), term);
    }
  }
  return c;
}

export function lookupToken(lex: CompiledLexicon, token: string): LexiconTerm | undefined {
  const single = collapseDoubles(token);
  const exact = lex.exact.get(token) ?? lex.exact.get(single);
  let best = exact;
  const consider = (term: LexiconTerm) => {
    if (!best || term.weight > best.weight) best = term;
  };
  for (const term of lex.prefix) {
    if (token.startsWith(term.term) || single.startsWith(collapseDoubles(term.term))) consider(term);
  }
  for (const term of lex.anywhere) {
    if (token.includes(term.term) || single.includes(collapseDoubles(term.term))) consider(term);
  }
  return best;
}

export function scoreWithLexicon(text: string, lex: CompiledLexicon): ToxicityScore {
  const normalised = normalizeText(text);
  const tokens = normalised.split(' ').filter(Boolean);
  const matches: LexiconTerm[] = [];
  for (const token of tokens) {
    const term = lookupToken(lex, token);
    if (term) matches.push(term);
  }
  const padded = ` ${tokens.map(collapseDoubles).join(' ')} `;
  const raw = ` ${normalised} `;
  for (const phrase of lex.phrases) {
    if (raw.includes(` ${phrase.term} `) || padded.includes(` ${collapseDoubles(phrase.term)} `)) matches.push(phrase);
  }
  const directed = tokens.some((tok) => SECOND_PERSON.has(tok));
  const categories = emptyCategories();
  let clean = 1;
  for (const m of matches) {
    const weight = Math.min(0.99, m.weight + (directed && m.category === 'insult' ? DIRECTED_BOOST : 0));
    clean *= 1 - weight;
    categories[m.category] = Math.max(categories[m.category], weight);
  }
  const toxicity = 1 - clean;
  return {
    toxicity: Math.round(toxicity * 1e6) / 1e6,
    categories,
    // Far from the middle is where a word list is most likely right.
    confidence: Math.round(Math.abs(toxicity - 0.5) * 2 * 1e6) / 1e6,
    evidence: [...new Set(matches.map((m) => m.term))],
  };
}

export const LEXICON_VERSION = 'lexicon-1';

export function createLexiconScorer(terms: readonly LexiconTerm[] = DEFAULT_LEXICON): ToxicityScorer {
  const lex = compile(terms);
  return {
    kind: 'lexicon',
    version: LEXICON_VERSION,
    async score(batch: readonly ScoringInput[]): Promise<ToxicityScore[]> {
      return batch.map((input) => scoreWithLexicon(input.text, lex));
    },
  };
}

/** Thresholds that suit the lexicon's weights: one mild term is OK, one strong term is toxic. */
export const LEXICON_THRESHOLDS = { okBelow: 0.3, toxicFrom: 0.7 } as const;
