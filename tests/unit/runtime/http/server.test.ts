// The function HTTP server: routes, /healthz, /metrics, JSON problems for 404 / 405 / 413 / 500.
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, createFunctionServer, listen, silentLogger } from '@sinbin/runtime';
import { type HttpRoute, json } from '@sinbin/contract';

let server: Server | undefined;
afterEach(async () => {
  if (server) await closeServer(server);
  server = undefined;
});

async function serve(routes: HttpRoute[], opts: { bodyLimit?: number; healthy?: () => boolean } = {}): Promise<string> {
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
