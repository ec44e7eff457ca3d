// The moderators' HTTP API: login, the queue, claims with leases, verdicts with an undo window,
// case context, live updates, the audit log and accounts. Every state change is decided by one
// conditional statement in the case store; this layer checks who may ask and says what happened.
import type { z } from 'zod';
import {
  apiError,
  type AuditResponse,
  type CaseContextResponse,
  type CaseResponse,
  type ClaimResponse,
  type LoginResponse,
  type MeResponse,
  type ModeratorsResponse,
  type QueueResponse,
  type ReleaseResponse,
  type UndoResponse,
  type VerdictResponse,
  LoginRequestSchema,
  NewModeratorSchema,
  VerdictRequestSchema,
  type ApiErrorCode,
  type CaseStore,
  type ContextStore,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  json,
  type Logger,
  type ModerationResult,
  type ModeratorRole,
  type ModeratorStore,
  type QueueCounts,
  type RouteHandler,
  type StoredContextLine,
  type StreamingResponse,
} from '@sinbin/contract';
import { decoyHash, hashPassword, hashToken, newSessionToken, verifyPassword } from './auth';
import { channelKey, LoginThrottle, moderatorResult, severity, undoDeadline } from './core';
import type { LiveFeed, QueueChange } from './live';

export interface ApiConfig {
  leaseMs: number;
  undoMs: number;
  sessionTtlMs: number;
  /** `*` or a list of origins allowed to call the API from a browser. */
  corsOrigins: '*' | string[];
}

export interface ApiDeps {
  cases: CaseStore;
  moderators: ModeratorStore;
  context: ContextStore;
  /** token -> moderator id, from MODERATOR_TOKENS (API clients and scripts). */
  staticTokens: Map<string, string>;
  feed: LiveFeed;
  /** Tells live clients (and the counts cache) that the queue changed. */
  changed: (change: QueueChange) => void;
  /** The current queue counts (cached; see CountsCache). */
  counts: () => Promise<QueueCounts>;
  /** Publishes a closed case's result and marks it published; throws when the broker is down. */
  publish: (result: ModerationResult) => Promise<void>;
  /** Called when the API learns the queue grew or shrank, for busy(). */
  onCountsChanged: (counts: QueueCounts) => void;
  config: ApiConfig;
  log: Logger;
  now: () => Date;
}

/** Who is calling: a logged-in account (session) or a static API token. */
export interface Principal {
  moderatorId: string;
  role: ModeratorRole;
  kind: 'session' | 'token';
  tokenHash?: string;
  expiresAt?: string;
}

const CONTEXT_LINES = 12;
const HISTORY_LINES = 10;

