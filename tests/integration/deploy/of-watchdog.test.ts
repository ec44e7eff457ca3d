// A function's own process behind the REAL of-watchdog (mode=http), built from the vendored source
// (scripts/deploy/install-tools.sh) and started exactly as `make up` starts it (FunctionProcess, with the
// image's settings from template/sinbin-ts/Dockerfile): the watchdog's health and readiness, its
// max_inflight back-pressure and exec_timeout, and the two platforms' deliveries (an OpenFaaS
// kafka-connector request, a Knative KafkaSource binary CloudEvent). Outputs leave through K_SINK to a
// CloudEvents sink this test runs, which can hold its answers to make the function slow on purpose.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_CE_TYPE, TOPICS } from '@sinbin/contract';
import { silentLogger } from '@sinbin/runtime';
import { FunctionProcess } from '@sinbin/runtime/stack';
import { REPO, ofWatchdog } from '../services';

const FUNCTION = 'fast-classifier';

interface SinkEvent {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A CloudEvents sink (what a KafkaSink is to the function): records each POST, answers 202, or holds the answer while `held`. */
async function startSink() {
  const events: SinkEvent[] = [];
  const parked: ServerResponse[] = [];
  let held = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (held) parked.push(res);
      else res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    events,
    server,
    hold: () => void (held = true),
    release: () => {
      held = false;
      for (const res of parked.splice(0)) if (!res.writableEnded) res.writeHead(202).end();
    },
  };
}

function chatMessage(messageId: string) {
  const now = new Date().toISOString();
  return { messageId, gameId: 'game-a', channelId: 'match-42', playerId: 'p-7', text: 'gg well played everyone', sentAt: now, receivedAt: now };
}

/** A kafka-connector delivery of one chat message on raw-messages. */
function connectorDelivery(base: string, body: string, offset = 41): Promise<Response> {
  return fetch(`${base}/`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'x-topic': 'raw-messages', 'x-kafka-partition': '3', 'x-kafka-offset': String(offset), 'x-kafka-key': 'game-a/match-42' },
    body,
  });
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

let binary = '';
const state = mkdtempSync(join(tmpdir(), 'sinbin-wd-'));

beforeAll(async () => {
  binary = await ofWatchdog();
}, 10 * 60_000);

afterAll(() => rmSync(state, { recursive: true, force: true }));

/** The function behind a watchdog of its own, as the stack runs it; `settings` over the image's. */
async function behindWatchdog(sinkUrl: string, settings: Record<string, string> = {}): Promise<FunctionProcess> {
  const p = new FunctionProcess({
    name: FUNCTION,
    port: 0,
    env: { ...process.env, K_SINK: sinkUrl, OBJECT_DIR: join(state, 'objects'), LOG_LEVEL: 'warn', KAFKA_BROKERS: undefined, DATABASE_URL: undefined, SINBIN_STORES: 'memory' },
    scaleToZero: true, // started and stopped by the test alone, never restarted behind its back
    idleMs: 3_600_000,
    log: silentLogger(),
    repoRoot: REPO,
    watchdog: { binary, stateDir: mkdtempSync(join(state, 'watchdog-')), env: settings },
  });
  await p.acquire();
  p.release();
  return p;
}

