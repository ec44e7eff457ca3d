// Writes model-training-data examples to the object store (filesystem here, MinIO on the real
// stack). A failed write is retriable: the example is acknowledged only once it is stored.
import { z } from 'zod';
import { defineFunction, DependencyError } from '@sinbin/contract';
import { exampleObjectBody, exampleObjectKey } from './core';

export default defineFunction({
  name: 'training-data-sink',
  description: 'Writes labelled examples to the object store for retraining.',
  consumes: ['model-training-data'],
  produces: [],
  scaleToZero: false,
  priority: 'background',
  env: z.object({}),
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
  async start({ stores }) {
    return {
      async handle(delivery) {
        if (delivery.topic !== 'model-training-data') return [];
        try {
          await stores.objects.put(exampleObjectKey(delivery.event), exampleObjectBody(delivery.event), 'application/x-ndjson');
        } catch (cause) {
          throw new DependencyError(`object store write failed: ${String(cause)}`, { cause });
        }
        return [];
      },
      async stop() {},
    };
  },
});
