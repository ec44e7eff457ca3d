// The pipeline through a real Kafka broker: functions as their own processes behind the topic
// connector (Knative KafkaSource-style deliveries), state in PostgreSQL. Starts the broker and
// database with infra/local if they are not running. Figures: sustained throughput, fast-path
// latency at a moderate rate, and a scale-to-zero function's cold start.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { loadChatLines } from './chat-sample';
import { treeCpuSeconds } from './process-cpu';
import { runLoad, startDecisionReceiver, waitFor } from './load';
import { BENCH_KEY, benchPolicyFile } from './pipeline';
import { freePort } from '@sinbin/runtime';
import { deleteTopicsAndGroups } from '@sinbin/runtime/stack';

function script(name: string, ...args: string[]): string {
  return execFileSync('bash', [join('infra', 'local', name), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export interface KafkaBenchOptions {
  throughputRate: number;
  latencyRate: number;
  durationS: number;
  batch: number;
  mode: 'knative' | 'openfaas' | 'direct';
}

/** Whether infra/local/<name> says its service runs (status exits 0). */
function running(name: string): boolean {
  try {
    script(name, 'status');
    return true;
  } catch {
    return false;
  }
}

/** The first number in a pid file (PostgreSQL's postmaster.pid starts with it), if there is one. */
function pidIn(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a load and adds the CPU the pipeline's processes used meanwhile, per part and per decided message. */
async function measuredLoad(load: Parameters<typeof runLoad>[0], roots: () => Record<string, number | undefined>): Promise<Record<string, unknown>> {
  const rootsBefore = roots();
  const before = treeCpuSeconds(rootsBefore);
  const result = await runLoad(load);
  const rootsAfter = roots();
  const after = treeCpuSeconds(rootsAfter);
  // A part whose process changed (a function that scaled to zero and back) counts from its new start;
  // what the old one used is then in the stack's total only.
  const used = (part: string) => after[part]! - (rootsBefore[part] === rootsAfter[part] ? (before[part] ?? 0) : 0);
  const round = (x: number) => Math.round(x * 100) / 100;
  const cpuSeconds = Object.fromEntries(Object.keys(after).map((part) => [part, round(used(part))]));
  const total = ['stack', 'broker', 'database'].reduce((sum, part) => sum + (cpuSeconds[part] ?? 0), 0);
  const decided = Number(result.decided);
  return { ...result, cpuSeconds, cpuMsPerDecided: decided > 0 ? Math.round((total * 1000 * 100) / decided) / 100 : null };
}

export async function benchKafka(opts: KafkaBenchOptions): Promise<Record<string, unknown>> {
  // What the bench starts it stops at the end (by the scripts' pid files); a broker or database
  // already running (make up) is left as it was.
  const ours = ['kafka.sh', 'postgres.sh'].filter((name) => !running(name));
  try {
    return await benchOnServices(opts);
  } finally {
    for (const name of ours) script(name, 'stop');
  }
}

async function benchOnServices(opts: KafkaBenchOptions): Promise<Record<string, unknown>> {
  const brokerStarted = performance.now();
  script('kafka.sh', 'start');
  script('kafka.sh', 'wait');
  const brokerReadyS = (performance.now() - brokerStarted) / 1000;
  script('postgres.sh', 'start');
  script('postgres.sh', 'wait');
  const databaseUrl = script('postgres.sh', 'url');
  // Start from empty topics and groups, so no earlier run's backlog is in the figures.
  await deleteTopicsAndGroups(['127.0.0.1:9092']);

  const { lines, source } = loadChatLines();
  const receiver = await startDecisionReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-kbench-'));
  // Free ports, so a bench never collides with another stack or test run on the machine.
  const [gatewayPort, moderationPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/src/stack/main.ts'], {
    env: {
      ...process.env,
      GATEWAY_PORT: String(gatewayPort),
      MODERATION_PORT: String(moderationPort),
      FUNCTION_BASE_PORT: '0',
      GAME_API_KEYS: `bench:${BENCH_KEY}`,
      MODERATOR_TOKENS: 'bench-mod:bench-mod-token',
      GAME_WEBHOOKS: JSON.stringify({ bench: { url: receiver.url } }),
      GAME_POLICIES_FILE: benchPolicyFile(dir),
      DATABASE_URL: databaseUrl,
      OBJECT_DIR: join(dir, 'objects'),
      SCALE_TO_ZERO_IDLE_MS: '3000',
      SINBIN_DELIVERY: opts.mode,
      LOG_LEVEL: 'info',
    },
    // Structured logs (pino) go to stdout; the cold-start lines are read from there.
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // ms: first delivery to ready; firstResultMs: first delivery to its result (the function answered 2xx).
  const coldStarts: { fn: string; ms: number; firstResultMs?: number }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.includes('cold start')) return;
    try {
      const entry = JSON.parse(line) as { fn?: string; coldStartMs?: number; firstResultMs?: number };
      if (entry.coldStartMs !== undefined) coldStarts.push({ fn: entry.fn ?? '?', ms: entry.coldStartMs });
      if (entry.firstResultMs !== undefined) {
        const open = coldStarts.findLast((c) => c.fn === entry.fn && c.firstResultMs === undefined);
        if (open) open.firstResultMs = entry.firstResultMs;
      }
    } catch {
      // not a log line
    }
  });
  try {
    await waitFor(`http://127.0.0.1:${gatewayPort}/healthz`, 120_000);
    const base = { gatewayPort, key: BENCH_KEY, lines, receiver, batch: opts.batch };
    // The CPU of the stack (connector, functions, watchdogs), the broker and the database, each with its descendants.
    const state = process.env.SINBIN_STATE_DIR ?? '.run';
    const pidDir = join(state, 'stack', 'pids');
    const functionPids = () => Object.fromEntries(readdirSync(pidDir).map((file) => [`stack: ${file.replace(/\.pid$/, '')}`, pidIn(join(pidDir, file))]));
    const roots = () => ({ stack: child.pid, ...functionPids(), broker: pidIn(join(state, 'kafka', 'kafka.pid')), database: pidIn(join(state, 'postgres', 'data', 'postmaster.pid')) });
    // Warm-up at the latency run's rate, so its figures are steady state: JIT-compiled code, the
    // connection pools grown to that load, named statements prepared on each connection.
    const warmUp = { rate: opts.latencyRate, durationS: 5 };
    await runLoad({ ...base, ...warmUp, drainMs: 20_000 });
    // Latency first, on an idle pipeline; the throughput run last, since it may leave a backlog.
    const latency = await measuredLoad({ ...base, rate: opts.latencyRate, durationS: opts.durationS, drainMs: 30_000 }, roots);
    // Cold start: let deep-analyzer scale to zero, then send it work.
    await new Promise((r) => setTimeout(r, 6000));
    const before = coldStarts.length;
    await runLoad({ ...base, rate: 50, durationS: 2, drainMs: 20_000 });
    const coldStartsMs = coldStarts.slice(before);
    const throughput = await measuredLoad({ ...base, rate: opts.throughputRate, durationS: opts.durationS, drainMs: 60_000 }, roots);
    return {
      runtime: 'Apache Kafka 4 (KRaft, single node) + PostgreSQL, every function its own process',
      delivery: opts.mode,
      textSource: source,
      brokerReadyS: Math.round(brokerReadyS * 10) / 10,
      warmUp,
      throughput,
      latency,
      coldStartsMs,
      allColdStartsMs: coldStarts,
    };
  } finally {
    // By its pid file, as `make down` does: the stack stops its functions (it may take longer
    // than its connectors' last commits), and any function it left is stopped after it; only
    // then may the broker and the database go.
    // Asynchronously: the stack is this process's child, and a blocked event loop could not reap it.
    await promisify(execFile)('bash', [join('infra', 'local', 'stack.sh'), 'stop'], { encoding: 'utf8' }).catch((error: { stderr?: string }) => {
      process.stderr.write(`stack.sh stop failed: ${error.stderr ?? String(error)}\n`);
    });
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    receiver.close();
  }
}
