// The moderators' HTTP API: login, the queue, claims with leases, verdicts with an undo window,
// case context, live updates, the audit log and accounts, and the leads' routes (policies, team,
// wellbeing, dashboard). Every state change is decided by one conditional statement in a store;
// this layer checks who may ask and says what happened. A moderator sees only their games' cases:
// another game's case answers 404, exactly as a case that does not exist.
import {
  apiError,
  type AuditResponse,
  type CaseContextResponse,
  type CaseResponse,
  type CaseStore,
  type ClaimResponse,
  type ContextStore,
  type DecisionStats,
  type ExposureStore,
  type TermListStore,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  json,
  type LoginResponse,
  type Logger,
  LoginRequestSchema,
  type MeResponse,
  type Metrics,
  type ModerationResult,
  type ModeratorsResponse,
  type ModeratorStore,
  NewModeratorSchema,
  type QueueCounts,
  type QueueResponse,
  type ReleaseResponse,
  type RouteHandler,
  type ShadowLog,
  type StoredCase,
  type StoredContextLine,
  type StreamingResponse,
  type UndoResponse,
  type VersionedDocuments,
  VerdictRequestSchema,
  type VerdictResponse,
} from '@sinbin/contract';
import { decoyHash, hashPassword, newSessionToken, verifyPassword } from './auth';
import { channelKey, inScope, LoginThrottle, mayReview, moderatorResult, scopeCounts, scopeGames, severity, undoDeadline } from './core';
import { routeKit, type Principal } from './kit';
import type { LiveFeed, QueueChange } from './live';
import { policyRoutes } from './policies-api';
import { teamRoutes } from './team-api';
import { termListRoutes } from './term-lists-api';
import { recordView, wellbeingRoutes, type WellbeingSource } from './wellbeing';

export type { Principal } from './kit';

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
  documents: VersionedDocuments;
  shadow: ShadowLog;
  decisionStats: DecisionStats;
  exposure: ExposureStore;
  /** Studios' term lists: the same store as the gateway's admin API. */
  termLists: TermListStore;
  wellbeing: WellbeingSource;
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
  /** Categories the models in service report (policy warnings). */
  knownCategories: () => readonly string[];
  config: ApiConfig;
  metrics: Metrics;
  log: Logger;
  now: () => Date;
}

const CONTEXT_LINES = 12;
const HISTORY_LINES = 10;

