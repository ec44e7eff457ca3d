// @sinbin/scoring/fast: what the fast path needs, and nothing of the transformer.
import type { ClassifierOptions, LoadedClassifier } from './classifiers';
import { loadClassifier } from './classifiers';
import { loadOnnxFastScorer } from './onnx-fast';

export { loadOnnxFastScorer, FAST_MODEL_JSON, type OnnxFastScorer, type FastScorerOptions } from './onnx-fast';
export { normalizeForFeatures, writeFeatureIds, type HashingConfig } from './fast-features';

/** The fast model, in a worker thread or not, with the lexicon as fallback. */
export function loadFastClassifier(opts: ClassifierOptions): Promise<LoadedClassifier> {
  return loadClassifier('fast', loadOnnxFastScorer, opts);
}
export { alarmRules, applyRules, isMildTaunt, ALARM_RULES, type RuleFindings } from './rules';
export { identityAttackRules, IDENTITY_RULES } from './identity-rules';
export { sexualRules, SEXUAL_RULES } from './sexual-rules';
export { detectLanguage } from './language';
