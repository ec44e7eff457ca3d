// Synchronous answers: a request that asked to wait (Prefer: wait=N) parks here until its
// messages' final decisions exist or the wait ends. The gateway's own final-decisions consumer
// wakes waiters at once; decisions that another replica consumed are found by one shared poll of
// the decision store per tick (every waiting id of a game in one query). Waiting holds nothing of
// the pipeline: it is a timer and a callback, and a client that goes away just drops its waiter.
import type { DecisionStore, FinalDecision, Gauge } from '@sinbin/contract';

type Wake = (decision: FinalDecision) => void;
const keyOf = (gameId: string, messageId: string) => `${gameId}\u0000${messageId}`;

export class DecisionWaiter {
  private readonly waiting = new Map<string, Set<Wake>>();
  private readonly byGame = new Map<string, Map<string, number>>();
  private poller: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly decisions: DecisionStore,
    private readonly opts: { pollMs: number; gauge?: Gauge<never> },
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Called for every final decision this instance stores. */
  notify(decision: FinalDecision): void {
    const wakes = this.waiting.get(keyOf(decision.gameId, decision.messageId));
    if (wakes) for (const wake of [...wakes]) wake(decision);
  }

  /**
   * Resolves with the decisions that exist within `waitMs` (all of them as soon as all exist).
   * `checkNow` reads the store first (a repeat may be decided already).
   */
  wait(gameId: string, messageIds: readonly string[], waitMs: number, opts: { signal?: AbortSignal; checkNow?: boolean } = {}): Promise<Map<string, FinalDecision>> {
    const found = new Map<string, FinalDecision>();
    if (messageIds.length === 0 || waitMs <= 0 || opts.signal?.aborted) return Promise.resolve(found);
    return new Promise((resolve) => {
      let done = false;
      const wake: Wake = (d) => {
        if (done || found.has(d.messageId)) return;
        found.set(d.messageId, d);
        if (found.size === messageIds.length) finish();
      };
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', finish);
        for (const id of messageIds) this.unregister(gameId, id, wake);
        this.opts.gauge?.set({} as Record<never, string>, this.waiting.size);
        resolve(found);
      };
      const timer = setTimeout(finish, waitMs);
      opts.signal?.addEventListener('abort', finish, { once: true });
      for (const id of messageIds) this.register(gameId, id, wake);
      this.opts.gauge?.set({} as Record<never, string>, this.waiting.size);
      if (opts.checkNow) void this.decisions.getMany(gameId, messageIds).then((ds) => ds.forEach(wake), () => undefined);
      this.startPolling();
    });
  }

  private register(gameId: string, messageId: string, wake: Wake): void {
    const key = keyOf(gameId, messageId);
    const wakes = this.waiting.get(key) ?? new Set();
    wakes.add(wake);
    this.waiting.set(key, wakes);
    const ids = this.byGame.get(gameId) ?? new Map<string, number>();
    ids.set(messageId, (ids.get(messageId) ?? 0) + 1);
    this.byGame.set(gameId, ids);
  }

  private unregister(gameId: string, messageId: string, wake: Wake): void {
    const key = keyOf(gameId, messageId);
    const wakes = this.waiting.get(key);
    if (wakes?.delete(wake) && wakes.size === 0) this.waiting.delete(key);
    const ids = this.byGame.get(gameId);
    if (!ids) return;
    const n = (ids.get(messageId) ?? 1) - 1;
    if (n > 0) ids.set(messageId, n);
    else ids.delete(messageId);
    if (ids.size === 0) this.byGame.delete(gameId);
    if (this.byGame.size === 0) this.stopPolling();
  }

  private startPolling(): void {
    if (this.opts.pollMs <= 0 || this.poller) return;
    this.poller = setInterval(() => void this.poll(), this.opts.pollMs);
    this.poller.unref();
  }

  private stopPolling(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }

  /** One query per game with waiters; a tick is skipped while the previous one still runs. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [gameId, ids] of [...this.byGame]) {
        const decisions = await this.decisions.getMany(gameId, [...ids.keys()].slice(0, 5000)).catch(() => []);
        for (const d of decisions) this.notify(d);
      }
    } finally {
      this.polling = false;
    }
  }

  stop(): void {
    this.stopPolling();
  }
}
