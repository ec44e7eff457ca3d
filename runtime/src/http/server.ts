// Node HTTP server for a function: its routes, GET /healthz, GET /metrics, and the POST / that
// Knative's KafkaSource and OpenFaaS's kafka-connector (through of-watchdog) deliver events to.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log';
import { metrics, registry } from '../metrics';
import { apiError, isStreaming, type HttpResponse, type HttpRoute } from '@sinbin/contract';
import { matchRoute } from './router';

export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;

/**
 * Limits every function's server applies (slow-loris and oversized requests). The header and body
 * timeouts are Node's own (headersTimeout, requestTimeout), checked every connectionsCheckingInterval.
 */
export interface ServerLimits {
  /** Time to receive the request line and headers. */
  headersTimeoutMs: number;
  /** Time to receive the whole request (headers and body); a waiting answer is not counted. */
  requestTimeoutMs: number;
  /** Header fields a request may carry; more is 431. */
  maxHeaders: number;
  /** Bytes of request line and headers (Node answers 431 past it). */
  maxHeaderBytes: number;
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxHeaders: 64, maxHeaderBytes: 16 * 1024, keepAliveTimeoutMs: 65_000 };

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`body over ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendResponse(res: ServerResponse, response: HttpResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | Buffer | undefined;
  if (response.body === undefined) payload = undefined;
  else if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) payload = response.body as string | Buffer;
  else {
    payload = JSON.stringify(response.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

export interface FunctionHttpOptions {
  name: string;
  log: Logger;
  /** Routes resolved per request, so a scaled-to-zero function can add its own once started. */
  routes: () => readonly HttpRoute[] | Promise<readonly HttpRoute[]>;
  bodyLimit?: number;
  healthy?: () => boolean;
  limits?: Partial<ServerLimits>;
}

/** Request listener usable by any server: routes, health and metrics, errors as JSON problems. */
export function createRequestListener(opts: FunctionHttpOptions) {
  const limit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const maxHeaders = opts.limits?.maxHeaders ?? DEFAULT_LIMITS.maxHeaders;

  async function respond(req: IncomingMessage, res: ServerResponse, url: URL, method: string, route: { label: string }): Promise<HttpResponse | 'streamed'> {
    if (req.rawHeaders.length / 2 > maxHeaders) return apiError('too-many-headers', `a request may carry at most ${maxHeaders} header fields`);
    if (method === 'GET' && (url.pathname === '/healthz' || url.pathname === '/_/health')) {
      route.label = '/healthz';
      const ok = opts.healthy?.() ?? true;
      return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'unavailable' } };
    }
    if (method === 'GET' && url.pathname === '/metrics') {
      route.label = '/metrics';
      return { status: 200, headers: { 'content-type': registry.contentType }, body: await registry.metrics() };
    }
    const match = matchRoute(await opts.routes(), method, url.pathname);
    if (match === undefined) return apiError('not-found', `no route for ${url.pathname}`);
    if (match === 'method-not-allowed') return apiError('method-not-allowed', `${method} is not allowed on ${url.pathname}`);
    route.label = match.route.path;
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return apiError('body-too-large', `request body is over ${limit} bytes`);
      throw error;
    }
    // The client going away before the answer aborts this signal (a waiting handler stops waiting).
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const result = await match.route.handler({ method, path: url.pathname, params: match.params, query: url.searchParams, headers: req.headers, body, signal: gone.signal });
    if (!isStreaming(result)) return result;
    result.stream(req, res);
    return 'streamed';
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const route = { label: 'unmatched' };
    let response: HttpResponse | 'streamed';
    try {
      response = await respond(req, res, url, method, route);
    } catch (error) {
      opts.log.error({ err: error, route: route.label }, 'request failed');
      response = apiError('internal', 'the server failed to handle the request; it is safe to retry');
    }
    const status = response === 'streamed' ? '200' : String(response.status);
    metrics.httpRequests.inc({ fn: opts.name, route: route.label, method, status });
    if (response === 'streamed') return;
    metrics.httpSeconds.observe({ fn: opts.name, route: route.label, method }, (performance.now() - started) / 1000);
    if (res.destroyed) return;
    sendResponse(res, response);
  };
}

export function listen(server: Server, port: number, host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function createFunctionServer(opts: FunctionHttpOptions): Server {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const listener = createRequestListener(opts);
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // How often Node checks the two timeouts above (its default, 30 s, would let a slow client hold a socket that long).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (req, res) => void listener(req, res),
  );
  // One more than the limit is parsed, so a request over it is seen (and refused) rather than cut.
  server.maxHeadersCount = limits.maxHeaders + 1;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node 22+ refuses a request over maxHeadersCount in the parser, before any listener sees it, and
  // Node's own 431 has no body: answer it in our vocabulary, as the listener does on Node 20.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    const code = error.code ?? '';
    if (code === 'HPE_HEADER_OVERFLOW') {
      const body = JSON.stringify({ error: 'too-many-headers', message: `a request may carry at most ${limits.maxHeaders} header fields and ${limits.maxHeaderBytes} bytes of headers`, retry: false });
      socket.end(`HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    // What Node answers when nobody listens for clientError.
    const status = code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? '413 Payload Too Large' : '400 Bad Request';
    if (code === 'ECONNRESET') return void socket.destroy();
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });
  return server;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/**
 * A TCP port that is free on `host` now: for a process that must be told its port before it
 * listens (a function process, a watchdog). Another process could take it in between; callers
 * start that process at once and treat a failed start like any other. Two things made that
 * happen in test runs, and are avoided here:
 * - the OS offering a port again once its probe was closed, before the process it was meant for
 *   had bound it (one port given to a watchdog's metrics and to another function's upstream):
 *   a process never hands out one port twice;
 * - an outgoing connection (to Kafka, PostgreSQL...) taking it as its local port: ports are drawn
 *   below the OS's ephemeral range, which the OS uses for those and for listen(0), and only then,
 *   if none is free there, from the OS.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const { low, high } = (portRange ??= belowEphemeral());
  for (let i = 0; i < 64; i++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    // Held while it is probed, so that a concurrent call cannot pick it too.
    handedOut.add(port);
    if (!(await canBind(host, port))) {
      handedOut.delete(port);
      continue;
    }
    remember(handedOut, port);
    return port;
  }
  return unusedPort(() => probePort(host), handedOut);
}

/** The range freePort draws from, read once per process. */
let portRange: { low: number; high: number } | undefined;

/** Ports this process has handed out, the oldest forgotten past a few thousand. */
const handedOut = new Set<number>();
const HANDED_OUT_KEPT = 4096;

function remember(given: Set<number>, port: number): void {
  given.add(port);
  if (given.size > HANDED_OUT_KEPT) given.delete(given.values().next().value!);
}

/** The first port `probe` offers that is not in `given`, which then holds it. */
export async function unusedPort(probe: () => Promise<number>, given: Set<number>, attempts = 64): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const port = await probe();
    if (given.has(port)) continue;
    remember(given, port);
    return port;
  }
  throw new Error(`no free port after ${attempts} tries: the OS kept offering ports already handed out`);
}

/** Up to 12,000 ports just below the ephemeral range (Linux's ip_local_port_range; 32768 elsewhere). */
export function belowEphemeral(): { low: number; high: number } {
  let high = 32768;
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > 2048) high = first;
  } catch {
    // Not Linux: the IANA dynamic range starts at 49152, and 32768 is Linux's default; either way below it is fine.
  }
  return { low: Math.max(1024, high - 12_000), high };
}

/** Whether a listener could bind `port` on `host` now (an outgoing connection using it as its local port makes it EADDRINUSE). */
export function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

function probePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