export function moderationRoutes(deps: ApiDeps): HttpRoute[] {
  const { cases, moderators, feed, config, log, now } = deps;
  const throttle = new LoginThrottle();

  // --- CORS (Fetch standard, "CORS protocol"): bearer tokens, no cookies, so `*` is safe. ---
  function corsHeaders(req: HttpRequest): Record<string, string> {
    const origin = header(req, 'origin');
    if (!origin) return {};
    if (config.corsOrigins !== '*' && !config.corsOrigins.includes(origin)) return {};
    return {
      'access-control-allow-origin': config.corsOrigins === '*' ? '*' : origin,
      'access-control-expose-headers': 'retry-after, www-authenticate',
      vary: 'origin',
    };
  }

  async function principalOf(req: HttpRequest): Promise<Principal | undefined> {
    const auth = header(req, 'authorization');
    const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    if (!token) return undefined;
    const staticId = deps.staticTokens.get(token);
    if (staticId) return { moderatorId: staticId, role: 'moderator', kind: 'token' };
    const tokenHash = hashToken(token);
    const session = await moderators.session(tokenHash, now());
    return session ? { moderatorId: session.username, role: session.role, kind: 'session', tokenHash, expiresAt: session.expiresAt } : undefined;
  }

  type Handler = (req: HttpRequest, who: Principal) => Promise<HttpResponse | StreamingResponse>;

  /** CORS on every answer, and a JSON problem (with CORS, so the UI can read it) on a failure. */
  const open =
    (handler: (req: HttpRequest) => Promise<HttpResponse | StreamingResponse>): RouteHandler =>
    async (req) => {
      const cors = corsHeaders(req);
      let response: HttpResponse | StreamingResponse;
      try {
        response = await handler(req);
      } catch (error) {
        log.error({ err: error, path: req.path }, 'moderation request failed');
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
    if (!parsed.success) return { ok: false, response: apiError(invalid, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')) };
    return { ok: true, data: parsed.data };
  }

  async function counts(): Promise<QueueCounts> {
    const c = await deps.counts();
    deps.onCountsChanged(c);
    return c;
  }

  // --- Auth -------------------------------------------------------------------------------------

  async function login(req: HttpRequest): Promise<HttpResponse> {
    const parsed = body(req, LoginRequestSchema);
    if (!parsed.ok) return parsed.response;
    const { username, password } = parsed.data;
    const at = now();
    const lockedMs = throttle.lockedFor(username, at);
    if (lockedMs > 0) {
      const seconds = String(Math.ceil(lockedMs / 1000));
      return apiError('too-many-attempts', `too many failed logins for this account; try again in ${seconds} s`, { headers: { 'retry-after': seconds } });
    }
    const account = await moderators.find(username);
    // Verify against a decoy when the name is unknown, so timing doesn't tell names apart.
    const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyHash));
    if (!account || !matches || account.disabledAt) {
      throttle.failed(username, at);
      if (account) await moderators.audit({ at, actor: account.username, action: 'login-failed' });
      return apiError('invalid-credentials', 'wrong username or password');
    }
    throttle.succeeded(username);
    const { token, tokenHash } = newSessionToken();
    const expiresAt = new Date(at.getTime() + config.sessionTtlMs);
    await moderators.startSession(tokenHash, account.username, at, expiresAt);
    await moderators.audit({ at, actor: account.username, action: 'login', detail: { expiresAt: expiresAt.toISOString() } });
    return json(200, { token, expiresAt: expiresAt.toISOString(), moderator: { username: account.username, role: account.role } } satisfies LoginResponse);
  }

  async function logout(_req: HttpRequest, who: Principal): Promise<HttpResponse> {
    if (who.kind === 'session' && who.tokenHash) {
      await moderators.endSession(who.tokenHash);
      await moderators.audit({ at: now(), actor: who.moderatorId, action: 'logout' });
      feed.endSessions({ tokenHash: who.tokenHash });
    }
    return { status: 204 };
  }

  // --- Queue and cases --------------------------------------------------------------------------

  async function listQueue(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const gameId = req.query.get('gameId') || undefined;
    const limit = Math.min(500, Math.max(1, Number(req.query.get('limit') ?? 50) || 50));
    const at = now();
    const entries = await cases.queue({ gameId, limit, now: at, viewer: who.moderatorId });
    const all = await counts();
    const scope = gameId ? all.byGame.find((g) => g.gameId === gameId) : all;
    return json(200, {
      now: at.toISOString(),
      // `pending` and `cases` keep their first meaning (pending count, case objects) for API clients.
      pending: scope?.pending ?? 0,
      claimed: scope?.claimed ?? 0,
      oldestOpenedAt: scope?.oldestOpenedAt ?? null,
      awaitingPublish: all.awaitingPublish,
      byGame: all.byGame,
      cases: entries.map((e) => ({
        ...e.case,
        queue: { rankAt: e.rankAt, severity: severity(e.case), priorCases: e.priorCases, priorBlocks: e.priorBlocks, claim: e.claim ?? null },
      })),
    } satisfies QueueResponse);
  }

  async function getCase(req: HttpRequest): Promise<HttpResponse> {
    const stored = await cases.get(req.params.caseId!, now());
    return stored ? json(200, { ...stored, severity: severity(stored.case) } satisfies CaseResponse) : apiError('not-found', 'no such case');
  }

  async function caseContext(req: HttpRequest): Promise<HttpResponse> {
    const stored = await cases.get(req.params.caseId!, now());
    if (!stored) return apiError('not-found', 'no such case');
    const m = stored.case.message;
    const key = channelKey(m);
    // The channel as the context store has it (earlier and later lines); when the flagged
    // message has left its window, the lines the model saw when the case opened.
    const newest = await deps.context.recent(key, 50);
    const at = newest.findIndex((l) => l.messageId === m.messageId);
    let before: Array<Partial<StoredContextLine> & { text: string }>;
    let source: 'channel' | 'case';
    if (at >= 0) {
      before = newest.slice(Math.max(0, at - CONTEXT_LINES), at);
      source = 'channel';
    } else {
      before = stored.case.context.slice(-CONTEXT_LINES);
      source = 'case';
    }
    const after = await deps.context.after(key, m.messageId, CONTEXT_LINES);
    const history = await cases.playerHistory(m.gameId, m.playerId, { exceptCaseId: stored.case.caseId, limit: HISTORY_LINES });
    return json(200, { caseId: stored.case.caseId, source, before, message: m, after, history } satisfies CaseContextResponse);
  }

  async function claim(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const caseId = req.params.caseId!;
    const outcome = await cases.claim(caseId, who.moderatorId, now(), config.leaseMs);
    switch (outcome.status) {
      case 'claimed':
        if (!outcome.renewed) deps.changed({ type: 'claimed', caseId, by: who.moderatorId });
        return json(200, { caseId, claim: outcome.claim, renewed: outcome.renewed } satisfies ClaimResponse);
      case 'taken':
        return apiError('claimed', `${outcome.claim.moderatorId} is reviewing this case until ${outcome.claim.until}`, { details: { claim: outcome.claim } });
      case 'closed':
        return apiError('already-decided', 'this case already has a verdict');
      case 'not-found':
        return apiError('not-found', 'no such case');
    }
  }

  async function release(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const caseId = req.params.caseId!;
    if (!(await cases.release(caseId, who.moderatorId, now()))) return apiError('not-holder', 'you do not hold this case');
    deps.changed({ type: 'released', caseId, by: who.moderatorId });
    return json(200, { caseId, released: true } satisfies ReleaseResponse);
  }

  async function verdict(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const parsed = body(req, VerdictRequestSchema, 'invalid-verdict');
    if (!parsed.ok) return parsed.response;
    const caseId = req.params.caseId!;
    const at = now();
    const stored = await cases.get(caseId, at);
    if (!stored) return apiError('not-found', 'no such case');
    // A person reviews under a claim and may undo for a while; an API token may also decide an
    // unclaimed case outright (the original API), and that verdict is published at once.
    const direct = who.kind === 'token' && stored.claim?.moderatorId !== who.moderatorId;
    const undoUntil = direct ? undefined : undoDeadline(at, config.undoMs, stored.case.dueAt);
    const result = moderatorResult(stored.case, parsed.data, who.moderatorId, at);
    const outcome = await cases.decide(caseId, result, { moderatorId: who.moderatorId, now: at, requireClaim: !direct, ...(undoUntil ? { undoUntil } : {}) });
    if (outcome === 'not-found') return apiError('not-found', 'no such case');
    if (outcome === 'not-holder') {
      const current = await cases.get(caseId, now());
      const holder = current?.claim;
      const message = holder ? `${holder.moderatorId} is reviewing this case until ${holder.until}` : 'claim the case before deciding it (POST /v1/cases/:caseId/claim)';
      return apiError('not-claimed', message, { details: holder ? { claim: holder } : {} });
    }
    if (outcome === 'already-closed') {
      // The same verdict sent again (a retry) is answered as the first one was; it has no effect.
      const current = await cases.get(caseId, now());
      const r = current?.result;
      if (r && r.resolution === 'moderator' && r.moderatorId === who.moderatorId && r.verdict === result.verdict && r.category === result.category) {
        return json(200, { caseId, status: current.status, duplicate: true, published: current.published ?? false, ...(current.undoUntil ? { undoUntil: current.undoUntil } : {}) } satisfies VerdictResponse);
      }
      return apiError('already-decided', 'this case already has a verdict');
    }
    deps.changed({ type: 'decided', caseId, gameId: stored.case.message.gameId, by: who.moderatorId });
    log.info({ caseId, moderatorId: who.moderatorId, verdict: result.verdict, undoUntil: undoUntil?.toISOString() }, 'verdict recorded');
    if (undoUntil) return json(200, { caseId, status: 'decided', published: false, undoUntil: undoUntil.toISOString() } satisfies VerdictResponse);
    try {
      await deps.publish(result);
    } catch (error) {
      // Recorded but not yet published: the outbox sweep republishes it.
      log.warn({ caseId, err: String(error) }, 'verdict publish deferred');
      return json(202, { caseId, status: 'recorded', published: false } satisfies VerdictResponse);
    }
    return json(200, { caseId, status: 'decided', published: true } satisfies VerdictResponse);
  }

  async function undo(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const caseId = req.params.caseId!;
    const outcome = await cases.undo(caseId, who.moderatorId, now(), config.leaseMs);
    switch (outcome.status) {
      case 'reopened':
        deps.changed({ type: 'reopened', caseId, by: who.moderatorId });
        return json(200, { caseId, status: 'pending', claim: outcome.claim } satisfies UndoResponse);
      case 'too-late':
        return apiError('too-late', 'the undo window has passed (or the case has no verdict of yours to undo)');
      case 'not-yours':
        return apiError('not-yours', 'only the moderator who gave a verdict can undo it');
      case 'not-found':
        return apiError('not-found', 'no such case');
    }
  }

  async function events(req: HttpRequest, who: Principal): Promise<StreamingResponse> {
    return feed.stream({ username: who.moderatorId, ...(who.tokenHash ? { tokenHash: who.tokenHash } : {}), ...(who.expiresAt ? { expiresAt: who.expiresAt } : {}) }, corsHeaders(req));
  }

  // --- Leads ------------------------------------------------------------------------------------

  async function auditLog(req: HttpRequest): Promise<HttpResponse> {
    const limit = Math.min(500, Math.max(1, Number(req.query.get('limit') ?? 100) || 100));
    const before = Number(req.query.get('before'));
    const entries = await moderators.auditLog({
      limit,
      ...(Number.isInteger(before) && before > 0 ? { before } : {}),
      ...(req.query.get('caseId') ? { caseId: req.query.get('caseId')! } : {}),
      ...(req.query.get('actor') ? { actor: req.query.get('actor')! } : {}),
    });
    return json(200, { entries, ...(entries.length === limit ? { next: entries.at(-1)!.seq } : {}) } satisfies AuditResponse);
  }

  async function createModerator(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const parsed = body(req, NewModeratorSchema);
    if (!parsed.ok) return parsed.response;
    const at = now();
    const created = await moderators.create({ username: parsed.data.username, role: parsed.data.role, passwordHash: await hashPassword(parsed.data.password), createdBy: who.moderatorId }, at);
    if (created === 'exists') return apiError('exists', 'an account with this username exists');
    await moderators.audit({ at, actor: who.moderatorId, action: 'moderator-created', detail: { username: parsed.data.username, role: parsed.data.role } });
    return json(201, { username: parsed.data.username, role: parsed.data.role });
  }

  async function disableModerator(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const username = req.params.username!;
    if (username === who.moderatorId) return apiError('self', 'a lead cannot disable their own account');
    const at = now();
    if (!(await moderators.disable(username, at))) return apiError('not-found', 'no such enabled account');
    feed.endSessions({ username });
    await moderators.audit({ at, actor: who.moderatorId, action: 'moderator-disabled', detail: { username } });
    return json(200, { username, disabled: true });
  }

  const routes: HttpRoute[] = [
    { method: 'POST', path: '/v1/auth/login', handler: open(login) },
    { method: 'POST', path: '/v1/auth/logout', handler: authed(logout) },
    { method: 'GET', path: '/v1/me', handler: authed(async (_req, who) => json(200, { username: who.moderatorId, role: who.role, kind: who.kind, expiresAt: who.expiresAt ?? null } satisfies MeResponse)) },
    { method: 'GET', path: '/v1/cases', handler: authed(listQueue) },
    { method: 'GET', path: '/v1/cases/:caseId', handler: authed(getCase) },
    { method: 'GET', path: '/v1/cases/:caseId/context', handler: authed(caseContext) },
    { method: 'POST', path: '/v1/cases/:caseId/claim', handler: authed(claim) },
    { method: 'POST', path: '/v1/cases/:caseId/release', handler: authed(release) },
    { method: 'POST', path: '/v1/cases/:caseId/verdict', handler: authed(verdict) },
    { method: 'POST', path: '/v1/cases/:caseId/undo', handler: authed(undo) },
    { method: 'GET', path: '/v1/events', handler: authed(events) },
    { method: 'GET', path: '/v1/audit', handler: authed(auditLog, 'lead') },
    { method: 'GET', path: '/v1/moderators', handler: authed(async () => json(200, { moderators: await moderators.list() } satisfies ModeratorsResponse), 'lead') },
    { method: 'POST', path: '/v1/moderators', handler: authed(createModerator, 'lead') },
    { method: 'POST', path: '/v1/moderators/:username/disable', handler: authed(disableModerator, 'lead') },
  ];

  // CORS preflight for each path. The router's method union lacks OPTIONS; matchRoute compares
  // the method as a plain string, so the cast is safe at run time.
  const preflight: RouteHandler = (req) => ({
    status: 204,
    headers: {
      ...corsHeaders(req),
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '600',
    },
  });
  const paths = [...new Set(routes.map((r) => r.path))];
  return [...routes, ...paths.map((path) => ({ method: 'OPTIONS' as HttpRoute['method'], path, handler: preflight }))];
}

function header(req: HttpRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
