// Hostile and malformed chat lines that every scorer must survive with finite scores: the issue's
// bad-input list (empty, 20,000 characters, mixed scripts, zero-width, emoji only, RTL) and more.
import { MAX_TEXT_LENGTH } from '@sinbin/contract';

export const BAD_TEXTS: readonly { what: string; text: string }[] = [
  { what: 'empty', text: '' },
  { what: 'whitespace', text: ' \t\n ' },
  { what: 'longest allowed', text: 'ab '.repeat(MAX_TEXT_LENGTH / 3) },
  { what: '20,000 characters (past the gateway: scored anyway)', text: 'x'.repeat(20_000) },
  { what: 'mixed scripts', text: 'gg ты нуб 你好 noob وداعا' },
  { what: 'zero-width only', text: '\u200b\u200c\u200d\u2060\ufeff' },
  { what: 'zero-width in a word', text: 'k\u200by\u200bs' },
  { what: 'emoji only', text: '🔥😂🖕' },
  { what: 'RTL', text: 'أنت لاعب سيء جدا' },
  { what: 'RTL override', text: '\u202egnorw era uoy\u202c' },
  { what: 'lone surrogate', text: 'bad \ud800 text' },
  { what: 'control characters', text: 'hi\u0000\u0007there' },
  { what: 'combining marks pile', text: 'Z\u0300\u0301\u0302\u0303\u0304\u0305\u0306'.repeat(50) },
];
