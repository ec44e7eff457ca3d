// Pure core of the fast classifier: one message and its score in, one classified event out.
import {
  type ChatMessage,
  clamp01,
  clampCategories,
  type ClassifiedMessage,
  type ModelScore,
  routeFast,
  type RoutingThresholds,
  type RuleFlags,
  type StoredContextLine,
  type ToxicityScore,
} from '@sinbin/contract';

/** How many earlier lines of the channel travel with a message that needs deep analysis. */
export const CONTEXT_LINES = 8;

export function toModelScore(score: ToxicityScore, modelVersion: string, model?: string): ModelScore {
  return {
    toxicity: clamp01(score.toxicity),
    categories: clampCategories(score.categories),
    ...(score.confidence !== undefined ? { confidence: clamp01(score.confidence) } : {}),
    ...(score.evidence?.length ? { evidence: score.evidence.slice(0, 32) } : {}),
    modelVersion,
    ...(model ? { model } : {}),
    ...(score.alarm ? { alarm: score.alarm } : {}),
    ...(score.mildTaunt ? { mildTaunt: true } : {}),
    ...(score.obsceneGesture ? { obsceneGesture: true } : {}),
    ...(score.identityAttack ? { identityAttack: true } : {}),
    ...(score.sexualHarassment ? { sexualHarassment: true } : {}),
    ...(score.language ? { language: { code: score.language.code, confidence: clamp01(score.language.confidence) } } : {}),
  };
}

/** Only a message routed to analysis (or raising an alarm, which a moderator may read) carries its channel's context onward. */
export function needsContext(score: RuleFlags & Pick<ToxicityScore, 'toxicity' | 'alarm'>, thresholds: RoutingThresholds, analyse = false): boolean {
  return score.alarm !== undefined || routeFast(score, thresholds, { analyse }) === 'needs-analysis';
}

export function classify(input: {
  message: ChatMessage;
  score: ToxicityScore;
  modelVersion: string;
  /** The registered model, when the score came from a registry version. */
  model?: string;
  thresholds: RoutingThresholds;
  context: readonly StoredContextLine[];
  now: Date;
  /** The message is for another language's model: the English fast model never decides it alone. */
  analyse?: boolean;
}): ClassifiedMessage {
  const route = routeFast(input.score, input.thresholds, { analyse: input.analyse ?? false });
  return {
    message: input.message,
    route,
    fast: toModelScore(input.score, input.modelVersion, input.model),
    context: route === 'needs-analysis' || input.score.alarm ? input.context.map(({ messageId, playerId, text }) => ({ messageId, playerId, text })) : [],
    classifiedAt: input.now.toISOString(),
  };
}

export const channelKey = (m: Pick<ChatMessage, 'gameId' | 'channelId'>) => `${m.gameId}/${m.channelId}`;
