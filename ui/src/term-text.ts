// A term list as the Term lists view's text areas hold it: one entry a line, a block term's
// category after " | " (none: profanity). Pure, so it is tested without a browser.
import { OFFENCE_CATEGORIES, type OffenceCategory, type TermEntry } from './types';

const CATEGORY_SEPARATOR = ' | ';

/** Entries as the text areas show them: one a line, a block term's category after " | " when it has one (so an unedited list saves as the same list). */
export function entriesToText(entries: readonly TermEntry[], withCategory: boolean): string {
  return entries.map((e) => (withCategory && e.category ? `${e.term}${CATEGORY_SEPARATOR}${e.category}` : e.term)).join('\n');
}

/** The text areas' lines back to entries; a line's known note is kept, blank lines dropped; the server checks the rest. */
export function textToEntries(text: string, withCategory: boolean, previous: readonly TermEntry[]): TermEntry[] {
  const notes = new Map(previous.filter((e) => e.note).map((e) => [e.term, e.note!]));
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.lastIndexOf(CATEGORY_SEPARATOR.trim());
      const maybe = at > 0 ? line.slice(at + 1).trim() : '';
      const category = withCategory && (OFFENCE_CATEGORIES as readonly string[]).includes(maybe) ? (maybe as OffenceCategory) : undefined;
      const term = category ? line.slice(0, at).trim() : line;
      const note = notes.get(term);
      return { term, ...(category ? { category } : {}), ...(note ? { note } : {}) };
    });
}
