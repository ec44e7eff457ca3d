// The deep stage's final toxicity: a logistic stack of the transformer's toxicity logit and the
// fast classifier's toxicity logit (which travels with every analysis request), fitted on
// validation messages of the needs-analysis band by models/sinbin_models/eval_cascade.py. Python twin:
// models/sinbin_models/stacking.py (pinned by tests/fixtures/stacking-parity.json). The decision cut is
// folded into the bias, so the stage calls a message toxic exactly when its toxicity is >= 0.5.
// A fastLogitWeight of 0 is a plain calibration of the transformer's own score.
import { z } from 'zod';

export const StackingSchema = z.object({
  deepLogitWeight: z.number().finite(),
  fastLogitWeight: z.number().finite(),
  bias: z.number().finite(),
  /** Fast logit assumed when a caller has no fast score (the mean over the validation band). */
  fastLogitDefault: z.number().finite(),
});
export type StackingParams = z.infer<typeof StackingSchema>;

/** Probabilities are clamped to [EPS, 1 - EPS] before taking the logit (same in Python). */
export const PROBABILITY_EPS = 1e-6;

export function logit(p: number): number {
  const q = Math.min(1 - PROBABILITY_EPS, Math.max(PROBABILITY_EPS, p));
  return Math.log(q / (1 - q));
}

/** sigmoid(a * deepLogit + b * logit(fastToxicity) + c); the fast logit defaults when unknown. */
export function stackedToxicity(deepLogit: number, fastToxicity: number | undefined, s: StackingParams): number {
  const fast = fastToxicity !== undefined && Number.isFinite(fastToxicity) ? logit(fastToxicity) : s.fastLogitDefault;
  return 1 / (1 + Math.exp(-(s.deepLogitWeight * deepLogit + s.fastLogitWeight * fast + s.bias)));
}
