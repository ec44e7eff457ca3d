// A studio's own words: per game, a block list (a match blocks the message, as the entry's
// category) and an allow list (the models read the message without the entry, so it can no
// longer be the reason for a block; the rest of the message still can). Matching is on whole
// words after the fast path's obfuscation normalisation (@sinbin/scoring/term-lists), so
// "Scunthorpe", "assassin", "cocktail" and "therapist" never hit "cunt", "ass", "cock", "rapist".
import { z } from 'zod';
import { CategorySchema } from './events';

export const MAX_TERMS_PER_LIST = 5000;
export const MAX_TERM_LENGTH = 100;

/** Letters or digits a term needs at the least: fewer would match (nearly) every message. */
export const MIN_TERM_CHARS = 2;

const termText = z
  .string({ error: 'a term is text' })
  .trim()
  .min(1, 'a term must not be empty (it would match every message)')
  .max(MAX_TERM_LENGTH, `a term has at most ${MAX_TERM_LENGTH} characters`)
  .refine((t) => (t.match(/[\p{L}\p{N}]/gu) ?? []).length >= MIN_TERM_CHARS, {
    message: `a term needs at least ${MIN_TERM_CHARS} letters or digits (a single letter or bare punctuation would match nearly every message)`,
  });

export const TermEntrySchema = z
  .object({
    term: termText,
    /** Block list: the category a match blocks as (default `profanity`). Ignored on the allow list. */
    category: CategorySchema.optional(),
    note: z.string().max(200).optional(),
  })
  .strict();
export type TermEntry = z.infer<typeof TermEntrySchema>;

/** An entry as a plain string, or as an object with a category and a note (a plain string's problems are reported as the term's). */
const entry = z.preprocess((v) => (typeof v === 'string' ? { term: v } : v), TermEntrySchema);

export const TermListsSchema = z
  .object({
    block: z.array(entry).max(MAX_TERMS_PER_LIST, `a list holds at most ${MAX_TERMS_PER_LIST} terms`).default([]),
    allow: z.array(entry).max(MAX_TERMS_PER_LIST, `a list holds at most ${MAX_TERMS_PER_LIST} terms`).default([]),
  })
  .strict();
export type TermLists = { block: TermEntry[]; allow: TermEntry[] };

export interface TermListVersion {
  gameId: string;
  version: number;
  lists: TermLists;
  contentHash: string;
  createdAt: string;
  /** A lead's username, or `admin:<token id>` through the gateway's admin API. */
  createdBy: string;
  note?: string;
}

/** What changed between two versions of a game's lists, entry by entry (by normalised term). */
export interface TermListChange {
  list: 'block' | 'allow';
  kind: 'added' | 'removed' | 'changed';
  term: string;
}
