import { describe, expect, it } from 'vitest';
import { lightText } from '../../../shared/scoring/src/deep-text';

// The same table is in models/tests/test_deep_text.py: both twins must agree on every row.
const ROWS: Array<[string, string, string]> = [
  ['plain chat stays as typed', 'gg wp, Nice Play!', 'gg wp, Nice Play!'],
  ['a chain of one mention becomes one', '@user @user @user you are trash', '@user you are trash'],
  ['different mentions stay', '@user @USER @bob hi', '@user @USER @bob hi'],
  ['a longer name is not its prefix repeated', '@user @username', '@user @username'],
  ['runs past three shrink to three', 'nooooooob!!!!!!', 'nooob!!!'],
  ['emoji runs shrink by code point', 'lol 😂😂😂😂😂', 'lol 😂😂😂'],
  ['invisible characters go', 'k\u200by\u200bs\u00ad', 'kys'],
  ['bidi controls go', '\u202eevil\u202c', 'evil'],
  ['whitespace collapses and edges trim', '  a\t\tb\u2028c\u3000 ', 'a b c'],
  ['NFKC folds full width and ligatures', 'ｆｕｌｌ ﬁne', 'full fine'],
  ['accents and scripts are left to the tokenizer', 'café مرحبا 你好', 'café مرحبا 你好'],
  ['empty stays empty', '', ''],
  ['only invisible is empty', '\u200b\u200d\ufeff', ''],
];

describe('lightText (the deep model\'s light text form)', () => {
  it.each(ROWS)('%s', (_why, input, expected) => {
    expect(lightText(input)).toBe(expected);
  });
});
