// When a producer driver throws its client away and starts a new one. Two cases:
// - the broker lost (or never had) the idempotent producer's state, e.g. after it crashed and
//   recovered its log. The client keeps its sequence numbers and would fail every later send the
//   same way; a new producer id starts new sequences. A batch that was stored but reported failed
//   is sent again by the caller's retry: a duplicate on the topic, which every consumer already
//   tolerates (idempotent by event id).
// - sends have failed for a while, whatever the error. A client library can keep a stale view of
//   the cluster (a dead connection, an old leader) after the broker came back; a fresh client costs
//   one metadata round trip and an InitProducerId, so during a real outage renewing now and then is
//   cheap, and after one it ends a stuck client.

const PRODUCER_STATE_LOST = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

export function producerStateLost(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { type?: unknown; apiId?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown[] };
  if (typeof e.type === 'string' && PRODUCER_STATE_LOST.has(e.type)) return true;
  // @platformatic/kafka names the broker's error in apiId.
  if (typeof e.apiId === 'string' && PRODUCER_STATE_LOST.has(e.apiId)) return true;
  return [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])].some((inner) => producerStateLost(inner, depth + 1));
}

export interface RenewalOptions {
  /** Sends in a row that must fail before failing for long renews the client. */
  failuresInARow: number;
  /** How long sends must have been failing (since the last success or renewal), in ms. */
  failingForMs: number;
}

export const DEFAULT_RENEWAL: RenewalOptions = { failuresInARow: 3, failingForMs: 10_000 };

/** Counts a producer's failures since it last worked; says when to replace it. */
export class ProducerRenewal {
  private failures = 0;
  private since: number;

  constructor(
    now: number,
    private readonly opts: RenewalOptions = DEFAULT_RENEWAL,
  ) {
    this.since = now;
  }

  succeeded(now: number): void {
    this.failures = 0;
    this.since = now;
  }

  /** Records a failed send; true when the caller should replace its client (and the count starts again). */
  failed(error: unknown, now: number): boolean {
    this.failures++;
    const renew = producerStateLost(error) || (this.failures >= this.opts.failuresInARow && now - this.since >= this.opts.failingForMs);
    if (renew) {
      this.failures = 0;
      this.since = now;
    }
    return renew;
  }
}
