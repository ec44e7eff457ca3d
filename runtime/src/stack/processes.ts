// Function processes for the real stack: each function runs as its own process (its
// src/server.ts, as in its container), behind the real of-watchdog (mode=http) when one is given,
// as OpenFaaS runs it. Scale-to-zero functions start on their first delivery or request, as
// Knative's activator does, and stop after an idle period. An always-on function that dies is
// started again at once, as its Deployment would restart the pod; a scale-to-zero one on its next
// delivery. Each process runs in a process group of its own, recorded in a pid file, so the group
// (watchdog and function) is stopped together, and `make down` can stop it even after a crash of
// the stack itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '../log';
import type { FunctionEndpoint } from '../connector/targets';
import { canBind, freePort } from '../http/server';
import { StderrTail } from './stderr-tail';

/** of-watchdog in front of a function, with the settings template/sinbin-ts/Dockerfile gives it. */
export interface WatchdogOptions {
  /** The of-watchdog binary (scripts/deploy/install-tools.sh of-watchdog). */
  binary: string;
  /** A directory of its own per function for the watchdog's lock file (it writes $TMPDIR/.lock). */
  stateDir: string;
  /** Settings over the image's (e.g. max_inflight, exec_timeout). */
  env?: Record<string, string>;
}

/** The image's watchdog settings (template/sinbin-ts/Dockerfile), except a 1 s drain so a local stop is quick. */
export const WATCHDOG_DEFAULTS: Readonly<Record<string, string>> = {
  mode: 'http',
  ready_path: '/healthz',
  prefix_logs: 'false',
  exec_timeout: '30s',
  read_timeout: '30s',
  write_timeout: '30s',
  healthcheck_interval: '1s',
};

export interface FunctionProcessOptions {
  name: string;
  /** Where it listens (the watchdog's port when it has one); 0 picks a free port at each start. */
  port: number;
  /**
   * The port is only the stack's to know (behind an activator, or reached by the connector): when
   * it is taken at a start, this start takes a free one instead. A port in the OS's ephemeral range
   * can be any outgoing connection's local port for a while, and the function, unable to listen,
   * would exit at every start (a scale-to-zero one on every delivery) until that connection closed.
   */
  internalPort?: boolean;
  env: Record<string, string | undefined>;
  scaleToZero: boolean;
  idleMs: number;
  log: Logger;
  repoRoot: string;
  /** The function's bundle (runtime/src/stack/bundles.ts); without one it runs from source through tsx. */
  bundle?: string;
  /** Scheduling niceness of the process (0: normal); see BACKGROUND_FUNCTIONS in stack.ts. */
  niceness?: number;
  watchdog?: WatchdogOptions;
  /** Holds the pid of the running process group's leader while it runs. */
  pidFile?: string;
}

// Generous: on a loaded 2-core machine a function (and its watchdog) can take tens of seconds to start.
const START_TIMEOUT_MS = 90_000;
const MAX_RESTART_DELAY_MS = 5000;

export class FunctionProcess implements FunctionEndpoint {
  private child: ChildProcess | undefined;
  private ready: Promise<string> | undefined;
  private base = '';
  private inflight = 0;
  private lastUsed = Date.now();
  private readonly idleTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarts = 0;
  private closed = false;
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
    return this.base;
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

