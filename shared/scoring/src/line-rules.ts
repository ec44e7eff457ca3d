// What the identity and sexual rules share: named patterns over normalizeText's output, each a
// whole-word match, and a one-search pre-check for a word every rule needs. Pure.

export interface LineRule {
  name: string;
  pattern: RegExp;
}

/** A rule matching `source` as whole words of a normalised line. */
export const lineRule = (name: string, source: string): LineRule => ({ name, pattern: new RegExp(String.raw`(?:^| )(?:${source})(?: |$)`) });

/**
 * The names of the rules a normalised line trips; `anchor` (a word every rule needs) rules out
 * almost every line in one search, cheaper than trying the rules or their union at every position.
 */
export function rulesTripped(rules: readonly LineRule[], anchor: RegExp, normalised: string): string[] {
  if (!anchor.test(normalised)) return [];
  return rules.filter((r) => r.pattern.test(normalised)).map((r) => r.name);
}
