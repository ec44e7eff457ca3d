// Loads the classifier a function runs: the trained model when its files load, otherwise the
// lexicon baseline, saying so loudly. Functions call this once per instance (its cold start).
import type { Logger } from '../log';
import { createLexiconScorer, LEXICON_THRESHOLDS } from './lexicon';
import { loadScorer } from './load';
import type { RoutingThresholds, ToxicityScorer } from './types';

export interface LoadedClassifier {
  scorer: ToxicityScorer;
  /** Routing band validated for this scorer (the fast model's own, or the lexicon's). */
  thresholds: RoutingThresholds;
  fellBack: boolean;
}

function hasThresholds(scorer: ToxicityScorer): scorer is ToxicityScorer & { defaultThresholds: RoutingThresholds } {
  return 'defaultThresholds' in scorer;
}

export async function loadClassifier(stage: 'fast' | 'deep', modelDir: string | undefined, log: Logger): Promise<LoadedClassifier> {
  const loaded = await loadScorer({ kind: stage, ...(modelDir ? { modelDir } : {}), fallback: createLexiconScorer() });
  if (loaded.fellBack) log.error({ stage, problem: loaded.problem }, 'model unavailable: running on the lexicon baseline');
  else log.info({ stage, kind: loaded.scorer.kind, version: loaded.scorer.version }, 'model loaded');
  const thresholds = hasThresholds(loaded.scorer) ? loaded.scorer.defaultThresholds : LEXICON_THRESHOLDS;
  return { scorer: loaded.scorer, thresholds, fellBack: loaded.fellBack };
}