  /** The function's own process (the watchdog's child when it has one), if one runs. */
  get pid(): number | undefined {
    const leader = this.child?.pid;
    if (leader === undefined || !this.opts.watchdog) return leader;
    // The watchdog (Go) forks from whichever of its threads runs the call: each thread lists its own children.
    try {
      for (const task of readdirSync(`/proc/${leader}/task`)) {
        const children = readFileSync(`/proc/${leader}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
        if (children.length > 0) return Number(children[0]);
      }
    } catch {
      // gone meanwhile
    }
    return undefined;
  }

  /** The watchdog's process, when the function runs behind one. */
  get watchdogPid(): number | undefined {
    return this.opts.watchdog ? this.child?.pid : undefined;
  }

  delivered(): void {
    if (this.coldStartBegan === undefined) return;
    const ms = performance.now() - this.coldStartBegan;
    this.coldStartBegan = undefined;
    this.opts.log.info({ fn: this.opts.name, firstResultMs: Math.round(ms) }, 'cold start: first delivery done');
  }

  private async command(port: number): Promise<{ file: string; args: string[]; env: Record<string, string | undefined>; probe: string }> {
    const entry = this.opts.bundle ? ['--enable-source-maps', this.opts.bundle] : ['--import', 'tsx', join(this.opts.repoRoot, 'functions', this.opts.name, 'src', 'server.ts')];
    // SINBIN_PROFILE_DIR: each function process writes a V8 CPU profile there when it stops.
    const profile = this.opts.env.SINBIN_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${this.opts.env.SINBIN_PROFILE_DIR}`] : [];
    const node = [process.execPath, ...profile, ...entry];
    const wd = this.opts.watchdog;
    if (!wd) return { file: node[0]!, args: node.slice(1), env: { ...this.opts.env, PORT: String(port) }, probe: '/healthz' };
    // of-watchdog splits fprocess on spaces: none of these paths may hold one.
    const spaced = node.find((part) => part.includes(' '));
    if (spaced) throw new Error(`${this.opts.name}: of-watchdog cannot run a command with a space in "${spaced}"; move the checkout or set SINBIN_WATCHDOG=none`);
    const upstream = await freePort();
    const tmp = join(wd.stateDir, this.opts.name);
    mkdirSync(tmp, { recursive: true });
    return {
      file: wd.binary,
      args: [],
      env: {
        ...this.opts.env,
        ...WATCHDOG_DEFAULTS,
        ...wd.env,
        PORT: String(upstream),
        fprocess: node.join(' '),
        upstream_url: `http://127.0.0.1:${upstream}`,
        port: String(port),
        metrics_port: String(await freePort()),
        TMPDIR: tmp,
      },
      // The watchdog's readiness: its lock file is written and the function answers ready_path.
      probe: '/_/ready',
    };
  }

  private async start(): Promise<string> {
    const started = performance.now();
    if (this.opts.scaleToZero) this.coldStartBegan = started;
    const port = await this.portForStart();
    const { file, args, env, probe } = await this.command(port);
    // nice(1) rather than setpriority after the spawn: the watchdog forks the function at once, and
    // the function must start at the lower priority too.
    const niced = this.opts.niceness ? ['nice', ['-n', String(this.opts.niceness), file, ...args]] as const : ([file, args] as const);
    const watched = this.opts.watchdog !== undefined;
    // stderr is always read here: it passes on to ours, and its last lines are kept for the log of an unexpected exit.
    const child = spawn(niced[0], niced[1], { cwd: this.opts.repoRoot, env, stdio: ['ignore', 'inherit', 'pipe'], detached: true });
    this.child = child;
    const tail = new StderrTail();
    const drained = passStderr(child.stderr!, tail, { watched, verbose: this.opts.env.LOG_LEVEL === 'debug' || this.opts.env.LOG_LEVEL === 'trace' });
    this.base = `http://127.0.0.1:${port}`;
    if (child.pid && this.opts.pidFile) writeFileSync(this.opts.pidFile, `${child.pid}\n`);
    child.once('exit', (code, signal) => this.exited(child, code, signal, { tail, drained }));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.child !== child) throw new Error(`${this.opts.name} exited during start-up`);
      try {
        if ((await fetch(`${this.base}${probe}`, { signal: AbortSignal.timeout(1000) })).ok) {
          const ms = performance.now() - started;
          this.restarts = 0;
          if (this.opts.scaleToZero) {
            this.coldStartsMs.push(ms);
            this.opts.log.info({ fn: this.opts.name, coldStartMs: Math.round(ms) }, 'cold start: scaled from zero');
          } else this.opts.log.info({ fn: this.opts.name, startMs: Math.round(ms), watchdog: this.opts.watchdog !== undefined }, 'function process ready');
          return this.base;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    killGroup(child, 'SIGKILL');
    throw new Error(`${this.opts.name} did not become ready in ${START_TIMEOUT_MS / 1000} s`);
  }

  /** The configured port, a free one when none is configured, or when an internal one is taken now. */
  private async portForStart(): Promise<number> {
    const wanted = this.opts.port;
    if (!wanted) return freePort();
    if (!this.opts.internalPort || (await canBind('0.0.0.0', wanted))) return wanted;
    const instead = await freePort();
    this.opts.log.warn({ fn: this.opts.name, port: wanted, instead }, 'function port taken (an outgoing connection may hold it); starting on a free one');
    return instead;
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, stderr: { tail: StderrTail; drained: Promise<void> }): void {
    // The function behind a dead watchdog would be left running: the group goes with its leader.
    killGroup(child, 'SIGKILL');
    if (this.opts.pidFile && readPid(this.opts.pidFile) === child.pid) rmSync(this.opts.pidFile, { force: true });
    if (this.child !== child) return;
    this.child = undefined;
    this.ready = undefined;
    if (this.closed) return;
    // Logged once the last stderr lines are read (the pipe can deliver them after the exit), with them.
    const pid = child.pid;
    const report = (line: Record<string, unknown>, msg: string) =>
      void settleWithin(stderr.drained, STDERR_DRAIN_MS).then(() => this.opts.log.warn({ fn: this.opts.name, pid, code, signal, ...line, stderrTail: stderr.tail.lines() }, msg));
    if (this.opts.scaleToZero) {
      report({}, 'function process exited; it restarts on its next delivery');
      return;
    }
    this.scheduleRestart({ code, signal }, report);
  }

  /** Starts an always-on function again after a back-off (0.1 s, doubling, at most 5 s). */
  private scheduleRestart(why: Record<string, unknown>, report?: (line: Record<string, unknown>, msg: string) => void): void {
    const delay = Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** this.restarts++);
    if (report) report({ restartInMs: delay }, 'function process exited; restarting it');
    else this.opts.log.warn({ fn: this.opts.name, ...why, restartInMs: delay }, 'function process exited; restarting it');
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.closed || this.ready) return;
      const ready = this.start();
      this.ready = ready;
      ready.catch((error) => {
        // A process that spawned and died is rescheduled by exited(); one that never spawned, here.
        if (this.ready !== ready || this.child) return;
        this.ready = undefined;
        this.scheduleRestart({ err: String(error) });
      });
    }, delay);
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

