// A function's own process behind the REAL of-watchdog (mode=http), as the sinbin-ts image
// runs it, taking the two platforms' deliveries: an OpenFaaS kafka-connector request and a
// Knative KafkaSource binary CloudEvent. Outputs leave through K_SINK to a local CloudEvents
// sink this test runs; a poison body is answered 2xx and lands there as a dead letter.
//
// The same deliveries also go straight to the function process (no watchdog), so the delivery
// contract is checked even where the pinned of-watchdog cannot be installed: the module proxy
// reachable from this project's machines refuses of-watchdog's versions. There the watchdog
// cases report themselves skipped with the installer's reason, unless
// SINBIN_REQUIRE_OF_WATCHDOG=1, which turns that into a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_CE_TYPE, TOPICS } from '@sinbin/contract';
import { REPO_ROOT } from '../../../scripts/deploy/manifests';
import { installTool, type InstallResult } from './tools';

const FUNCTION = 'fast-classifier';
const FPROCESS = `node --import tsx functions/${FUNCTION}/src/server.ts`;

interface SinkEvent {
  headers: IncomingHttpHeaders;
  body: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A CloudEvents sink (what a KafkaSink is to the function): records each POST, answers 202. */
async function startSink(): Promise<{ url: string; events: SinkEvent[]; server: Server }> {
  const events: SinkEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(202).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/`, events, server };
}

interface Running {
  base: string;
  child: ChildProcess;
  logs: string[];
}

async function waitHealthy(base: string, child: ChildProcess, logs: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited ${child.exitCode}:\n${logs.join('').slice(-3000)}`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not healthy after ${timeoutMs} ms:\n${logs.join('').slice(-3000)}`);
}

/** The function behind the watchdog (watchdog path given) or on its own. */
async function start(sinkUrl: string, objectDir: string, watchdog?: string): Promise<Running> {
  const functionPort = await freePort();
  // One instance without a database: per-process memory stores, asked for explicitly.
  const functionEnv = { PORT: String(functionPort), K_SINK: sinkUrl, OBJECT_DIR: objectDir, LOG_LEVEL: 'warn', SINBIN_STORES: 'memory' };
  const logs: string[] = [];
  let child: ChildProcess;
  let base: string;
  if (watchdog) {
    const watchdogPort = await freePort();
    child = spawn(watchdog, [], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...functionEnv,
        // of-watchdog's own settings, as template/sinbin-ts/Dockerfile sets them.
        mode: 'http',
        upstream_url: `http://127.0.0.1:${functionPort}`,
        port: String(watchdogPort),
        fprocess: FPROCESS,
        exec_timeout: '30s',
        read_timeout: '30s',
        write_timeout: '30s',
        prefix_logs: 'false',
        healthcheck_interval: '1s',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    base = `http://127.0.0.1:${watchdogPort}`;
  } else {
    const [command, ...args] = FPROCESS.split(' ');
    child = spawn(command!, args, { cwd: REPO_ROOT, env: { ...process.env, ...functionEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    base = `http://127.0.0.1:${functionPort}`;
  }
  child.stdout?.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
  await waitHealthy(base, child, logs);
  return { base, child, logs };
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running || running.child.exitCode !== null) return;
  const exited = new Promise((r) => running.child.once('exit', r));
  running.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (running.child.exitCode === null) running.child.kill('SIGKILL');
}

function chatMessage(messageId: string) {
  const now = new Date().toISOString();
  return { messageId, gameId: 'game-a', channelId: 'match-42', playerId: 'p-7', text: 'gg well played everyone', sentAt: now, receivedAt: now };
}

async function waitFor(events: SinkEvent[], match: (e: SinkEvent) => boolean, timeoutMs = 15_000): Promise<SinkEvent> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = events.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no matching event at the sink; it has ${events.length}: ${events.map((e) => e.headers['ce-type']).join(', ')}`);
}

/** The same deliveries, whichever process answers them. */
function deliveryCases(target: () => { base: string; events: SinkEvent[] } | undefined, skipReason: () => string | undefined) {
  const ready = (ctx: { skip: (note?: string) => void }) => {
    const reason = skipReason();
    if (reason) ctx.skip(reason);
    return target()!;
  };

  it('takes a kafka-connector request (X-Topic, X-Kafka-*) and publishes a classified-messages CloudEvent', async (ctx) => {
    const { base, events } = ready(ctx);
    const message = chatMessage(`connector-${Date.now()}`);
    const res = await fetch(`${base}/`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-topic': 'raw-messages', 'x-kafka-partition': '3', 'x-kafka-offset': '41', 'x-kafka-key': 'game-a/match-42' },
      body: JSON.stringify(message),
    });
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    const out = await waitFor(events, (e) => e.headers['ce-type'] === TOPICS['classified-messages'].ceType && e.body.includes(message.messageId));
    expect(out.headers['ce-specversion']).toBe('1.0');
    expect(out.headers['ce-partitionkey']).toBe('game-a/match-42');
    expect(JSON.parse(out.body).message.messageId).toBe(message.messageId);
  });

  it('takes a KafkaSource binary CloudEvent and publishes a classified-messages CloudEvent', async (ctx) => {
    const { base, events } = ready(ctx);
    const message = chatMessage(`knative-${Date.now()}`);
    const res = await fetch(`${base}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-type': 'dev.knative.kafka.event',
        'ce-id': 'partition:5/offset:17',
        'ce-source': '/apis/v1/namespaces/sinbin/kafkasources/fast-classifier-from-raw-messages#raw-messages',
        'ce-subject': 'partition:5#17',
        'ce-key': 'game-a/match-42',
        'ce-partitionkey': 'game-a/match-42',
        'ce-time': new Date().toISOString(),
      },
      body: JSON.stringify(message),
    });
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    const out = await waitFor(events, (e) => e.headers['ce-type'] === TOPICS['classified-messages'].ceType && e.body.includes(message.messageId));
    expect(JSON.parse(out.body).message.messageId).toBe(message.messageId);
  });

  it('answers a poison body 200 and dead-letters it to the sink', async (ctx) => {
    const { base, events } = ready(ctx);
    const poison = `{"not": "a chat message", "marker": "poison-${Date.now()}"`;
    const res = await fetch(`${base}/`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-topic': 'raw-messages', 'x-kafka-partition': '0', 'x-kafka-offset': '7', 'x-kafka-key': 'game-a/match-42' },
      body: poison,
    });
    expect(res.status).toBe(200);
    const letter = await waitFor(events, (e) => e.headers['ce-type'] === DEAD_LETTER_CE_TYPE && e.body.includes('poison-'));
    const body = JSON.parse(letter.body);
    expect(body).toMatchObject({ topic: 'raw-messages', consumer: FUNCTION, partition: 0, offset: '7', payload: poison });
  });
}

