// Coalesces score calls made in the same turn of the event loop into one model batch: the
// functions handle events one at a time per partition, but many partitions run at once, and a
// batched ONNX run costs far less per message than single ones.
import type { ScoringInput, ToxicityScore, ToxicityScorer } from './types';

export function batchingScorer(inner: ToxicityScorer, maxBatch = 64): ToxicityScorer {
  let queue: { input: ScoringInput; resolve: (s: ToxicityScore) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const taken = queue;
    queue = [];
    for (let i = 0; i < taken.length; i += maxBatch) {
      const slice = taken.slice(i, i + maxBatch);
      inner.score(slice.map((q) => q.input)).then(
        (scores) => slice.forEach((q, j) => q.resolve(scores[j]!)),
        (error) => slice.forEach((q) => q.reject(error)),
      );
    }
  };

  return {
    kind: inner.kind,
    version: inner.version,
    score(batch) {
      if (batch.length !== 1) return inner.score(batch);
      return new Promise<ToxicityScore>((resolve, reject) => {
        queue.push({ input: batch[0]!, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }).then((s) => [s]);
    },
    close: inner.close?.bind(inner),
  };
}
