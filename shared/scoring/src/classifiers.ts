// Loads the classifier a function runs: the trained model when its files load, otherwise the
// lexicon baseline, saying so loudly. Functions call this once per instance (its cold start).
// The model may run in a worker thread, so inference never blocks the event loop.
import type { Logger, RoutingThresholds, ToxicityScorer } from '@sinbin/contract';
import { createLexiconScorer, LEXICON_THRESHOLDS } from './lexicon';
import { loadScorer, type ModelKind, type ModelLoader } from './load';
import { startThreadScorer } from './thread-scorer';

export interface LoadedClassifier {
  scorer: ToxicityScorer;
  /** Routing band validated for this scorer (the fast model's own, or the lexicon's). */
  thresholds: RoutingThresholds;
  fellBack: boolean;
}

export interface ClassifierOptions {
  /** Folder of the exported model; defaults to `<repo>/models/<kind>`. */
  modelDir?: string;
  /** Run the model in a worker thread (falls back to the main thread if the thread cannot start). */
  thread: boolean;
  log: Logger;
}

function hasThresholds(scorer: ToxicityScorer): scorer is ToxicityScorer & { defaultThresholds: RoutingThresholds } {
  return 'defaultThresholds' in scorer && typeof scorer.defaultThresholds === 'object';
}

async function load(kind: ModelKind, loader: ModelLoader, opts: ClassifierOptions) {
  if (opts.thread) {
    try {
      return { ...(await startThreadScorer({ kind, ...(opts.modelDir ? { modelDir: opts.modelDir } : {}) })), thread: true };
    } catch (error) {
      opts.log.warn({ stage: kind, err: String(error) }, 'model thread failed to start; scoring on the main thread');
    }
  }
  const loaded = await loadScorer({ kind, load: loader, ...(opts.modelDir ? { modelDir: opts.modelDir } : {}), fallback: createLexiconScorer() });
  return Object.assign(loaded.scorer, { fellBack: loaded.fellBack, problem: loaded.problem, thread: false });
}

export async function loadClassifier(kind: ModelKind, loader: ModelLoader, opts: ClassifierOptions): Promise<LoadedClassifier> {
  const scorer = await load(kind, loader, opts);
  if (scorer.fellBack) opts.log.error({ stage: kind, problem: scorer.problem }, 'model unavailable: running on the lexicon baseline');
  else opts.log.info({ stage: kind, kind: scorer.kind, version: scorer.version, thread: scorer.thread }, 'model loaded');
  const thresholds = hasThresholds(scorer) ? scorer.defaultThresholds : LEXICON_THRESHOLDS;
  return { scorer, thresholds, fellBack: scorer.fellBack };
}
