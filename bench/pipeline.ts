// Gateway-to-final-decision benchmark on the embedded runtime. The pipeline runs in its own
// process (one core), the load generator and the webhook receiver in this one (the other core).
// Every accepted message must come back as exactly one decision through the webhook.
import { spawn } from 'node:child_process';
import { createServer, Agent, request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChatLines } from './chat-sample';
import { summarize } from './stats';

export interface PipelineBenchOptions {
  rate: number;
  durationS: number;
  /** Messages per POST: 1 is the hardest case for the gateway. */
  batch: number;
}

interface Decision {
  messageId: string;
  decidedBy: string;
  latencyMs: number;
  verdict: string;
}

function post(agent: Agent, port: number, key: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/messages', method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

export async function benchPipeline(opts: PipelineBenchOptions): Promise<Record<string, unknown>> {
  const { lines, source } = loadChatLines();
  const decisions = new Map<string, Decision>();
  let duplicateDecisions = 0;
  const hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      for (const d of (JSON.parse(Buffer.concat(chunks).toString()) as { decisions: Decision[] }).decisions) {
        if (decisions.has(d.messageId)) duplicateDecisions++;
        else decisions.set(d.messageId, d);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookPort = (hook.address() as { port: number }).port;

  const dir = mkdtempSync(join(tmpdir(), 'toxmod-bench-'));
  const policyFile = join(dir, 'policy.json');
  // Short moderation deadline so cases nobody reviews still end in a decision within the run.
  const { DEFAULT_POLICY } = await import('@toxmod/shared/policy');
  writeFileSync(policyFile, JSON.stringify({ default: { ...DEFAULT_POLICY, moderationDeadlineSeconds: 2 } }));
  const gatewayPort = 18000 + Math.floor(Math.random() * 1000);
  const key = 'bench-key-0123456789';
  const child = spawn(process.execPath, [...(process.env.BENCH_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'runtime/embedded/main.ts'], {
    env: {
      ...process.env,
      GATEWAY_PORT: String(gatewayPort),
      MODERATION_PORT: String(gatewayPort + 1),
      GAME_API_KEYS: `bench:${key}`,
      MODERATOR_TOKENS: 'bench-mod:bench-mod-token',
      GAME_WEBHOOKS: JSON.stringify({ bench: { url: `http://127.0.0.1:${hookPort}/hook` } }),
      GAME_POLICIES_FILE: policyFile,
      TOXMOD_STATE_DIR: dir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(`http://127.0.0.1:${gatewayPort}/healthz`, 30_000);
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const accepted: string[] = [];
    const postLatency: number[] = [];
    let sent = 0;
    let rejected = 0;
    let errors = 0;
    const total = opts.rate * opts.durationS;
    const tickMs = 10;
    const perTick = (opts.rate * tickMs) / 1000;
    const started = performance.now();
    const inflight = new Set<Promise<void>>();
    let owed = 0;
    for (let tick = 0; sent < total; tick++) {
      owed += perTick;
      while (owed >= opts.batch && sent < total) {
        owed -= opts.batch;
        const messages = Array.from({ length: opts.batch }, (_, i) => ({
          channelId: `match-${(sent + i) % 400}`,
          playerId: `p${(sent + i) % 10}`,
          text: lines[(sent + i) % lines.length]!,
        }));
        sent += opts.batch;
        const body = JSON.stringify(opts.batch === 1 ? messages[0] : { messages });
        const t0 = performance.now();
        const p = post(agent, gatewayPort, key, body).then(
          (res) => {
            postLatency.push(performance.now() - t0);
            if (res.status === 202) for (const a of (JSON.parse(res.body) as { accepted: { messageId: string }[] }).accepted) accepted.push(a.messageId);
            else rejected += opts.batch;
          },
          () => void (errors += opts.batch),
        );
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      const next = started + (tick + 1) * tickMs;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all(inflight);
    const sendSeconds = (performance.now() - started) / 1000;
    // Wait for the last decisions (moderation cases expire after 2 s, plus the sweep).
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && accepted.some((id) => !decisions.has(id))) await new Promise((r) => setTimeout(r, 100));
    const got = accepted.filter((id) => decisions.has(id)).map((id) => decisions.get(id)!);
    const byPath: Record<string, number> = {};
    for (const d of got) byPath[d.decidedBy] = (byPath[d.decidedBy] ?? 0) + 1;
    agent.destroy();
    return {
      runtime: 'embedded',
      textSource: source,
      target: { rate: opts.rate, durationS: opts.durationS, batch: opts.batch },
      sent,
      accepted: accepted.length,
      rejected,
      errors,
      achievedRatePerS: Math.round(accepted.length / sendSeconds),
      decided: got.length,
      acceptedWithoutDecision: accepted.length - got.length,
      duplicateDecisions,
      decisionsByPath: byPath,
      fastPathLatencyMs: summarize(got.filter((d) => d.decidedBy === 'fast').map((d) => d.latencyMs)),
      deepPathLatencyMs: summarize(got.filter((d) => d.decidedBy === 'deep').map((d) => d.latencyMs)),
      postRoundTripMs: summarize(postLatency),
    };
  } finally {
    child.kill('SIGTERM');
    hook.close();
  }
}
