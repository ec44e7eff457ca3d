// Bad input through the fast path's pure parts and the bundled fast model: each line gets a
// classified event that passes its schema, with finite scores and a language, never a throw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassifiedMessageSchema, MAX_TEXT_LENGTH } from '@sinbin/contract';
import { defaultModelDir } from '../../../../shared/scoring/src/load';
import { loadOnnxFastScorer, type OnnxFastScorer } from '../../../../shared/scoring/src/onnx-fast';
import { applyRules } from '../../../../shared/scoring/src/rules';
import { detectLanguage } from '../../../../shared/scoring/src/language';
import { classify } from '../../../../functions/fast-classifier/src/core';
import { chatMessage, T0 } from '../../../helpers/events';

const BAD = [
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

describe('bad input on the fast path', () => {
  let fast: OnnxFastScorer;
  beforeAll(async () => {
    fast = await loadOnnxFastScorer(defaultModelDir('fast'));
  });
  afterAll(async () => fast.close());

  it.each(BAD)('$what -> a valid classified event', async ({ text }) => {
    const [served] = await fast.score([{ text }]);
    const language = detectLanguage(text);
    const score = { ...applyRules(text, served!), language };
    const event = classify({ message: chatMessage({ text: text.slice(0, MAX_TEXT_LENGTH) || '?' }), score, modelVersion: fast.version, thresholds: fast.defaultThresholds, context: [], now: T0 });
    const parsed = ClassifiedMessageSchema.parse(event);
    for (const v of [parsed.fast.toxicity, ...Object.values(parsed.fast.categories)]) expect(Number.isFinite(v)).toBe(true);
    expect(Number.isFinite(language.confidence)).toBe(true);
    expect(['ok', 'toxic', 'needs-analysis']).toContain(parsed.route);
  });
});