export function moderationRoutes(deps: ApiDeps): HttpRoute[] {
  const { cases, moderators, feed, config, log, now } = deps;
  const throttle = new LoginThrottle();
  const kit = routeKit({ moderators, staticTokens: deps.staticTokens, corsOrigins: config.corsOrigins, log, now });
  const { open, authed, body } = kit;
  const verdicts = deps.metrics.counter({
    name: 'sinbin_moderator_verdicts_total',
    help: "Moderators' verdicts, by moderator, verdict and whether it agreed with the models' provisional reading.",
    labelNames: ['moderator', 'verdict', 'agreed'],
  });

  async function counts(): Promise<QueueCounts> {
    const c = await deps.counts();
    deps.onCountsChanged(c);
    return c;
  }

  /** The case if it exists and the caller may see it; another game's case is as absent as a missing one. */
  async function findCase(caseId: string, who: Principal): Promise<StoredCase | undefined> {
    const stored = await cases.get(caseId, now());
    return stored && inScope(who.games, stored.case.message.gameId) ? stored : undefined;
  }

  const notFound = () => apiError('not-found', 'no such case');

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
    // Outside the caller's games there is nothing to list (and nothing to count).
    const visible = gameId === undefined || inScope(who.games, gameId);
    const games = scopeGames(who.games);
    const [entries, all, wellbeing] = await Promise.all([
      visible ? cases.queue({ ...(gameId ? { gameId } : {}), ...(games ? { games } : {}), limit, now: at, viewer: who.moderatorId }) : Promise.resolve([]),
      counts(),
      deps.wellbeing.current(),
    ]);
    const mine = scopeCounts(all, who.games);
    const scope = gameId ? mine.byGame.find((g) => g.gameId === gameId) : mine;
    return json(200, {
      now: at.toISOString(),
      // `pending` and `cases` keep their first meaning (pending count, case objects) for API clients.
      pending: scope?.pending ?? 0,
      claimed: scope?.claimed ?? 0,
      oldestOpenedAt: scope?.oldestOpenedAt ?? null,
      awaitingPublish: mine.awaitingPublish,
      byGame: mine.byGame,
      cases: entries.map((e) => {
        const masks = wellbeing.mask(e.case.message.text);
        return {
          ...e.case,
          queue: { rankAt: e.rankAt, severity: severity(e.case), priorCases: e.priorCases, priorBlocks: e.priorBlocks, claim: e.claim ?? null },
          ...(masks.length ? { masks } : {}),
        };
      }),
    } satisfies QueueResponse);
  }

  async function getCase(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const stored = await findCase(req.params.caseId!, who);
    if (!stored) return notFound();
    const masks = (await deps.wellbeing.current()).mask(stored.case.message.text);
    return json(200, { ...stored, severity: severity(stored.case), ...(masks.length ? { masks } : {}) } satisfies CaseResponse);
  }

  async function caseContext(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const stored = await findCase(req.params.caseId!, who);
    if (!stored) return notFound();
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
    const { mask } = await deps.wellbeing.current();
    const masked = <L extends { text: string }>(line: L) => {
      const masks = mask(line.text);
      return masks.length ? { ...line, masks } : line;
    };
    const messageMasks = mask(m.text);
    return json(200, {
      caseId: stored.case.caseId,
      source,
      before: before.map(masked),
      message: m,
      ...(messageMasks.length ? { messageMasks } : {}),
      after: after.map(masked),
      history: { ...history, recent: history.recent.map(masked) },
    } satisfies CaseContextResponse);
  }

  async function claim(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const caseId = req.params.caseId!;
    const stored = await findCase(caseId, who);
    if (!stored) return notFound();
    const at = now();
    const outcome = await cases.claim(caseId, who.moderatorId, at, config.leaseMs);
    switch (outcome.status) {
      case 'claimed':
        if (!outcome.renewed) {
          deps.changed({ type: 'claimed', caseId, gameId: stored.case.message.gameId, by: who.moderatorId });
          // Opening a case is what exposes a moderator to it; counted once per case.
          await recordView({ source: deps.wellbeing, exposure: deps.exposure, metrics: deps.metrics }, who, stored.case, at).catch((error) => log.warn({ err: String(error), caseId }, 'exposure not recorded'));
        }
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
    const stored = await findCase(caseId, who);
    if (!stored) return notFound();
    if (!(await cases.release(caseId, who.moderatorId, now()))) return apiError('not-holder', 'you do not hold this case');
    deps.changed({ type: 'released', caseId, gameId: stored.case.message.gameId, by: who.moderatorId });
    return json(200, { caseId, released: true } satisfies ReleaseResponse);
  }

  async function verdict(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const parsed = body(req, VerdictRequestSchema, 'invalid-verdict');
    if (!parsed.ok) return parsed.response;
    const caseId = req.params.caseId!;
    const at = now();
    const stored = await findCase(caseId, who);
    if (!stored) return notFound();
    if (!mayReview(stored.case, who.moderatorId)) return apiError('own-decision', 'this is an appeal of your own verdict: another moderator reviews it');
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
    verdicts.inc({ moderator: who.moderatorId, verdict: result.verdict, agreed: String(result.verdict === stored.case.provisionalVerdict) });
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
    const stored = await findCase(caseId, who);
    if (!stored) return notFound();
    const outcome = await cases.undo(caseId, who.moderatorId, now(), config.leaseMs);
    switch (outcome.status) {
      case 'reopened':
        deps.changed({ type: 'reopened', caseId, gameId: stored.case.message.gameId, by: who.moderatorId });
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
    return feed.stream(
      { username: who.moderatorId, games: who.games, ...(who.tokenHash ? { tokenHash: who.tokenHash } : {}), ...(who.expiresAt ? { expiresAt: who.expiresAt } : {}) },
      kit.corsHeaders(req),
    );
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
    const { username, role, games } = parsed.data;
    const created = await moderators.create({ username, role, passwordHash: await hashPassword(parsed.data.password), createdBy: who.moderatorId, games: role === 'lead' ? ['*'] : games }, at);
    if (created === 'exists') return apiError('exists', 'an account with this username exists');
    await moderators.audit({ at, actor: who.moderatorId, action: 'moderator-created', detail: { username, role, games } });
    return json(201, { username, role, games: role === 'lead' ? ['*'] : games });
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
    {
      method: 'GET',
      path: '/v1/me',
      handler: authed(async (_req, who) =>
        json(200, { username: who.moderatorId, role: who.role, kind: who.kind, expiresAt: who.expiresAt ?? null, games: who.games === '*' ? ['*'] : [...who.games] } satisfies MeResponse),
      ),
    },
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
    ...policyRoutes({ kit, documents: deps.documents, shadow: deps.shadow, knownCategories: deps.knownCategories, now }),
    ...teamRoutes({ kit, cases, moderators, documents: deps.documents, decisionStats: deps.decisionStats, feed, counts, now }),
    ...termListRoutes({ kit, termLists: deps.termLists, moderators, now }),
    ...wellbeingRoutes({ kit, source: deps.wellbeing, documents: deps.documents, exposure: deps.exposure, moderators, findCase, metrics: deps.metrics, now }),
  ];

  // CORS preflight for each path. The router's method union lacks OPTIONS; matchRoute compares
  // the method as a plain string, so the cast is safe at run time.
  const preflight: RouteHandler = (req) => ({
    status: 204,
    headers: {
      ...kit.corsHeaders(req),
      'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '600',
    },
  });
  const paths = [...new Set(routes.map((r) => r.path))];
  return [...routes, ...paths.map((path) => ({ method: 'OPTIONS' as HttpRoute['method'], path, handler: preflight }))];
}
