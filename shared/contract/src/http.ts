// HTTP routes as plain request/response values, so route handlers are testable without a socket
// and the same routes mount behind of-watchdog, Knative or the embedded runtime (runtime/src/http).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Aborted when the client goes away before the answer is sent (a waiting handler stops waiting). */
  signal?: AbortSignal;
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

export const json = (status: number, body: unknown, headers?: Record<string, string>): HttpResponse => ({ status, body, headers });

/** The error body every API of the project uses: a machine code and a sentence for people. */
export const problem = (status: number, error: string, message: string, headers?: Record<string, string>): HttpResponse =>
  json(status, { error, message }, headers);

export function isStreaming(r: HttpResponse | StreamingResponse): r is StreamingResponse {
  return 'stream' in r;
}
