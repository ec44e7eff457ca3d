// A small HTTP router over plain request/response values, so route handlers are testable
// without a socket and the same routes mount behind of-watchdog, Knative or the embedded runtime.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as-is. */
  body?: unknown;
}

/** A handler that writes its own response (server-sent events); the router leaves it alone. */
export interface StreamingResponse {
  stream: (req: IncomingMessage, res: ServerResponse) => void;
}

export type RouteHandler = (req: HttpRequest) => Promise<HttpResponse | StreamingResponse> | HttpResponse | StreamingResponse;

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path with `:param` segments, e.g. `/v1/decisions/:messageId`. */
  path: string;
  handler: RouteHandler;
}

export interface MatchedRoute {
  route: HttpRoute;
  params: Record<string, string>;
}

export function matchRoute(routes: readonly HttpRoute[], method: string, path: string): MatchedRoute | 'method-not-allowed' | undefined {
  const parts = path.split('/').filter(Boolean);
  let pathMatched = false;
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i]!;
      if (p.startsWith(':')) {
        try {
          params[p.slice(1)] = decodeURIComponent(parts[i]!);
        } catch {
          ok = false;
          break;
        }
      } else if (p !== parts[i]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): HttpResponse => ({ status, body, headers });

/** The error body every API of the project uses: a machine code and a sentence for people. */
export const problem = (status: number, error: string, message: string, headers?: Record<string, string>): HttpResponse =>
  json(status, { error, message }, headers);

export function isStreaming(r: HttpResponse | StreamingResponse): r is StreamingResponse {
  return 'stream' in r;
}
