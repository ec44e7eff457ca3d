import { describe, expect, it } from 'vitest';
import type { AnalysisResult } from '@sinbin/contract';
import { LEXICON_VERSION } from '../../../../shared/scoring/src/lexicon';
import deepAnalyzer from '../../../../functions/deep-analyzer/src/function';
import { analysisRequest, chatMessage, delivery, modelScore } from '../../../helpers/events';
import { startFunction } from '../../../helpers/functions';

describe('deep-analyzer function (lexicon fallback)', () => {
  it('answers an analysis request with the deep reading, its confidence and the context', async () => {
    const { running } = await startFunction(deepAnalyzer);
    const request = analysisRequest({ message: chatMessage({ text: 'ur trash noob' }) });
    const out = await running.handle(delivery('nlp-analysis-required', request));
    expect(out.map((o) => o.topic)).toEqual(['nlp-analysis-results']);
    const result = out[0]!.event as AnalysisResult;
    expect(result.deep.modelVersion).toBe(LEXICON_VERSION);
    expect(result.deep.toxicity).toBeCloseTo(0.6425, 6);
    expect(result.deep.confidence).toBeCloseTo(0.285, 6);
    expect(result.context).toEqual(request.context);
    expect(result.fast).toEqual(request.fast);
    await running.stop();
  });

  it('scores concurrent requests (batched) each with its own result', async () => {
    const { running } = await startFunction(deepAnalyzer);
    const texts = ['gg', 'kys', 'ur trash noob', 'nice shot'];
    const outs = await Promise.all(texts.map((text) => running.handle(delivery('nlp-analysis-required', analysisRequest({ message: chatMessage({ text }) })))));
    expect(outs.map(([o]) => (o!.event as AnalysisResult).message.text)).toEqual(texts);
    expect(outs.map(([o]) => (o!.event as AnalysisResult).deep.toxicity > 0.5)).toEqual([false, true, true, false]);
  });
});

describe('deep-analyzer function: which model reads French', () => {
  const frenchRequest = () => analysisRequest({ message: chatMessage({ text: "t'es vraiment nul, retourne jouer au bac à sable" }), fast: modelScore({ toxicity: 0.5, language: { code: 'fr', confidence: 0.9 } }) });

  it('reads French with the English deep model by default', async () => {
    const { running } = await startFunction(deepAnalyzer);
    const [out] = await running.handle(delivery('nlp-analysis-required', frenchRequest()));
    expect((out!.event as AnalysisResult).deep.modelVersion).toBe(LEXICON_VERSION);
    await running.stop();
  });

  it('reads French with the bundled multilingual model under FRENCH_DEEP_MODEL=multilingual', async () => {
    const { running } = await startFunction(deepAnalyzer, { env: { FRENCH_DEEP_MODEL: 'multilingual', MODEL_THREAD: 'false' } });
    const [out] = await running.handle(delivery('nlp-analysis-required', frenchRequest()));
    expect((out!.event as AnalysisResult).deep.modelVersion).toMatch(/^multilingual-/);
    await running.stop();
  }, 30_000);
});
