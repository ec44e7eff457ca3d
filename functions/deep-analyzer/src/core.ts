// Pure core of the deep analyzer: an ambiguous message read with its conversation.
import { type AnalysisRequest, type AnalysisResult, clamp01, clampCategories, routeLanguage, type RoutedLanguage, type ScoringInput, type ToxicityScore } from '@sinbin/contract';
import { compileTermLists, matchTerms } from '@sinbin/scoring/terms';

/** The message as the model reads it: without the game's allow-list terms it holds (the fast stage found them). */
export function readText(request: AnalysisRequest): string {
  if (!request.allowedTerms?.length) return request.message.text;
  const allow = compileTermLists({ block: [], allow: request.allowedTerms.map((term) => ({ term })) }, 1);
  return matchTerms(allow, request.message.text).readAs || ' ';
}

/** Which deep model reads the message: the fast path's language reading, under the routing rule. */
export function readingLanguage(request: AnalysisRequest): RoutedLanguage {
  return routeLanguage(request.message.text, request.fast.language);
}

/** Which model reads French: the English deep model (trained with French lines) or the multilingual one. */
export type FrenchDeepModel = 'english' | 'multilingual';

/**
 * The deep model for a request. French goes to the multilingual model only where the deployment
 * asks for it: on models/eval's French game-chat set the English models read French better
 * (toxic-F1 0.853 against 0.789, harmless lines flagged 5 % against 14 %; models/multilingual/MODEL_CARD.md).
 */
export function deepModelFor(request: AnalysisRequest, french: FrenchDeepModel): 'deep' | 'multilingual' {
  return french === 'multilingual' && readingLanguage(request) === 'fr' ? 'multilingual' : 'deep';
}

export function scoringInput(request: AnalysisRequest): ScoringInput {
  return {
    text: readText(request),
    playerId: request.message.playerId,
    context: request.context.map(({ playerId, text }) => (playerId === undefined ? { text } : { playerId, text })),
    // A stacked deep model combines its own reading with the fast stage's score.
    fastToxicity: request.fast.toxicity,
  };
}

/** A deep model's own validated cut-offs, passed on for the decision manager. */
export interface DeepCutoffs {
  toxicFrom?: number;
  minConfidence?: number;
}

export function analysisResult(request: AnalysisRequest, score: ToxicityScore, modelVersion: string, now: Date, cutoffs: DeepCutoffs = {}, model?: string): AnalysisResult {
  const toxicity = clamp01(score.toxicity);
  return {
    message: request.message,
    fast: request.fast,
    deep: {
      toxicity,
      categories: clampCategories(score.categories),
      // A model that reports no confidence is as sure as its distance from the fence.
      confidence: clamp01(score.confidence ?? Math.abs(toxicity - 0.5) * 2),
      ...(score.evidence?.length ? { evidence: score.evidence.slice(0, 32) } : {}),
      modelVersion,
      ...(model ? { model } : {}),
      ...(cutoffs.toxicFrom !== undefined ? { toxicFrom: cutoffs.toxicFrom } : {}),
      ...(cutoffs.minConfidence !== undefined ? { minConfidence: cutoffs.minConfidence } : {}),
    },
    context: request.context,
    analyzedAt: now.toISOString(),
    ...(request.allowedTerms?.length ? { allowedTerms: request.allowedTerms } : {}),
  };
}
