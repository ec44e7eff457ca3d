// The text the English deep model reads before its WordPiece tokenizer, chosen by the model's
// config (`sinbin.textNormalization`). Twin of models/sinbin_models/deep_text.py; the deep input
// parity fixture (tests/fixtures/deep-input-parity.json) pins both.

import { normalizeText } from './normalize';

// Invisible characters dodge filters and carry nothing a reader sees (control characters included).
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/gu;
const WHITESPACE = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/gu;
const EDGE_SPACES = /^ +| +$/g;
const LONG_RUN = /(.)\1{3,}/gsu;
// "@user @user @user ..." would spend the message's token budget on one mention.
const REPEATED_MENTION = /(@[A-Za-z0-9_]+)(?: \1)+(?![A-Za-z0-9_])/g;

/**
 * 'light': what a pretrained encoder can read. Only noise goes: invisible characters, runs of a
 * character past three, repeated mentions. Punctuation, case and emoji stay for the tokenizer.
 */
export function lightText(raw: string): string {
  const text = raw.normalize('NFKC').replace(INVISIBLE, '').replace(WHITESPACE, ' ').replace(EDGE_SPACES, '');
  return text.replace(LONG_RUN, '$1$1$1').replace(REPEATED_MENTION, '$1');
}

export const DEEP_TEXT_FORMS = { normalizeText, light: lightText } as const;
export type DeepTextForm = keyof typeof DEEP_TEXT_FORMS;