describe(`${FUNCTION} behind the real of-watchdog (mode=http)`, () => {
  let sink: Awaited<ReturnType<typeof startSink>>;
  let fn: FunctionProcess;

  beforeAll(async () => {
    sink = await startSink();
    fn = await behindWatchdog(sink.url);
  }, 120_000);

  afterAll(async () => {
    await fn?.close();
    sink?.server.close();
  });

  it('runs the function as its child and answers its health (/_/health) once the lock file is written', async () => {
    expect(fn.watchdogPid).toBeGreaterThan(0);
    expect(fn.pid).toBeGreaterThan(0);
    expect(fn.pid).not.toBe(fn.watchdogPid);
    const res = await fetch(`${fn.url}/_/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('OK');
  });

  it("answers readiness (/_/ready) from the function's own ready_path (/healthz)", async () => {
    const res = await fetch(`${fn.url}/_/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('takes a kafka-connector request (X-Topic, X-Kafka-*) and publishes a classified-messages CloudEvent', async () => {
    const message = chatMessage(`connector-${Date.now()}`);
    const res = await connectorDelivery(fn.url, JSON.stringify(message));
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    // The watchdog times every call it proxies.
    expect(Number(res.headers.get('x-duration-seconds'))).toBeGreaterThan(0);
    const out = await waitFor(sink.events, (e) => e.headers['ce-type'] === TOPICS['classified-messages'].ceType && e.body.includes(message.messageId));
    expect(out.headers['ce-specversion']).toBe('1.0');
    expect(out.headers['ce-partitionkey']).toBe('game-a/match-42');
    expect(JSON.parse(out.body).message.messageId).toBe(message.messageId);
  });

  it('takes a KafkaSource binary CloudEvent and publishes a classified-messages CloudEvent', async () => {
    const message = chatMessage(`knative-${Date.now()}`);
    const res = await fetch(`${fn.url}/`, {
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
    const out = await waitFor(sink.events, (e) => e.headers['ce-type'] === TOPICS['classified-messages'].ceType && e.body.includes(message.messageId));
    expect(JSON.parse(out.body).message.messageId).toBe(message.messageId);
  });

  it('answers a poison body 200 and dead-letters it to the sink', async () => {
    const poison = `{"not": "a chat message", "marker": "poison-${Date.now()}"`;
    const res = await connectorDelivery(fn.url, poison, 7);
    expect(res.status).toBe(200);
    const letter = await waitFor(sink.events, (e) => e.headers['ce-type'] === DEAD_LETTER_CE_TYPE && e.body.includes('poison-'));
    expect(JSON.parse(letter.body)).toMatchObject({ topic: 'raw-messages', consumer: FUNCTION, partition: 3, offset: '7', payload: poison });
  });

  it('restarts nothing itself: when the function dies the watchdog exits too, so the platform (or make up) starts both again', async () => {
    const other = await behindWatchdog(sink.url);
    const watchdogPid = other.watchdogPid!;
    const exited = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        try {
          process.kill(watchdogPid, 0);
        } catch {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
    expect(other.kill('function')).toBeGreaterThan(0);
    await exited;
    for (let i = 0; i < 100 && other.running; i++) await new Promise((r) => setTimeout(r, 50));
    expect(other.running).toBe(false);
    await other.close();
  }, 120_000);
});

describe('of-watchdog limits, with the function slowed by a sink that holds its answers', () => {
  let sink: Awaited<ReturnType<typeof startSink>>;
  let fn: FunctionProcess;

  beforeAll(async () => {
    sink = await startSink();
    // One call at a time, and at most 3 s each (the image allows 30 s; the HTTP timeouts stay above it).
    fn = await behindWatchdog(sink.url, { max_inflight: '1', exec_timeout: '3s' });
  }, 120_000);

  afterAll(async () => {
    sink?.release();
    await fn?.close();
    sink?.server.close();
  });

  it('max_inflight: a call over the limit gets 429 at once, readiness says 429 while it is met, and the slot frees', async () => {
    sink.hold();
    const first = connectorDelivery(fn.url, JSON.stringify(chatMessage(`slow-${Date.now()}`)));
    // The first call is inside the function, waiting on the sink.
    await waitFor(sink.events, (e) => e.body.includes('slow-'));
    // Not queued behind the first (which holds until released): refused at once.
    const second = await connectorDelivery(fn.url, JSON.stringify(chatMessage(`over-${Date.now()}`)));
    expect(second.status).toBe(429);
    expect((await fetch(`${fn.url}/_/ready`)).status).toBe(429);
    sink.release();
    expect((await first).status).toBe(200);
    expect((await fetch(`${fn.url}/_/ready`)).status).toBe(200);
    expect((await connectorDelivery(fn.url, JSON.stringify(chatMessage(`after-${Date.now()}`)))).status).toBe(200);
  }, 60_000);

  it('exec_timeout: a call still running after it is answered 504 by the watchdog (a retried status for the connector)', async () => {
    sink.hold();
    const started = performance.now();
    const res = await connectorDelivery(fn.url, JSON.stringify(chatMessage(`stuck-${Date.now()}`)));
    const seconds = (performance.now() - started) / 1000;
    sink.release();
    expect(res.status).toBe(504);
    expect(res.headers.get('x-openfaas-internal')).toBe('of-watchdog');
    expect(seconds).toBeGreaterThanOrEqual(2.9);
    expect(seconds).toBeLessThan(30);
    // The slot is free again for the redelivery.
    expect((await connectorDelivery(fn.url, JSON.stringify(chatMessage(`retry-${Date.now()}`)))).status).toBe(200);
  }, 60_000);

  it('on SIGTERM stops taking traffic (/_/health 503) while it drains, then exits', async () => {
    const draining = await behindWatchdog(sink.url, { healthcheck_interval: '5s' });
    const pid = draining.watchdogPid!;
    expect((await fetch(`${draining.url}/_/health`)).status).toBe(200);
    process.kill(pid, 'SIGTERM');
    let status = 200;
    for (let i = 0; i < 40 && status === 200; i++) {
      status = (await fetch(`${draining.url}/_/health`).catch(() => ({ status: 0 }))).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(503);
    await draining.close();
  }, 120_000);
});
