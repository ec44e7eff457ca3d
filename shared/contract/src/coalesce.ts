// Group commit for calls that cost one round trip each (a produce request, an SQL statement, a
// model run). Functions handle events one at a time per key, but many keys and partitions run at
// once: calls made in the same event-loop turn, or while earlier batches are still in flight, go
// out together as one batched call. Under light load a call waits one turn; under heavy load the
// batches grow instead of the queue of round trips.

export interface CoalescerOptions<I> {
  /** Most items (or most total size, with `sizeOf`) in one batched call. */
  maxBatch: number;
  /** Batched calls running at once; the rest wait and grow. */
  maxInFlight: number;
  sizeOf?: (item: I) => number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Wraps a batched operation as a per-item one. `run` gets items in call order and returns one
 * result per item, in the same order; if it throws, every item of that batch fails with it.
 */
export function coalesce<I, O>(run: (items: I[]) => Promise<O[]>, opts: CoalescerOptions<I>): (item: I) => Promise<O> {
  const sizeOf = opts.sizeOf ?? (() => 1);
  let queue: Waiting<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  const take = (): Waiting<I, O>[] => {
    let size = 0;
    let n = 0;
    // Always at least one item, even if it alone is over the limit.
    while (n < queue.length && (n === 0 || size + sizeOf(queue[n]!.item) <= opts.maxBatch)) size += sizeOf(queue[n++]!.item);
    const taken = queue.slice(0, n);
    queue = queue.slice(n);
    return taken;
  };

  const drain = (): void => {
    scheduled = false;
    while (queue.length > 0 && inFlight < opts.maxInFlight) {
      const batch = take();
      inFlight++;
      let results: Promise<O[]>;
      try {
        results = run(batch.map((w) => w.item));
      } catch (error) {
        results = Promise.reject(error);
      }
      results
        .then((out) => {
          if (out.length !== batch.length) throw new Error(`batched call returned ${out.length} results for ${batch.length} items`);
          batch.forEach((w, i) => w.resolve(out[i]!));
        })
        .catch((error: unknown) => batch.forEach((w) => w.reject(error)))
        .finally(() => {
          inFlight--;
          drain();
        });
    }
  };

  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled && inFlight < opts.maxInFlight) {
        scheduled = true;
        setImmediate(drain);
      }
    });
}
