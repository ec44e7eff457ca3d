// The function HTTP server: routes, /healthz, /metrics, JSON problems for 404 / 405 / 413 / 500.
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, createFunctionServer, listen, silentLogger } from '@sinbin/runtime';
import { type HttpRoute, json } from '@sinbin/contract';

let server: Server | undefined;
afterEach(async () => {
  if (server) await closeServer(server);
  server = undefined;
});

async function serve(routes: HttpRoute[], opts: Omit<Parameters<typeof createFunctionServer>[0], 'name' | 'log' | 'routes'> = {}): Promise<string> {
  server = createFunctionServer({ name: 'test-fn', log: silentLogger(), routes: () => routes, ...opts });
  const port = await listen(server, 0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

const echo: HttpRoute = {
  method: 'POST',
  path: '/echo/:id',
  handler: (req) => json(201, { id: req.params.id, q: req.query.get('q'), body: req.body.toString('utf8'), type: req.headers['content-type'] }),
};
const boom: HttpRoute = {
  method: 'GET',
  path: '/boom',
  handler: () => {
    throw new Error('secret internal detail');
  },
};

describe('function HTTP server', () => {
  it('routes a request with its params, query, headers and body', async () => {
    const url = await serve([echo]);
    const res = await fetch(`${url}/echo/42?q=x`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ id: '42', q: 'x', body: 'hello', type: 'text/plain' });
  });

  it('answers /healthz (and of-watchdog /_/health), following healthy()', async () => {
    let healthy = true;
    const url = await serve([], { healthy: () => healthy });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/_/health`)).json()).toEqual({ status: 'ok' });
    healthy = false;
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable' });
  });

  it('serves Prometheus metrics, counting its own requests', async () => {
    const url = await serve([echo]);
    await fetch(`${url}/echo/1`, { method: 'POST', body: 'x' });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('sinbin_http_requests_total');
    expect(text).toMatch(/sinbin_http_requests_total\{fn="test-fn",route="\/echo\/:id",method="POST",status="201"\} \d+/);
  });

  it.each([
    { method: 'GET', path: '/nothing', status: 404, error: 'not-found' },
    { method: 'GET', path: '/echo/1', status: 405, error: 'method-not-allowed' },
    { method: 'GET', path: '/boom', status: 500, error: 'internal' },
  ])('$method $path -> $status $error', async ({ method, path, status, error }) => {
    const url = await serve([echo, boom]);
    const res = await fetch(`${url}${path}`, { method });
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe(error);
    expect(body.message).not.toContain('secret internal detail');
  });

  it('refuses a body over the limit with 413', async () => {
    const url = await serve([echo], { bodyLimit: 16 });
    const res = await fetch(`${url}/echo/1`, { method: 'POST', body: 'x'.repeat(17) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe('body-too-large');
    expect((await fetch(`${url}/echo/1`, { method: 'POST', body: 'x'.repeat(16) })).status).toBe(201);
  });
});

/** Opens a raw connection, writes `parts` with `gapMs` between them; resolves with what came back and when the server closed it. */
function slowClient(url: string, parts: string[], gapMs: number): Promise<{ reply: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let reply = '';
    const socket = connect(Number(new URL(url).port), '127.0.0.1', async () => {
      for (const part of parts) {
        if (socket.destroyed) break;
        socket.write(part);
        await new Promise((r) => setTimeout(r, gapMs));
      }
    });
    socket.on('data', (d: Buffer) => (reply += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ reply, closedAfterMs: Date.now() - started }));
  });
}

describe('function HTTP server limits', () => {
  const limits = { headersTimeoutMs: 300, requestTimeoutMs: 600 };

  it('cuts off a client that sends its headers too slowly (slow-loris)', async () => {
    const url = await serve([echo], { limits });
    const parts = ['POST /echo/1 HTTP/1.1\r\n', ...Array.from({ length: 20 }, (_, i) => `x-slow-${i}: y\r\n`)];
    const { closedAfterMs } = await slowClient(url, parts, 100);
    expect(closedAfterMs).toBeLessThan(1900);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('cuts off a client whose body trickles past the request timeout', async () => {
    const url = await serve([echo], { limits });
    const head = 'POST /echo/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n';
    const { reply, closedAfterMs } = await slowClient(url, [head, ...Array.from({ length: 30 }, () => 'a')], 100);
    expect(closedAfterMs).toBeLessThan(2900);
    expect(reply).not.toContain('201');
  });

  it('refuses more header fields than the limit with 431 and a JSON reason', async () => {
    const url = await serve([echo], { limits: { maxHeaders: 10 } });
    const headers: Record<string, string> = {};
    for (let i = 0; i < 12; i++) headers[`x-h-${i}`] = 'v';
    const res = await fetch(`${url}/echo/1`, { method: 'POST', headers, body: 'x' });
    expect(res.status).toBe(431);
    expect(await res.json()).toMatchObject({ error: 'too-many-headers' });
    expect((await fetch(`${url}/echo/1`, { method: 'POST', body: 'x' })).status).toBe(201);
  });

  it('refuses headers over the byte limit (Node answers 431)', async () => {
    const url = await serve([echo], { limits: { maxHeaderBytes: 1024 } });
    const res = await fetch(`${url}/echo/1`, { method: 'POST', headers: { 'x-big': 'a'.repeat(4096) }, body: 'x' });
    expect(res.status).toBe(431);
  });

  it('tells a handler when its client went away', async () => {
    let aborted: Promise<boolean> | undefined;
    const waiting: HttpRoute = {
      method: 'GET',
      path: '/wait',
      handler: (req) => {
        aborted = new Promise((resolve) => req.signal?.addEventListener('abort', () => resolve(true)));
        return new Promise((resolve) => setTimeout(() => resolve(json(200, {})), 5000));
      },
    };
    const url = await serve([waiting]);
    await expect(fetch(`${url}/wait`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(await aborted).toBe(true);
  });
});
