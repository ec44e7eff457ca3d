// @sinbin/scoring/terms: the lexicon's terms for people, without any model: masking the worst
// terms in what moderators read. Light enough for the moderation function's bundle.
export { createMasker, mergeSpans, worstTerms, type MaskSpan, type MaskerOptions } from './masking';
