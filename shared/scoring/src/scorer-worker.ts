// The worker side of thread-scorer.ts: loads one model (lexicon fallback, as in a function) and
// scores the batches the main thread posts.
import { parentPort, workerData } from 'node:worker_threads';
import { createLexiconScorer } from './lexicon';
import { loaderOf, loadScorer } from './load';
import type { ThreadScorerInit, ThreadScorerReady } from './thread-scorer';
import type { ScoringInput } from '@sinbin/contract';

const init = workerData as ThreadScorerInit;
const port = parentPort!;
const loaded = await loadScorer({ kind: init.kind, load: await loaderOf(init.kind), ...(init.modelDir ? { modelDir: init.modelDir } : {}), fallback: createLexiconScorer() });
const scorer = loaded.scorer as typeof loaded.scorer & Record<string, unknown>;

const settings: Record<string, unknown> = {};
for (const name of ['decisionThreshold', 'reviewBelowConfidence', 'defaultThresholds', 'standaloneDecisionThreshold']) {
  const value = scorer[name];
  if (typeof value === 'number' || (typeof value === 'object' && value !== null)) settings[name] = structuredClone(value);
}
const ready: ThreadScorerReady = {
  type: 'ready',
  kind: scorer.kind,
  version: scorer.version,
  fellBack: loaded.fellBack,
  ...(loaded.problem ? { problem: loaded.problem } : {}),
  settings,
};
port.postMessage(ready);

port.on('message', (request: { id: number; batch: ScoringInput[] }) => {
  scorer.score(request.batch).then(
    (scores) => port.postMessage({ type: 'scores', id: request.id, scores }),
    (error: unknown) => port.postMessage({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) }),
  );
});
