// What every route of the moderation API shares: who is calling (a session or a static token, and
// which games they see), CORS on every answer, a JSON problem on any failure, lead-only routes, and
// request bodies checked against the contract's schemas.
import type { z } from 'zod';
import {
  apiError,
  type ApiErrorCode,
  type GameScope,
  type HttpRequest,
  type HttpResponse,
  type Logger,
  type ModeratorRole,
  type ModeratorStore,
  type RouteHandler,
  type StreamingResponse,
} from '@sinbin/contract';
import { hashToken } from './auth';
import { scopeOf } from './core';

/** Who is calling: a logged-in account (session) or a static API token. */
export interface Principal {
  moderatorId: string;
  role: ModeratorRole;
  kind: 'session' | 'token';
  /** The games whose cases they see: every game for leads and static tokens. */
  games: GameScope;
  tokenHash?: string;
  expiresAt?: string;
}

export type Handler = (req: HttpRequest, who: Principal) => Promise<HttpResponse | StreamingResponse>;

export interface Kit {
  corsHeaders(req: HttpRequest): Record<string, string>;
  /** CORS on every answer, and a JSON problem (with CORS, so the UI can read it) on a failure. */
  open(handler: (req: HttpRequest) => Promise<HttpResponse | StreamingResponse>): RouteHandler;
  /** Signed in (401 otherwise); lead-only routes answer 403 to moderators. */
  authed(handler: Handler, role?: ModeratorRole): RouteHandler;
  body<S extends z.ZodTypeAny>(req: HttpRequest, schema: S, invalid?: ApiErrorCode): { ok: true; data: z.infer<S> } | { ok: false; response: HttpResponse };
}

export function routeKit(deps: { moderators: ModeratorStore; staticTokens: Map<string, string>; corsOrigins: '*' | string[]; log: Logger; now: () => Date }): Kit {
  // --- CORS (Fetch standard, "CORS protocol"): bearer tokens, no cookies, so `*` is safe. ---
  function corsHeaders(req: HttpRequest): Record<string, string> {
    const origin = header(req, 'origin');
    if (!origin) return {};
    if (deps.corsOrigins !== '*' && !deps.corsOrigins.includes(origin)) return {};
    return {
      'access-control-allow-origin': deps.corsOrigins === '*' ? '*' : origin,
      'access-control-expose-headers': 'retry-after, www-authenticate',
      vary: 'origin',
    };
  }

  async function principalOf(req: HttpRequest): Promise<Principal | undefined> {
    const auth = header(req, 'authorization');
    const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    if (!token) return undefined;
    const staticId = deps.staticTokens.get(token);
    // Static tokens are the operator's (scripts, the simulator): every game, as before games were assigned.
    if (staticId) return { moderatorId: staticId, role: 'moderator', kind: 'token', games: '*' };
    const tokenHash = hashToken(token);
    const session = await deps.moderators.session(tokenHash, deps.now());
    if (!session) return undefined;
    return {
      moderatorId: session.username,
      role: session.role,
      kind: 'session',
      games: session.role === 'lead' ? '*' : scopeOf(session.games),
      tokenHash,
      expiresAt: session.expiresAt,
    };
  }

  const open =
    (handler: (req: HttpRequest) => Promise<HttpResponse | StreamingResponse>): RouteHandler =>
    async (req) => {
      const cors = corsHeaders(req);
      let response: HttpResponse | StreamingResponse;
      try {
        response = await handler(req);
      } catch (error) {
        deps.log.error({ err: error, path: req.path }, 'moderation request failed');
        response = apiError('internal', 'the server failed to handle the request; it is safe to retry');
      }
      if ('stream' in response) return response;
      return { ...response, headers: { ...cors, ...response.headers } };
    };

  const authed = (handler: Handler, role: ModeratorRole = 'moderator'): RouteHandler =>
    open(async (req) => {
      const who = await principalOf(req);
      if (!who) return apiError('unauthorized', 'sign in first: Authorization: Bearer <token>', { headers: { 'www-authenticate': 'Bearer' } });
      if (role === 'lead' && who.role !== 'lead') return apiError('forbidden', 'only a lead may do this');
      return handler(req, who);
    });

  function body<S extends z.ZodTypeAny>(req: HttpRequest, schema: S, invalid: ApiErrorCode = 'invalid-body'): { ok: true; data: z.infer<S> } | { ok: false; response: HttpResponse } {
    let raw: unknown;
    try {
      raw = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
    } catch {
      return { ok: false, response: apiError('invalid-json', 'the body is not valid JSON') };
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { ok: false, response: apiError(invalid, issuesText(parsed.error.issues)) };
    return { ok: true, data: parsed.data };
  }

  return { corsHeaders, open, authed, body };
}

/** zod issues as one sentence each, joined: `games.0: a game id: ...`. */
export const issuesText = (issues: readonly { path: PropertyKey[]; message: string }[]): string =>
  issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');

export function header(req: HttpRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
