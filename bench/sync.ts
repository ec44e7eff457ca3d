// Synchronous answers on the embedded default: `clients` concurrent game backends each send one
// message per POST, paced so that together they send `rate` messages/s, and ask to wait
// (Prefer: wait=N). Measured: how many fast-path decisions come back in the answer (200) and the
// answer's round trip, p50/p99. Baseline in the same run: the same load without Prefer (202 at once).
// The pipeline runs in its own process; load and webhook receiver run in this one.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChatLines } from './chat-sample';
import { startDecisionReceiver, waitFor, type DecisionReceiver } from './load';
import { BENCH_KEY, benchPolicyFile } from './pipeline';
import { summarize } from './stats';

export interface SyncBenchOptions {
  rate: number;
  clients: number;
  durationS: number;
  waitS: number;
}

interface Answer {
  messageId: string;
  status: number;
  ms: number;
  decidedBy?: string;
}

function post(agent: Agent, port: number, body: string, prefer: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (prefer) headers.prefer = prefer;
    const req = request({ host: '127.0.0.1', port, path: '/v1/messages', method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Each client sends its share on its own schedule and keeps sending while earlier answers wait. */
async function phase(port: number, opts: SyncBenchOptions, lines: readonly string[], prefer: string | undefined, label: string): Promise<Answer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const answers: Answer[] = [];
  const perClient = opts.rate / opts.clients;
  const total = Math.round(opts.rate * opts.durationS);
  let sent = 0;
  const started = performance.now();
  const progress = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    process.stderr.write(`[bench sync] ${label}: ${answers.length}/${total} answered, ${s.toFixed(0)} s, ETA ${Math.max(0, opts.durationS - s + opts.waitS).toFixed(0)} s\n`);
  }, 5000);
  const inflight: Promise<void>[] = [];
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, client) => {
      for (let n = 0; ; n++) {
        const due = started + ((n + client / opts.clients) * 1000) / perClient;
        if (due - started > opts.durationS * 1000 || sent >= total) break;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const i = sent++;
        const messageId = `${label}-${i}`;
        const body = JSON.stringify({ messageId, channelId: `match-${i % 400}`, playerId: `match-${i % 400}-p${Math.floor(i / 400) % 10}`, text: lines[i % lines.length]! });
        const t0 = performance.now();
        inflight.push(
          post(agent, port, body, prefer).then(
            (res) => {
              const decision = res.status === 200 ? (JSON.parse(res.body) as { accepted: { decision?: { decidedBy: string } }[] }).accepted[0]?.decision : undefined;
              answers.push({ messageId, status: res.status, ms: performance.now() - t0, ...(decision ? { decidedBy: decision.decidedBy } : {}) });
            },
            () => void answers.push({ messageId, status: 0, ms: performance.now() - t0 }),
          ),
        );
      }
    }),
  );
  await Promise.all(inflight);
  clearInterval(progress);
  agent.destroy();
  return answers;
}

function figures(answers: Answer[], receiver: DecisionReceiver, seconds: number) {
  const byStatus: Record<string, number> = {};
  for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
  // Which messages the pipeline decided on the fast path, from the webhook (also for 202 answers).
  const fast = answers.filter((a) => receiver.decisions.get(a.messageId)?.decidedBy === 'fast');
  const fastInAnswer = fast.filter((a) => a.status === 200);
  return {
    answers: answers.length,
    answersPerS: Math.round(answers.length / seconds),
    byStatus,
    fastPathDecisions: fast.length,
    fastPathAnsweredWithinWait: fastInAnswer.length,
    fastPathShareWithinWait: fast.length ? Math.round((fastInAnswer.length / fast.length) * 10_000) / 10_000 : null,
    fastPathAnswerMs: summarize(fastInAnswer.map((a) => a.ms)),
    allAnswersMs: summarize(answers.map((a) => a.ms)),
  };
}

export async function benchSync(opts: SyncBenchOptions): Promise<Record<string, unknown>> {
  const { lines, source } = loadChatLines();
  const receiver = await startDecisionReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-bench-sync-'));
  const port = 19000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/src/embedded/main.ts'], {
    env: {
      ...process.env,
      GATEWAY_PORT: String(port),
      MODERATION_PORT: String(port + 1),
      GAME_API_KEYS: `bench:${BENCH_KEY}`,
      MODERATOR_TOKENS: 'bench-mod:bench-mod-token',
      GAME_WEBHOOKS: JSON.stringify({ bench: { url: receiver.url } }),
      GAME_POLICIES_FILE: benchPolicyFile(dir),
      SINBIN_STATE_DIR: dir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`, 60_000);
    // Warm-up at the same rate, so both phases run on a warm pipeline.
    await phase(port, { ...opts, durationS: Math.min(5, opts.durationS) }, lines, undefined, 'warmup');
    let t = performance.now();
    const baseline = await phase(port, opts, lines, undefined, 'baseline');
    const baselineS = (performance.now() - t) / 1000;
    t = performance.now();
    const waiting = await phase(port, opts, lines, `wait=${opts.waitS}`, 'sync');
    const waitingS = (performance.now() - t) / 1000;
    // Give the webhook the last decisions (deep path and expired moderation cases, 2 s deadline).
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && [...baseline, ...waiting].some((a) => a.status >= 200 && a.status < 300 && !receiver.decisions.has(a.messageId))) await new Promise((r) => setTimeout(r, 100));
    return {
      runtime: 'embedded',
      textSource: source,
      load: { ratePerS: opts.rate, clients: opts.clients, durationS: opts.durationS, messagesPerPost: 1, preferWaitS: opts.waitS },
      baselineNoWait: figures(baseline, receiver, baselineS),
      syncAnswer: figures(waiting, receiver, waitingS),
      duplicateDecisions: receiver.duplicates(),
    };
  } finally {
    child.kill('SIGTERM');
    receiver.close();
  }
}
