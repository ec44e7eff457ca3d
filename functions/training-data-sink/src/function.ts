// Writes model-training-data examples to the object store (filesystem here, MinIO on the real
// stack). A failed write is retriable: the example is acknowledged only once it is stored.
import { defineFunction } from '@sinbin/shared/function';
import { DependencyError } from '@sinbin/shared/errors';
import { exampleObjectBody, exampleObjectKey } from './core';

export default defineFunction({
  name: 'training-data-sink',
  consumes: ['model-training-data'],
  produces: [],
  scaleToZero: false,
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
