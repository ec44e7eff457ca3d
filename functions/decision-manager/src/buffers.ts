// Writes that feed the leads' dashboard and the shadow report, kept off the decision path: items
// are collected in memory and written in batches a few times a second. A failed write is logged
// and dropped (these never decide anything); stop() writes what is left.
import { type DecisionTally, type FinalDecision, type Logger, TALLY_SLOT_SECONDS } from '@sinbin/contract';

export class FlushBuffer<T> {
  private items: T[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: { everyMs: number; maxItems: number; log: Logger; what: string },
  ) {
    this.timer = setInterval(() => void this.flush(), opts.everyMs);
    this.timer.unref?.();
  }

  add(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.opts.maxItems) void this.flush();
  }

  /** Writes what is buffered, after any write in progress (one at a time, in order). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = this.items;
      if (batch.length === 0) return;
      this.items = [];
      try {
        await this.write(batch);
      } catch (error) {
        this.opts.log.warn({ err: String(error), dropped: batch.length }, `writing ${this.opts.what} failed`);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** Decisions counted per slot (TALLY_SLOT_SECONDS) and label set, as `sinbin_final_decisions_total` counts them. */
export class TallyBuffer {
  private rows = new Map<string, DecisionTally>();
  private readonly buffer: FlushBuffer<DecisionTally[]>;

  constructor(write: (rows: DecisionTally[]) => Promise<void>, opts: { everyMs: number; log: Logger }) {
    // Each flush writes the rows counted since the last one, merged into one batch.
    this.buffer = new FlushBuffer<DecisionTally[]>((batches) => write(batches.flat()), { ...opts, maxItems: Number.MAX_SAFE_INTEGER, what: 'decision tallies' });
    this.timer = setInterval(() => void this.flush(), opts.everyMs);
    this.timer.unref?.();
  }

  private readonly timer: ReturnType<typeof setInterval>;

  add(d: FinalDecision, category: string | null): void {
    const slotMs = TALLY_SLOT_SECONDS * 1000;
    const slot = new Date(Math.floor(Date.parse(d.decidedAt) / slotMs) * slotMs).toISOString();
    const key = [slot, d.gameId, d.decidedBy, d.verdict, d.action.type, category ?? '', d.modelVersion, d.policyVersion ?? 0].join('\u0000');
    const row = this.rows.get(key);
    if (row) {
      row.count++;
      row.latencyMsSum += d.latencyMs;
      return;
    }
    this.rows.set(key, {
      slot,
      gameId: d.gameId,
      path: d.decidedBy,
      verdict: d.verdict,
      action: d.action.type,
      category,
      modelVersion: d.modelVersion,
      policyVersion: d.policyVersion ?? null,
      count: 1,
      latencyMsSum: d.latencyMs,
    });
  }

  /** Writes what is counted so far. */
  flush(): Promise<void> {
    if (this.rows.size > 0) {
      this.buffer.add([...this.rows.values()]);
      this.rows = new Map();
    }
    return this.buffer.flush();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.buffer.close();
  }
}
