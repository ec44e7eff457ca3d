import { describe, expect, it } from 'vitest';
import { AnalysisResultSchema, type ToxicityScore } from '@sinbin/contract';
import { analysisResult, deepModelFor, readingLanguage, readText, scoringInput } from '../../../../functions/deep-analyzer/src/core';
import { analysisRequest, categories, chatMessage, modelScore, T0 } from '../../../helpers/events';

const score = (toxicity: number, extra: Partial<ToxicityScore> = {}): ToxicityScore => ({ toxicity, categories: categories({ insult: toxicity }), ...extra });

describe('deep-analyzer scoringInput', () => {
  it('gives the model the text, its speaker and the context lines, oldest first', () => {
    const request = analysisRequest({
      message: chatMessage({ text: 'ur trash noob', playerId: 'p1' }),
      context: [
        { messageId: 'a', playerId: 'p2', text: 'first' },
        { messageId: 'b', text: 'anonymous line' },
        { playerId: 'p1', text: 'third' },
      ],
    });
    expect(scoringInput(request)).toEqual({
      text: 'ur trash noob',
      playerId: 'p1',
      context: [{ playerId: 'p2', text: 'first' }, { text: 'anonymous line' }, { playerId: 'p1', text: 'third' }],
      fastToxicity: request.fast.toxicity,
    });
  });

  it('an empty context stays empty', () => {
    expect(scoringInput(analysisRequest({ context: [] })).context).toEqual([]);
  });
});

describe('deep-analyzer analysisResult', () => {
  it('keeps the message, fast score and context, and stamps the analysis time', () => {
    const request = analysisRequest();
    const out = analysisResult(request, score(0.8, { confidence: 0.9 }), 'deep-7', T0);
    expect(out).toEqual({
      message: request.message,
      fast: request.fast,
      deep: { toxicity: 0.8, categories: categories({ insult: 0.8 }), confidence: 0.9, modelVersion: 'deep-7' },
      context: request.context,
      analyzedAt: T0.toISOString(),
    });
    expect(AnalysisResultSchema.parse(out)).toEqual(out);
  });

  it.each([
    { toxicity: 0.5, want: 0 },
    { toxicity: 0.75, want: 0.5 },
    { toxicity: 0.1, want: 0.8 },
    { toxicity: 1, want: 1 },
    { toxicity: 0, want: 1 },
  ])('without a model confidence, toxicity $toxicity gives confidence $want (distance from the fence)', ({ toxicity, want }) => {
    expect(analysisResult(analysisRequest(), score(toxicity), 'v', T0).deep.confidence).toBeCloseTo(want, 12);
  });

  it.each([
    { toxicity: 1.4, confidence: -1, wantToxicity: 1, wantConfidence: 0 },
    { toxicity: Number.NaN, confidence: Number.NaN, wantToxicity: 0, wantConfidence: 0 },
    { toxicity: -3, confidence: 7, wantToxicity: 0, wantConfidence: 1 },
  ])('clamps a misbehaving model ($toxicity, $confidence) into [0, 1]', ({ toxicity, confidence, wantToxicity, wantConfidence }) => {
    const out = analysisResult(analysisRequest(), { toxicity, confidence, categories: categories({ insult: 0.5 }) }, 'v', T0);
    expect(out.deep.toxicity).toBe(wantToxicity);
    expect(out.deep.confidence).toBe(wantConfidence);
    expect(AnalysisResultSchema.safeParse(out).success).toBe(true);
  });

  it('keeps up to 32 evidence terms and leaves out empty evidence', () => {
    const evidence = Array.from({ length: 33 }, (_, i) => `t${i}`);
    expect(analysisResult(analysisRequest(), score(0.9, { evidence }), 'v', T0).deep.evidence).toHaveLength(32);
    expect(analysisResult(analysisRequest(), score(0.9, { evidence: [] }), 'v', T0).deep).not.toHaveProperty('evidence');
  });

  it("passes on the model's validated cut-offs when it has them, and none otherwise", () => {
    const withCutoffs = analysisResult(analysisRequest(), score(0.8, { confidence: 0.9 }), 'deep-7', T0, { toxicFrom: 0.65, minConfidence: 0.4 });
    expect(withCutoffs.deep).toMatchObject({ toxicFrom: 0.65, minConfidence: 0.4 });
    expect(AnalysisResultSchema.parse(withCutoffs)).toEqual(withCutoffs);
    const without = analysisResult(analysisRequest(), score(0.8), 'lexicon-1', T0);
    expect(without.deep).not.toHaveProperty('toxicFrom');
    expect(without.deep).not.toHaveProperty('minConfidence');
  });
});

describe('allowed terms', () => {
  it('the deep model reads the message without the game-allowed terms', () => {
    expect(readText(analysisRequest({ message: chatMessage({ text: 'i will KILL you' }), allowedTerms: ['kill'] }))).toBe('i will you');
    expect(readText(analysisRequest({ message: chatMessage({ text: 'i will KILL you' }) }))).toBe('i will KILL you');
  });
});

describe('deep-analyzer readingLanguage', () => {
  it.each([
    { text: 'ton jeu est bizarre, tu fais quoi là', language: { code: 'fr', confidence: 0.77 }, want: 'fr' },
    { text: 'ton jeu est bizarre', language: { code: 'fr', confidence: 0.5 }, want: 'en' },
    { text: 'mdr', language: { code: 'fr', confidence: 0.9 }, want: 'en' },
    { text: 'what are you doing', language: { code: 'en', confidence: 0.8 }, want: 'en' },
    { text: 'what are you doing', language: undefined, want: 'en' },
  ])('$text ($language.code at $language.confidence) -> $want', ({ text, language, want }) => {
    const request = analysisRequest({ message: chatMessage({ text }), fast: modelScore({ toxicity: 0.5, ...(language ? { language } : {}) }) });
    expect(readingLanguage(request)).toBe(want);
  });
});

describe('deep-analyzer deepModelFor', () => {
  const french = { code: 'fr', confidence: 0.9 };
  it.each([
    { text: "t'es vraiment nul, retourne jouer", language: french, setting: 'english', want: 'deep' },
    { text: "t'es vraiment nul, retourne jouer", language: french, setting: 'multilingual', want: 'multilingual' },
    // Under the routing rule (too unsure, or too few letters) a line is English whatever the setting.
    { text: "t'es vraiment nul, retourne jouer", language: { code: 'fr', confidence: 0.5 }, setting: 'multilingual', want: 'deep' },
    { text: 'lol', language: french, setting: 'multilingual', want: 'deep' },
    { text: 'you are bad', language: { code: 'en', confidence: 0.9 }, setting: 'multilingual', want: 'deep' },
  ] as const)('$text ($language.code $language.confidence), FRENCH_DEEP_MODEL=$setting -> $want', ({ text, language, setting, want }) => {
    const request = analysisRequest({ message: chatMessage({ text }), fast: modelScore({ toxicity: 0.5, language }) });
    expect(deepModelFor(request, setting)).toBe(want);
  });
});
