// Load generator and decision receiver shared by the pipeline benchmarks: paced POSTs to the
// gateway, decisions collected from the game webhook, figures summarised.
import { Agent, createServer, request, type Server } from 'node:http';
import { seededRandom, summarize } from './stats';

export interface ReceivedDecision {
  messageId: string;
  decidedBy: string;
  latencyMs: number;
  verdict: string;
  receivedAt: number;
}

export interface DecisionReceiver {
  url: string;
  decisions: Map<string, ReceivedDecision>;
  duplicates: () => number;
  close(): void;
}

export async function startDecisionReceiver(): Promise<DecisionReceiver> {
  const decisions = new Map<string, ReceivedDecision>();
  let duplicates = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      for (const d of (JSON.parse(Buffer.concat(chunks).toString()) as { decisions: ReceivedDecision[] }).decisions) {
        if (decisions.has(d.messageId)) duplicates++;
        else decisions.set(d.messageId, { ...d, receivedAt: now });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    decisions,
    duplicates: () => duplicates,
    close: () => server.close(),
  };
}

export async function waitFor(url: string, timeoutMs: number): Promise<void> {
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

export interface LoadOptions {
  gatewayPort: number;
  key: string;
  rate: number;
  durationS: number;
  batch: number;
  lines: readonly string[];
  receiver: DecisionReceiver;
  /** How long to wait for the last decisions after sending stops. */
  drainMs: number;
  /** Keep-alive connections to the gateway (50 game servers by default). */
  clients?: number;
  /** Which line each message carries and which channel it is in: the same seed, the same load. */
  seed?: number;
}

/** Sends `rate` messages/s for `durationS`, then waits for decisions; returns the figures. */
export async function runLoad(opts: LoadOptions): Promise<Record<string, unknown>> {
  const clients = opts.clients ?? 50;
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const random = seededRandom(opts.seed ?? 1);
  const accepted: string[] = [];
  const sentAt = new Map<string, number>();
  const postLatency: number[] = [];
  const postFromSchedule: number[] = [];
  let sent = 0;
  let rejected = 0;
  let errors = 0;
  const total = opts.rate * opts.durationS;
  const tickMs = 10;
  const perTick = (opts.rate * tickMs) / 1000;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const inflight = new Set<Promise<void>>();
  let owed = 0;
  for (let tick = 0; sent < total; tick++) {
    owed += perTick;
    // When this tick's requests were due: a generator that falls behind still charges the wait to
    // the gateway (no coordinated omission).
    const due = started + tick * tickMs;
    while (owed >= opts.batch && sent < total) {
      owed -= opts.batch;
      const messages = Array.from({ length: opts.batch }, () => {
        // 400 matches of 10 players, as in a Dota 2 match: per-player state stays realistic.
        const match = Math.floor(random() * 400);
        return { channelId: `match-${match}`, playerId: `match-${match}-p${Math.floor(random() * 10)}`, text: opts.lines[Math.floor(random() * opts.lines.length)]! };
      });
      sent += opts.batch;
      const body = JSON.stringify(opts.batch === 1 ? messages[0] : { messages });
      const t0 = performance.now();
      const p = post(agent, opts.gatewayPort, opts.key, body).then(
        (res) => {
          const t1 = performance.now();
          postLatency.push(t1 - t0);
          postFromSchedule.push(t1 - due);
          if (res.status === 202) {
            for (const a of (JSON.parse(res.body) as { accepted: { messageId: string }[] }).accepted) {
              accepted.push(a.messageId);
              sentAt.set(a.messageId, t0);
            }
          } else rejected += opts.batch;
        },
        () => void (errors += opts.batch),
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    const wait = started + (tick + 1) * tickMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inflight);
  const stoppedAt = performance.now();
  const sendSeconds = (stoppedAt - started) / 1000;
  const loadCpu = process.cpuUsage(cpuBefore);
  const undecided = () => accepted.filter((id) => !opts.receiver.decisions.has(id)).length;
  // The target: every accepted message decided within 1 s of the load stopping.
  await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + 1000 - performance.now())));
  const undecidedAfter1s = undecided();
  const deadline = Date.now() + opts.drainMs;
  while (Date.now() < deadline && undecided() > 0) await new Promise((r) => setTimeout(r, 100));
  const got = accepted.filter((id) => opts.receiver.decisions.has(id)).map((id) => opts.receiver.decisions.get(id)!);
  const lastDecision = got.reduce((max, d) => Math.max(max, d.receivedAt), stoppedAt);
  const drainedSeconds = (lastDecision - started) / 1000;
  const byPath: Record<string, number> = {};
  for (const d of got) byPath[d.decidedBy] = (byPath[d.decidedBy] ?? 0) + 1;
  agent.destroy();
  const fast = got.filter((d) => d.decidedBy === 'fast');
  return {
    target: { rate: opts.rate, durationS: opts.durationS, batch: opts.batch, clients, seed: opts.seed ?? 1 },
    sent,
    accepted: accepted.length,
    rejected,
    errors,
    acceptedPerS: Math.round(accepted.length / sendSeconds),
    decidedPerS: Math.round(got.length / drainedSeconds),
    decided: got.length,
    undecidedAfter1s,
    acceptedWithoutDecision: accepted.length - got.length,
    // Last decision received, counted from the moment the last POST was answered.
    drainMs: Math.round(lastDecision - stoppedAt),
    duplicateDecisions: opts.receiver.duplicates(),
    decisionsByPath: byPath,
    // Gateway receipt to final decision, as the pipeline stamps it on each decision.
    fastPathDecisionLatencyMs: summarize(fast.map((d) => d.latencyMs)),
    deepPathDecisionLatencyMs: summarize(got.filter((d) => d.decidedBy === 'deep').map((d) => d.latencyMs)),
    // Client send to webhook receipt: includes the webhook's batching delay.
    fastPathEndToEndMs: summarize(fast.map((d) => d.receivedAt - sentAt.get(d.messageId)!)),
    // The POST's answer (202: on disk), from the moment it was due by the schedule: the figure the target is about.
    postLatencyMs: summarize(postFromSchedule),
    // The same, from the moment the request was written (what a client that never falls behind sees).
    postRoundTripMs: summarize(postLatency),
    loadGeneratorCpuMsPerMessage: sent > 0 ? Math.round(((loadCpu.user + loadCpu.system) / sent) * 1000) / 1e6 : undefined,
  };
}
