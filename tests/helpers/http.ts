// Plain request values for calling a function's HttpRoute handlers without a socket.
import { type HttpResponse, type HttpRoute, isStreaming } from '@sinbin/contract';
import { matchRoute } from '../../runtime/src/http/router';

export interface RouteCall {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Routes a request like the server does (path params, query) and returns the handler's response. */
export async function callRoute(routes: readonly HttpRoute[], call: RouteCall): Promise<HttpResponse & { json: Record<string, unknown> }> {
  const url = new URL(call.path, 'http://test.local');
  const match = matchRoute(routes, call.method, url.pathname);
  if (match === undefined || match === 'method-not-allowed') throw new Error(`no route for ${call.method} ${url.pathname}`);
  const body = call.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof call.body === 'string' ? call.body : JSON.stringify(call.body));
  const headers = Object.fromEntries(Object.entries(call.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const response = await match.route.handler({ method: call.method, path: url.pathname, params: match.params, query: url.searchParams, headers, body });
  if (isStreaming(response)) throw new Error('streaming responses are not supported here');
  return { ...response, json: (response.body ?? {}) as Record<string, unknown> };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
export const jsonHeaders = (token?: string): Record<string, string> => ({ 'content-type': 'application/json', ...(token ? bearer(token) : {}) });
