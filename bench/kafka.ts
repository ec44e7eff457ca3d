// The pipeline through a real Kafka broker: functions as their own processes behind the topic
// connector (Knative KafkaSource-style deliveries), state in PostgreSQL. Starts the broker and
// database with infra/local if they are not running. Figures: sustained throughput, fast-path
// latency at a moderate rate, and a scale-to-zero function's cold start.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadChatLines } from './chat-sample';
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
    // Warm-up at the latency run's rate, so its figures are steady state: JIT-compiled code, the
    // connection pools grown to that load, named statements prepared on each connection.
    const warmUp = { rate: opts.latencyRate, durationS: 5 };
    await runLoad({ ...base, ...warmUp, drainMs: 20_000 });
    // Latency first, on an idle pipeline; the throughput run last, since it may leave a backlog.
    const latency = await runLoad({ ...base, rate: opts.latencyRate, durationS: opts.durationS, drainMs: 30_000 });
    // Cold start: let deep-analyzer scale to zero, then send it work.
    await new Promise((r) => setTimeout(r, 6000));
    const before = coldStarts.length;
    await runLoad({ ...base, rate: 50, durationS: 2, drainMs: 20_000 });
    const coldStartsMs = coldStarts.slice(before);
    const throughput = await runLoad({ ...base, rate: opts.throughputRate, durationS: opts.durationS, drainMs: 60_000 });
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
    try {
      script('stack.sh', 'stop');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      receiver.close();
    }
  }
}
