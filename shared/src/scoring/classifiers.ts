// Loads the classifier a function runs: the trained model when its files load, otherwise the
// lexicon baseline, saying so loudly. Functions call this once per instance (its cold start).
// By default the model runs in a worker thread, so inference never blocks the event loop.
import type { Logger } from '../log';
import { createLexiconScorer, LEXICON_THRESHOLDS } from './lexicon';
import { loadScorer } from './load';
import { startThreadScorer } from './thread-scorer';
import type { RoutingThresholds, ToxicityScorer } from './types';

export interface LoadedClassifier {
  scorer: ToxicityScorer;
  /** Routing band validated for this scorer (the fast model's own, or the lexicon's). */
  thresholds: RoutingThresholds;
  fellBack: boolean;
}

function hasThresholds(scorer: ToxicityScorer): scorer is ToxicityScorer & { defaultThresholds: RoutingThresholds } {
  return 'defaultThresholds' in scorer && typeof scorer.defaultThresholds === 'object';
}

async function load(stage: 'fast' | 'deep', modelDir: string | undefined, thread: boolean, log: Logger) {
  if (thread) {
    try {
      return { ...(await startThreadScorer({ kind: stage, ...(modelDir ? { modelDir } : {}) })), thread: true };
    } catch (error) {
      log.warn({ stage, err: String(error) }, 'model thread failed to start; scoring on the main thread');
    }
  }
  const loaded = await loadScorer({ kind: stage, ...(modelDir ? { modelDir } : {}), fallback: createLexiconScorer() });
  return Object.assign(loaded.scorer, { fellBack: loaded.fellBack, problem: loaded.problem, thread: false });
}

export async function loadClassifier(stage: 'fast' | 'deep', modelDir: string | undefined, log: Logger, opts: { thread?: boolean } = {}): Promise<LoadedClassifier> {
  const scorer = await load(stage, modelDir, opts.thread ?? true, log);
  if (scorer.fellBack) log.error({ stage, problem: scorer.problem }, 'model unavailable: running on the lexicon baseline');
  else log.info({ stage, kind: scorer.kind, version: scorer.version, thread: scorer.thread }, 'model loaded');
  const thresholds = hasThresholds(scorer) ? scorer.defaultThresholds : LEXICON_THRESHOLDS;
  return { scorer, thresholds, fellBack: scorer.fellBack };
}
