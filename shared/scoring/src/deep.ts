// @sinbin/scoring/deep: the context-aware transformer (onnxruntime + the transformers.js tokenizer).
import type { ClassifierOptions, LoadedClassifier } from './classifiers';
import { loadClassifier } from './classifiers';
import { loadTransformerDeepScorer } from './transformer-deep';

export { loadTransformerDeepScorer, DEEP_MODEL_FILES, type TransformerDeepScorer, type DeepScorerOptions, type DeepInputConfig } from './transformer-deep';
export { stackedToxicity, logit, PROBABILITY_EPS, type StackingParams } from './stacking';

/** The deep model, in a worker thread by default, with the lexicon as fallback. */
export function loadDeepClassifier(opts: ClassifierOptions): Promise<LoadedClassifier> {
  return loadClassifier('deep', loadTransformerDeepScorer, opts);
}
