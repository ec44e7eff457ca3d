// Hosts one function's instance for a runtime: starts it at once, or on first use when it
// scales to zero (as Knative's activator does), and stops it after an idle period. Cold starts
// are logged and measured.
import type { AnyFunction, FunctionServices, Logger, RunningFunction } from '@sinbin/contract';
import { metrics } from './metrics';

export interface HostOptions {
  /** Idle time after which a scale-to-zero function is stopped. */
  idleMs: number;
  /** How often a function at zero is asked whether work waits for it (its `pendingWork`); default 5 s. */
  wakeCheckMs?: number;
}

export class FunctionHost {
  private running: RunningFunction | undefined;
  private starting: Promise<RunningFunction> | undefined;
  private inflight = 0;
  private lastUsed = Date.now();
  private tickTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private ticking = false;
  private closed = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private waking = false;
  readonly coldStartsMs: number[] = [];

  constructor(
    readonly fn: AnyFunction,
    private readonly services: FunctionServices,
    private readonly log: Logger,
    private readonly opts: HostOptions,
  ) {
    metrics.instances.set({ fn: fn.name }, 0);
    if (fn.scaleToZero && fn.pendingWork) {
      this.wakeTimer = setInterval(() => void this.wakeIfPending(), opts.wakeCheckMs ?? 5000);
      this.wakeTimer.unref();
      void this.wakeIfPending();
    }
  }

  /** Starts a function at zero when its stores hold work for it (what a crash left waiting). */
  private async wakeIfPending(): Promise<void> {
    if (this.running || this.starting || this.waking || this.closed) return;
    this.waking = true;
    try {
      if (await this.fn.pendingWork!(this.services.stores)) {
        this.log.info({}, 'work waits in the stores: starting from zero');
        await this.use(async () => undefined);
      }
    } catch (error) {
      this.log.warn({ err: String(error) }, 'could not ask whether work waits; will ask again');
    } finally {
      this.waking = false;
    }
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** The running instance, started if needed; pair with release(). */
  async acquire(): Promise<RunningFunction> {
    this.inflight++;
    this.lastUsed = Date.now();
    try {
      return this.running ?? (await (this.starting ??= this.start()));
    } catch (error) {
      this.inflight--;
      throw error;
    }
  }

  release(): void {
    this.inflight--;
    this.lastUsed = Date.now();
  }

  async use<T>(work: (running: RunningFunction) => Promise<T>): Promise<T> {
    const running = await this.acquire();
    try {
      return await work(running);
    } finally {
      this.release();
    }
  }

  private async start(): Promise<RunningFunction> {
    const started = performance.now();
    try {
      const running = await this.fn.start(this.services);
      if (this.closed) {
        await running.stop();
        throw new Error(`${this.fn.name} was shut down while starting`);
      }
      const ms = performance.now() - started;
      this.running = running;
      metrics.instances.set({ fn: this.fn.name }, 1);
      if (this.fn.scaleToZero) {
        this.coldStartsMs.push(ms);
        metrics.coldStartSeconds.observe({ fn: this.fn.name }, ms / 1000);
        this.log.info({ coldStartMs: Math.round(ms * 10) / 10 }, 'cold start: scaled from zero');
        this.idleTimer = setInterval(() => void this.stopIfIdle(), Math.max(50, Math.min(1000, this.opts.idleMs / 4)));
        this.idleTimer.unref();
      } else this.log.info({ startMs: Math.round(ms * 10) / 10 }, 'started');
      if (running.tick) this.tickTimer = setInterval(() => void this.runTick(running), running.tick.everyMs);
      return running;
    } finally {
      this.starting = undefined;
    }
  }

  private async runTick(running: RunningFunction): Promise<void> {
    if (this.ticking || !running.tick) return;
    this.ticking = true;
    this.inflight++;
    try {
      await running.tick.run();
    } catch (error) {
      this.log.warn({ err: String(error) }, 'periodic work failed; will retry');
    } finally {
      this.inflight--;
      this.ticking = false;
    }
  }

  private async stopIfIdle(): Promise<void> {
    const running = this.running;
    if (!running || this.inflight > 0 || Date.now() - this.lastUsed < this.opts.idleMs || running.busy?.()) return;
    await this.stopInstance('idle');
  }

  private async stopInstance(why: string): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    clearInterval(this.tickTimer);
    clearInterval(this.idleTimer);
    metrics.instances.set({ fn: this.fn.name }, 0);
    await running.stop();
    this.log.info({ why }, this.fn.scaleToZero && why === 'idle' ? 'scaled to zero' : 'stopped');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.wakeTimer);
    if (this.starting) await this.starting.catch(() => undefined);
    await this.stopInstance('shutdown');
  }
}
