// Pure core of shadow mode: what a candidate policy would have done with a message the active
// policy just decided, worked out from what the decision manager knows at that moment (the fast
// score and band, the deep reading, the moderator's verdict or the lapse). The candidate decides
// nothing; its outcome is recorded beside the real one.
import type { FastRoute, FinalDecision, GamePolicy, ModelScore, ModerationResult, Outcome, RoutingThresholds, ShadowComparison } from '@sinbin/contract';
import { blockedByRule, routeByThresholds } from '@sinbin/contract';
import { blockedAs, FALLBACK_DEEP_MIN_CONFIDENCE, FALLBACK_DEEP_TOXIC_FROM, onModeration, type DecisionDraft } from './core';

/** The candidate's step: a decision it would have made, or where it would have sent the message instead. */
export type ShadowStep = { kind: 'decide'; draft: DecisionDraft } | { kind: 'analysis' } | { kind: 'review' };

export interface RealPath {
  message: DecisionDraft['message'];
  fast: ModelScore;
  /** The fast route the message really took. */
  route: FastRoute;
  /** The fast model's own band, when known (classified messages carry it). */
  modelBand?: RoutingThresholds;
  /** The deep reading (with the model's own cut-offs when the analysis result carried them). */
  deep?: ModelScore & { toxicFrom?: number; minConfidence?: number };
  moderation?: ModerationResult;
}

/** The route the candidate's band gives the fast score; the real route when the bands are the same or unknown. */
export function candidateRoute(real: RealPath, active: GamePolicy, candidate: GamePolicy): FastRoute {
  // An obscene gesture, an identity attack or sexual harassment takes the toxic route under every band (routeFast).
  if (blockedByRule(real.fast)) return 'toxic';
  const band = candidate.routing ?? (active.routing ? real.modelBand : undefined);
  if (!band) return real.route;
  if (active.routing === undefined && candidate.routing === undefined) return real.route;
  return routeByThresholds(real.fast.toxicity, band);
}

function draftFrom(real: RealPath, score: ModelScore, verdict: 'allow' | 'block', decidedBy: 'fast' | 'deep'): DecisionDraft {
  return {
    message: real.message,
    verdict,
    toxicity: score.toxicity,
    categories: score.categories,
    category: verdict === 'block' ? blockedAs(real.fast.alarm, real.fast, score.categories) : undefined,
    decidedBy,
    modelVersion: score.modelVersion,
  };
}

export function candidateStep(real: RealPath, active: GamePolicy, candidate: GamePolicy): ShadowStep {
  const route = candidateRoute(real, active, candidate);
  if (route !== 'needs-analysis') return { kind: 'decide', draft: draftFrom(real, real.fast, route === 'toxic' ? 'block' : 'allow', 'fast') };
  // The message really went no further than the fast path: its deep reading is unknown.
  if (!real.deep) return real.route === 'needs-analysis' && real.moderation ? reviewed(real, candidate) : { kind: 'analysis' };
  const toxicFrom = candidate.deepToxicFrom ?? real.deep.toxicFrom ?? FALLBACK_DEEP_TOXIC_FROM;
  const minConfidence = candidate.deepMinConfidence ?? real.deep.minConfidence ?? FALLBACK_DEEP_MIN_CONFIDENCE;
  const verdict = real.deep.toxicity >= toxicFrom ? 'block' : 'allow';
  if ((real.deep.confidence ?? 0) >= minConfidence) return { kind: 'decide', draft: draftFrom(real, real.deep, verdict, 'deep') };
  return real.moderation ? reviewed(real, candidate, verdict) : { kind: 'review' };
}

/** The case went to a moderator under both policies: their verdict stands; a lapse follows the candidate's rule. */
function reviewed(real: RealPath, candidate: GamePolicy, modelVerdict?: 'allow' | 'block'): ShadowStep {
  const m = real.moderation!;
  if (m.resolution === 'moderator') return { kind: 'decide', draft: onModeration(m) };
  const lapse = candidate.onDeadline;
  // `hold` ends with the models' reading too, only later; the report counts it under its rule.
  const verdict = lapse === 'allow' ? 'allow' : (modelVerdict ?? m.verdict);
  return { kind: 'decide', draft: onModeration({ ...m, verdict, lapse }) };
}

export function outcomeOfDecision(d: FinalDecision): Outcome {
  return {
    path: d.decidedBy,
    verdict: d.verdict,
    action: d.action.type,
    ...(d.action.durationSeconds !== undefined ? { durationSeconds: d.action.durationSeconds } : {}),
    ...(d.rule ? { rule: d.rule } : {}),
  };
}

export function wouldBeOutcome(step: ShadowStep, applied?: { action: FinalDecision['action']; rule: string }): Outcome {
  if (step.kind !== 'decide') return { path: step.kind };
  return {
    path: step.draft.decidedBy,
    verdict: step.draft.verdict,
    ...(applied ? { action: applied.action.type, ...(applied.action.durationSeconds !== undefined ? { durationSeconds: applied.action.durationSeconds } : {}), rule: applied.rule } : {}),
  };
}

export function comparison(d: FinalDecision, activeVersion: number, shadowVersion: number, wouldBe: Outcome): ShadowComparison {
  return { at: d.decidedAt, gameId: d.gameId, messageId: d.messageId, playerId: d.playerId, activeVersion, shadowVersion, real: outcomeOfDecision(d), wouldBe };
}
