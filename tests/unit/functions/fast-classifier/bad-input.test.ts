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
import { BAD_TEXTS as BAD } from '../../../helpers/bad-input';

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