  /**
   * Kills a process abruptly, as a crash would (the fault suite and tests): the function's own
   * process by default, or the watchdog in front of it.
   */
  kill(which: 'function' | 'watchdog' = 'function'): number | undefined {
    const pid = which === 'watchdog' ? this.watchdogPid : this.pid;
    if (pid === undefined) return undefined;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return undefined;
    }
    return pid;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.ready = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      // The watchdog passes SIGTERM on to the function and drains; without one the function drains.
      child.kill('SIGTERM');
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.idleTimer);
    clearTimeout(this.restartTimer);
    await this.ready?.catch(() => undefined);
    await this.stop();
  }
}

// of-watchdog's own lines on stderr (the function's stderr passes through it too): one access line per
// call it proxies (`2026/05/13 14:43:41 POST / - 200 OK - ContentLength: ...`) and one refusal per
// readiness probe while the function starts. At the stack's load that is most of the output and
// CPU of a log line per event, so they are shown at LOG_LEVEL=debug only, and never kept in the
// tail; everything else passes, and is kept.
const WATCHDOG_ACCESS = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d (?:[A-Z]+ \S+ - \d{3}\b|Upstream HTTP request error: .*connection refused)/;

/** How long an exit's log waits for the rest of the process's stderr. */
const STDERR_DRAIN_MS = 1000;

/** Passes a function process's stderr on to ours, line by line, keeping the last lines in `tail`; resolves when it ends. */
function passStderr(stderr: NodeJS.ReadableStream, tail: StderrTail, opts: { watched: boolean; verbose: boolean }): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: stderr, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const access = opts.watched && WATCHDOG_ACCESS.test(line);
      if (!access) tail.push(line);
      if (opts.verbose || !access) process.stderr.write(`${line}\n`);
    });
    lines.once('close', () => resolve());
  });
}

function settleWithin(done: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void done.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function readPid(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** Signals every process of the group `child` leads (spawned detached), if any is left. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}
