// Runs a model in a worker thread, so its inference uses another core and never stalls the
// event loop that serves deliveries and HTTP. The worker loads the model exactly as the
// function would (scorer-worker.ts); the main thread sees an ordinary ToxicityScorer.
import { Worker } from 'node:worker_threads';
import type { ToxicityScore, ToxicityScorer } from '@sinbin/contract';

export interface ThreadScorerInit {
  kind: 'fast' | 'deep';
  modelDir?: string;
}

/** What the worker reports once the model is loaded. */
export interface ThreadScorerReady {
  type: 'ready';
  kind: ToxicityScorer['kind'];
  version: string;
  fellBack: boolean;
  problem?: string;
  /** Numeric settings the model states about itself (thresholds), copied onto the proxy. */
  settings: Record<string, unknown>;
}

type Reply = { type: 'scores'; id: number; scores: ToxicityScore[] } | { type: 'error'; id: number; message: string };

export type ThreadScorer = ToxicityScorer & { fellBack: boolean; problem?: string } & Record<string, unknown>;

/**
 * The worker runs TypeScript source through tsx's loader (worker threads do not inherit the
 * parent's loader hooks); a bundled build, where no .ts file exists, runs the compiled twin.
 */
function spawnScorerWorker(init: ThreadScorerInit): Worker {
  const source = new URL('./scorer-worker.ts', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./scorer-worker.js', import.meta.url), { workerData: init });
  const bootstrap = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(source.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}

export async function startThreadScorer(init: ThreadScorerInit): Promise<ThreadScorer> {
  const worker = spawnScorerWorker(init);
  const ready = await new Promise<ThreadScorerReady>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`scorer thread exited with code ${code} while loading`)));
  });
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  const pending = new Map<number, { resolve: (s: ToxicityScore[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.type === 'scores') p.resolve(reply.scores);
    else p.reject(new Error(reply.message));
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`scorer thread exited with code ${code}`)));
  return {
    ...ready.settings,
    kind: ready.kind,
    version: ready.version,
    fellBack: ready.fellBack,
    ...(ready.problem ? { problem: ready.problem } : {}),
    score(batch) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<ToxicityScore[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, batch });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