describe(`${FUNCTION} behind the real of-watchdog (mode=http)`, () => {
  let install: InstallResult | undefined;
  let sink: Awaited<ReturnType<typeof startSink>> | undefined;
  let running: Running | undefined;
  const objectDir = mkdtempSync(join(tmpdir(), 'sinbin-wd-objects-'));

  beforeAll(async () => {
    install = installTool('of-watchdog');
    if (!install.path) {
      if (!install.refusedByRegistry || process.env.SINBIN_REQUIRE_OF_WATCHDOG === '1') throw new Error(`could not install of-watchdog:\n${install.problem}`);
      return;
    }
    sink = await startSink();
    running = await start(sink.url, objectDir, install.path);
  }, 15 * 60_000);

  afterAll(async () => {
    await stop(running);
    sink?.server.close();
    rmSync(objectDir, { recursive: true, force: true });
  });

  it('serves the watchdog health endpoint', async (ctx) => {
    if (!running) return ctx.skip(`of-watchdog not installable here (module proxy refused the pinned version): ${install?.problem?.split('\n').pop()}`);
    expect((await fetch(`${running.base}/_/health`)).status).toBe(200);
  });

  deliveryCases(
    () => (running && sink ? { base: running.base, events: sink.events } : undefined),
    () => (running ? undefined : 'of-watchdog not installable here (module proxy refused the pinned version)'),
  );
});

describe(`${FUNCTION} on its own (the process the watchdog fronts)`, () => {
  let sink: Awaited<ReturnType<typeof startSink>> | undefined;
  let running: Running | undefined;
  const objectDir = mkdtempSync(join(tmpdir(), 'sinbin-fn-objects-'));

  beforeAll(async () => {
    sink = await startSink();
    running = await start(sink.url, objectDir);
  }, 120_000);

  afterAll(async () => {
    await stop(running);
    sink?.server.close();
    rmSync(objectDir, { recursive: true, force: true });
  });

  deliveryCases(
    () => (running && sink ? { base: running.base, events: sink.events } : undefined),
    () => undefined,
  );
});
