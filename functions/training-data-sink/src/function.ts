// Writes model-training-data examples to the training-data bucket (a directory on the embedded
// default, MinIO on the real stack). Each example is staged as its own object before it is
// acknowledged (a failed write is retried: nothing is lost, the example waits in its topic);
// a timer batches staged examples into one gzipped JSON-lines object per game and day.
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { defineFunction, DependencyError, intVar } from '@sinbin/contract';
import { compactionPlan, exampleObjectBody, exampleObjectKey } from './core';

export default defineFunction({
  name: 'training-data-sink',
  description: 'Writes labelled examples to the object store for retraining.',
  consumes: ['model-training-data'],
  produces: [],
  scaleToZero: false,
  priority: 'background',
  env: z.object({
    /** How often staged examples are batched into compressed objects (ms). */
    TRAINING_DATA_COMPACT_MS: intVar(30_000, 100),
  }),
  secrets: [],
  stores: ['objects'],
  deploy: {
    minScale: 1,
    maxScale: 3,
    targetConcurrency: 10,
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '500m', memory: '256Mi' },
    execTimeout: '30s',
  },
  async start({ config, stores, log }) {
    const objects = stores.objects;
    let compacting = false;
    /** Batch first, then remove what it holds: a crash in between leaves duplicates that training drops by exampleId. */
    async function compact(): Promise<void> {
      if (compacting) return;
      compacting = true;
      try {
        for (const batch of compactionPlan(await objects.list('staging/'))) {
          const lines: string[] = [];
          for (const key of batch.staged) {
            const body = await objects.get(key);
            if (body) lines.push(Buffer.from(body).toString('utf8').trimEnd());
          }
          if (lines.length === 0) continue;
          await objects.put(batch.key, gzipSync(`${lines.join('\n')}\n`), 'application/gzip');
          for (const key of batch.staged) await objects.remove(key);
          log.info({ key: batch.key, examples: lines.length }, 'training data batched');
        }
      } finally {
        compacting = false;
      }
    }
    return {
      async handle(delivery) {
        if (delivery.topic !== 'model-training-data') return [];
        try {
          await objects.put(exampleObjectKey(delivery.event), exampleObjectBody(delivery.event), 'application/x-ndjson');
        } catch (cause) {
          throw new DependencyError(`object store write failed: ${String(cause)}`, { cause });
        }
        return [];
      },
      tick: { everyMs: config.TRAINING_DATA_COMPACT_MS, run: compact },
      async stop() {
        await compact().catch((error) => log.warn({ err: String(error) }, 'last batching failed; the staged examples stay for the next start'));
      },
    };
  },
});
