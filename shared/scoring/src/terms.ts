// @sinbin/scoring/terms: terms for people, without any model: masking the worst terms in what
// moderators read, and the studios' own block and allow lists. Light enough for any function.
export { createMasker, mergeSpans, worstTerms, type MaskSpan, type MaskerOptions } from './masking';
export { blockCategory, compileTermLists, matchTerms, normalizeTerm, termListChanges, termListProblems, type CompiledTermLists, type TermReading } from './term-lists';
export { LiveTermLists } from './term-lists-live';
export { saveTermLists, termListHash, termListHistory, termListView, type TermListEdit } from './term-list-edits';
