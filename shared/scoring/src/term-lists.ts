// A studio's term lists, compiled for matching: each term goes through the fast path's
// obfuscation normalisation (normalize.ts) into whole tokens, and a message matches a term only
// where its own normalised tokens equal the term's, so a term never hits inside a longer word
// ("Scunthorpe", "assassin", "cocktail", "therapist"). A token may carry more doubled letters than
// the term ("fuuuck" hits "fuck"), never fewer ("as" does not hit "ass").
import { OFFENCE_CATEGORIES, type OffenceCategory, type TermHit, type TermLists, type TermListChange, type TermMatch } from '@sinbin/contract';
import { collapseDoubles, normalizeText } from './normalize';

export interface CompiledTerm {
  /** The normalised term, as matches report it. */
  term: string;
  tokens: string[];
  category?: OffenceCategory;
}

export interface CompiledTermLists {
  version: number;
  /** Terms by the collapsed form of their first token. */
  block: Map<string, CompiledTerm[]>;
  allow: Map<string, CompiledTerm[]>;
}

/** The normalised form a term is matched and compared by. */
export function normalizeTerm(term: string): string {
  return normalizeText(term);
}

/** Letters or digits a normalised term needs: fewer would match (nearly) every message. */
const MIN_NORMALISED_CHARS = 2;

/**
 * What is wrong with the lists beyond their schema, each problem with its place: a term the
 * normalisation empties or leaves under two characters (it would match nearly everything), a
 * term twice on one list, a term on both lists.
 */
export function termListProblems(lists: TermLists): string[] {
  const problems: string[] = [];
  const seen = { block: new Map<string, number>(), allow: new Map<string, number>() };
  for (const list of ['block', 'allow'] as const) {
    lists[list].forEach((entry, i) => {
      const normalised = normalizeTerm(entry.term);
      // Too short, or only single letters: it would hit inside ordinary chat everywhere.
      if ([...normalised.replace(/ /g, '')].length < MIN_NORMALISED_CHARS || normalised.split(' ').every((t) => [...t].length < MIN_NORMALISED_CHARS)) {
        problems.push(`${list}[${i}]: "${entry.term}" normalises to "${normalised}", which would match nearly every message`);
        return;
      }
      const earlier = seen[list].get(normalised);
      if (earlier !== undefined) problems.push(`${list}[${i}]: "${entry.term}" is the same term as ${list}[${earlier}] once normalised ("${normalised}")`);
      else seen[list].set(normalised, i);
    });
  }
  for (const [term, i] of seen.allow) {
    const j = seen.block.get(term);
    if (j !== undefined) problems.push(`allow[${i}]: "${term}" is also block[${j}]: a term is on one list`);
  }
  return problems;
}

function index(entries: TermLists['block'], withCategory: boolean): Map<string, CompiledTerm[]> {
  const byFirst = new Map<string, CompiledTerm[]>();
  for (const entry of entries) {
    const term = normalizeTerm(entry.term);
    const tokens = term.split(' ').filter(Boolean);
    if (tokens.length === 0) continue;
    const compiled: CompiledTerm = { term, tokens, ...(withCategory ? { category: entry.category ?? 'profanity' } : {}) };
    const key = collapseDoubles(tokens[0]!);
    byFirst.set(key, [...(byFirst.get(key) ?? []), compiled]);
  }
  return byFirst;
}

export function compileTermLists(lists: TermLists, version: number): CompiledTermLists {
  return { version, block: index(lists.block, true), allow: index(lists.allow, false) };
}

function tokenMatches(token: string, termToken: string): boolean {
  return token === termToken || (token.length >= termToken.length && collapseDoubles(token) === collapseDoubles(termToken));
}

/** Where the terms of one list occur in the tokens: [start, end) spans and the term. */
function occurrences(tokens: readonly string[], byFirst: Map<string, CompiledTerm[]>): { start: number; end: number; term: CompiledTerm }[] {
  const found: { start: number; end: number; term: CompiledTerm }[] = [];
  if (byFirst.size === 0) return found;
  for (let i = 0; i < tokens.length; i++) {
    const candidates = byFirst.get(collapseDoubles(tokens[i]!));
    if (!candidates) continue;
    for (const term of candidates) {
      if (i + term.tokens.length > tokens.length) continue;
      if (term.tokens.every((t, k) => tokenMatches(tokens[i + k]!, t))) found.push({ start: i, end: i + term.tokens.length, term });
    }
  }
  return found;
}

export interface TermReading {
  match: TermMatch | undefined;
  /** What the models read: the message without its allowed terms (the original text when none). */
  readAs: string;
}

/** The lists' hits in a message, and the text the models read once allowed terms are taken out. */
export function matchTerms(compiled: CompiledTermLists, text: string): TermReading {
  const tokens = normalizeText(text).split(' ').filter(Boolean);
  const blockedAt = occurrences(tokens, compiled.block);
  const allowedAt = occurrences(tokens, compiled.allow);
  if (blockedAt.length === 0 && allowedAt.length === 0) return { match: undefined, readAs: text };
  const blocked: TermHit[] = [];
  for (const o of blockedAt) if (!blocked.some((b) => b.term === o.term.term)) blocked.push({ term: o.term.term, ...(o.term.category ? { category: o.term.category } : {}) });
  const allowed = [...new Set(allowedAt.map((o) => o.term.term))];
  let readAs = text;
  if (allowedAt.length > 0) {
    const masked = new Array<boolean>(tokens.length).fill(false);
    for (const o of allowedAt) for (let k = o.start; k < o.end; k++) masked[k] = true;
    readAs = tokens.filter((_, k) => !masked[k]).join(' ');
  }
  return { match: { version: compiled.version, blocked: blocked.slice(0, 20), allowed: allowed.slice(0, 20) }, readAs };
}

/** The category a block-list hit blocks as: the first hit's (a valid model category). */
export function blockCategory(match: TermMatch): OffenceCategory {
  const c = match.blocked[0]?.category;
  return c && (OFFENCE_CATEGORIES as readonly string[]).includes(c) ? c : 'profanity';
}

/** What changed between two versions, entry by entry (by normalised term). */
export function termListChanges(before: TermLists | undefined, after: TermLists): TermListChange[] {
  const changes: TermListChange[] = [];
  for (const list of ['block', 'allow'] as const) {
    const old = new Map((before?.[list] ?? []).map((e) => [normalizeTerm(e.term), e]));
    const now = new Map(after[list].map((e) => [normalizeTerm(e.term), e]));
    for (const [term, e] of now) {
      const o = old.get(term);
      if (!o) changes.push({ list, kind: 'added', term });
      else if ((o.category ?? null) !== (e.category ?? null) || (o.note ?? null) !== (e.note ?? null)) changes.push({ list, kind: 'changed', term });
    }
    for (const term of old.keys()) if (!now.has(term)) changes.push({ list, kind: 'removed', term });
  }
  return changes;
}
