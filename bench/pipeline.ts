// Gateway-to-final-decision benchmark on the embedded runtime. The pipeline runs in its own
// process (one core), the load generator and the webhook receiver in this one (the other core).
// Every accepted message must come back as exactly one decision through the webhook.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY } from '@sinbin/contract';
import { loadChatLines } from './chat-sample';
import { runLoad, startDecisionReceiver, waitFor } from './load';

/** The embedded log under test: durable (make run's default), durable without fsync, or the in-memory bus. */
export type BenchLog = 'durable' | 'nosync' | 'memory';
export const BENCH_LOGS: readonly BenchLog[] = ['durable', 'nosync', 'memory'];

export interface PipelineBenchOptions {
  rate: number;
  durationS: number;
  /** Messages per POST: 1 is the hardest case for the gateway. */
  batch: number;
  log?: BenchLog;
  clients?: number;
  seed?: number;
}

export const BENCH_KEY = 'bench-key-0123456789';

/** A policy whose moderation cases expire in 2 s, so every message gets a decision in the run. */
export function benchPolicyFile(dir: string): string {
  const file = join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify({ default: { ...DEFAULT_POLICY, moderationDeadlineSeconds: 2 } }));
  return file;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

export async function benchPipeline(opts: PipelineBenchOptions): Promise<Record<string, unknown>> {
  const { lines, source } = loadChatLines();
  const receiver = await startDecisionReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-bench-'));
  const gatewayPort = 18000 + Math.floor(Math.random() * 1000);
  // BENCH_EMBEDDED_ENTRY: a bundle of runtime/src/embedded/main.ts (.js, run by node alone) instead of the sources through tsx.
  const entry = process.env.BENCH_EMBEDDED_ENTRY ?? 'runtime/src/embedded/main.ts';
  const child = spawn(process.execPath, [...(process.env.BENCH_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...(entry.endsWith('.js') ? [] : ['--import', 'tsx']), entry], {
    env: {
      ...process.env,
      GATEWAY_PORT: String(gatewayPort),
      MODERATION_PORT: String(gatewayPort + 1),
      GAME_API_KEYS: `bench:${BENCH_KEY}`,
      MODERATOR_TOKENS: 'bench-mod:bench-mod-token',
      GAME_WEBHOOKS: JSON.stringify({ bench: { url: receiver.url } }),
      GAME_POLICIES_FILE: benchPolicyFile(dir),
      SINBIN_STATE_DIR: dir,
      SINBIN_LOG: opts.log === 'memory' ? 'memory' : 'durable',
      SINBIN_LOG_SYNC: opts.log === 'nosync' ? 'off' : 'on',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(`http://127.0.0.1:${gatewayPort}/healthz`, 180_000);
    const { log = 'durable', ...load } = opts;
    const cpuBefore = cpuSecondsOf(child.pid);
    const loadBefore = loadavg();
    const figures = await runLoad({ gatewayPort, key: BENCH_KEY, lines, receiver, drainMs: 15_000, ...load });
    const cpuAfter = cpuSecondsOf(child.pid);
    // The machine is shared: the 1-minute load average before and after says how busy it was.
    const loadAverage = { before: Math.round(loadBefore[0]! * 100) / 100, after: Math.round(loadavg()[0]! * 100) / 100 };
    // CPU the pipeline process spent per accepted message: unlike latency, it hardly depends on how busy the machine is.
    const pipelineCpuMsPerMessage =
      cpuBefore !== undefined && cpuAfter !== undefined && Number(figures.accepted) > 0 ? Math.round(((cpuAfter - cpuBefore) * 1e6) / Number(figures.accepted)) / 1000 : undefined;
    return { runtime: 'embedded', log, textSource: source, loadAverage, ...figures, pipelineCpuMsPerMessage };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    receiver.close();
  }
}
