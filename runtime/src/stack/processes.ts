// Function processes for the real stack: each function runs as its own process (its
// src/server.ts, as in its container). Scale-to-zero functions start on their first delivery or
// request, as Knative's activator does, and stop after an idle period. A process that dies is
// started again on the next delivery.
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { FunctionEndpoint } from '../connector/targets';

export interface FunctionProcessOptions {
  name: string;
  port: number;
  env: Record<string, string | undefined>;
  scaleToZero: boolean;
  idleMs: number;
  log: Logger;
  repoRoot: string;
  /** The function's bundle (runtime/src/stack/bundles.ts); without one it runs from source through tsx. */
  bundle?: string;
  /** Scheduling niceness of the process (0: normal); see BACKGROUND_FUNCTIONS in stack.ts. */
  niceness?: number;
}

export class FunctionProcess implements FunctionEndpoint {
  private child: ChildProcess | undefined;
  private ready: Promise<string> | undefined;
  private inflight = 0;
  private lastUsed = Date.now();
  private readonly idleTimer: NodeJS.Timeout | undefined;
  readonly coldStartsMs: number[] = [];
  /** When the cold start in progress began, until its first delivery succeeds. */
  private coldStartBegan: number | undefined;

  constructor(private readonly opts: FunctionProcessOptions) {
    if (opts.scaleToZero) {
      this.idleTimer = setInterval(() => void this.stopIfIdle(), Math.max(100, Math.min(1000, opts.idleMs / 4)));
      this.idleTimer.unref();
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  acquire(): Promise<string> {
    this.inflight++;
    this.lastUsed = Date.now();
    const ready = (this.ready ??= this.start());
    return ready.catch((error) => {
      this.inflight--;
      throw error;
    });
  }

  release(): void {
    this.inflight--;
    this.lastUsed = Date.now();
  }

  /** The running process's id, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  delivered(): void {
    if (this.coldStartBegan === undefined) return;
    const ms = performance.now() - this.coldStartBegan;
    this.coldStartBegan = undefined;
    this.opts.log.info({ fn: this.opts.name, firstResultMs: Math.round(ms) }, 'cold start: first delivery done');
  }

  private async start(): Promise<string> {
    const started = performance.now();
    if (this.opts.scaleToZero) this.coldStartBegan = started;
    const entry = this.opts.bundle ? ['--enable-source-maps', this.opts.bundle] : ['--import', 'tsx', join(this.opts.repoRoot, 'functions', this.opts.name, 'src', 'server.ts')];
    // SINBIN_PROFILE_DIR: each function process writes a V8 CPU profile there when it stops.
    const profile = this.opts.env.SINBIN_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${this.opts.env.SINBIN_PROFILE_DIR}`] : [];
    const child = spawn(process.execPath, [...profile, ...entry], {
      cwd: this.opts.repoRoot,
      env: { ...this.opts.env, PORT: String(this.opts.port) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.child = child;
    if (this.opts.niceness && child.pid) {
      try {
        setPriority(child.pid, this.opts.niceness);
      } catch (error) {
        this.opts.log.warn({ fn: this.opts.name, err: String(error) }, 'could not lower the process priority; it runs at normal priority');
      }
    }
    child.once('exit', (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        this.ready = undefined;
        if (signal !== 'SIGTERM') this.opts.log.warn({ fn: this.opts.name, code, signal }, 'function process exited; it restarts on its next delivery');
      }
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child !== child) throw new Error(`${this.opts.name} exited during start-up`);
      try {
        if ((await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) {
          const ms = performance.now() - started;
          if (this.opts.scaleToZero) {
            this.coldStartsMs.push(ms);
            this.opts.log.info({ fn: this.opts.name, coldStartMs: Math.round(ms) }, 'cold start: scaled from zero');
          } else this.opts.log.info({ fn: this.opts.name, startMs: Math.round(ms) }, 'function process ready');
          return this.url;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    throw new Error(`${this.opts.name} did not become ready in 30 s`);
  }

  private async stopIfIdle(): Promise<void> {
    if (!this.child || this.inflight > 0 || Date.now() - this.lastUsed < this.opts.idleMs) return;
    // Pending cases or an open moderator UI keep an instance up, as they do on the embedded runtime.
    try {
      const res = await fetch(`${this.url}/_/busy`, { signal: AbortSignal.timeout(1000) });
      if (res.ok && ((await res.json()) as { busy?: boolean }).busy) return;
    } catch {
      // unreachable: nothing to keep up
    }
    if (!this.child || this.inflight > 0) return;
    this.opts.log.info({ fn: this.opts.name }, 'scaled to zero');
    await this.stop();
  }

  /** Kills the process abruptly (tests use it to simulate a crash). */
  kill(): void {
    this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.ready = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  async close(): Promise<void> {
    clearInterval(this.idleTimer);
    await this.stop();
  }
}
