// Coalesces score calls made in the same turn of the event loop (or while earlier batches run)
// into one model batch: the functions handle events one at a time per key, but many keys run at
// once, and a batched ONNX run costs far less per message than single ones.
import { coalesce, type ToxicityScorer } from '@sinbin/contract';

export function batchingScorer(inner: ToxicityScorer, maxBatch = 64): ToxicityScorer {
  const scoreOne = coalesce((inputs: Parameters<ToxicityScorer['score']>[0]) => inner.score(inputs), { maxBatch, maxInFlight: 4 });
  return {
    kind: inner.kind,
    version: inner.version,
    score(batch) {
      if (batch.length !== 1) return inner.score(batch);
      return scoreOne(batch[0]!).then((s) => [s]);
    },
    close: inner.close?.bind(inner),
  };
}
