// The one model interface every classifier implements: the lexicon baseline, the ONNX fast
// classifier and the context-aware transformer. Functions only ever see this.

export const CATEGORIES = ['insult', 'profanity', 'identity_hate', 'threat', 'sexual'] as const;
export type Category = (typeof CATEGORIES)[number];
export type CategoryScores = Record<Category, number>;

/** One earlier message of the same channel, oldest first in a context list. */
export interface ContextLine {
  playerId?: string;
  text: string;
}

export interface ScoringInput {
  text: string;
  /** Speaker of `text`; lets a context-aware model tell the speaker's own lines from others'. */
  playerId?: string;
  /** Earlier messages of the same channel, oldest first. Ignored by context-free scorers. */
  context?: readonly ContextLine[];
  /**
   * The fast classifier's toxicity for this message, when the caller has it (the deep stage of
   * the cascade always does). A stacked deep model combines it with its own score.
   */
  fastToxicity?: number;
}

export interface ToxicityScore {
  /** Probability-like toxicity in [0, 1]. */
  toxicity: number;
  categories: CategoryScores;
  /** How sure the model is of its own verdict, in [0, 1]; context-aware models report it. */
  confidence?: number;
  /** Normalised terms that drove the score (shown to moderators); never logged at info level. */
  evidence?: string[];
}

export type ScorerKind = 'lexicon' | 'onnx-fast' | 'transformer';

export interface ToxicityScorer {
  readonly kind: ScorerKind;
  /** Reported as `modelVersion` on every decision, e.g. `lexicon-1` or `fast-2026-11-24`. */
  readonly version: string;
  /** Scores a batch; the result has one entry per input, in order. */
  score(batch: readonly ScoringInput[]): Promise<ToxicityScore[]>;
  close?(): Promise<void>;
}

/** Routing band of the fast classifier: below `okBelow` is OK, at or above `toxicFrom` is toxic. */
export interface RoutingThresholds {
  okBelow: number;
  toxicFrom: number;
}

export type FastRoute = 'ok' | 'toxic' | 'needs-analysis';

export function routeByThresholds(toxicity: number, t: RoutingThresholds): FastRoute {
  if (toxicity >= t.toxicFrom) return 'toxic';
  if (toxicity < t.okBelow) return 'ok';
  return 'needs-analysis';
}

export function emptyCategories(): CategoryScores {
  return { insult: 0, profanity: 0, identity_hate: 0, threat: 0, sexual: 0 };
}

/** Scores leave a function inside [0, 1]: a model's NaN or overflow must not fail the event's schema. */
export const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

export function clampCategories(categories: CategoryScores): CategoryScores {
  const out = emptyCategories();
  for (const c of CATEGORIES) out[c] = clamp01(categories[c]);
  return out;
}
