// The lead's team and dashboard routes: which games each moderator works on, the games there are,
// and the dashboard's figures (decision tallies, the case store, the policy heads).
import {
  apiError,
  type CaseStore,
  type DecisionStats,
  type DashboardResponse,
  GameAssignmentSchema,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  json,
  type ModeratorStore,
  policyProblems,
  type QueueCounts,
  type VersionedDocuments,
} from '@sinbin/contract';
import type { Kit, Principal } from './kit';
import type { LiveFeed } from './live';
import { DASHBOARD_PERIODS, dashboard } from './reports';

export interface TeamDeps {
  kit: Kit;
  cases: CaseStore;
  moderators: ModeratorStore;
  documents: VersionedDocuments;
  decisionStats: DecisionStats;
  feed: LiveFeed;
  counts: () => Promise<QueueCounts>;
  now: () => Date;
}

export function teamRoutes(deps: TeamDeps): HttpRoute[] {
  const { kit, moderators, now } = deps;

  async function setGames(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const username = req.params.username!;
    const parsed = kit.body(req, GameAssignmentSchema, 'invalid-assignment');
    if (!parsed.ok) return parsed.response;
    const account = await moderators.find(username);
    if (!account) return apiError('not-found', 'no such account');
    if (account.role === 'lead') return apiError('invalid-assignment', 'a lead sees every game; games are assigned to moderators');
    const previous = await moderators.setGames(username, parsed.data.games, who.moderatorId, now());
    if (previous === undefined) return apiError('not-found', 'no such account');
    // Open event streams carry the old scope: end them, the UI reconnects with the new one.
    deps.feed.endSessions({ username });
    return json(200, { username, games: parsed.data.games, previous });
  }

  /** Games anyone may assign: in the queue, named by the active policy, or already assigned. */
  async function games(): Promise<HttpResponse> {
    const found = new Set<string>();
    for (const g of (await deps.counts()).byGame) found.add(g.gameId);
    const heads = await deps.documents.heads('policy');
    if (heads.active) {
      const stored = await deps.documents.get('policy', heads.active.version);
      const { file } = policyProblems(stored?.body);
      for (const g of Object.keys(file?.games ?? {})) found.add(g);
    }
    for (const a of await moderators.list()) for (const g of a.games) if (g !== '*') found.add(g);
    const until = now();
    for (const t of await deps.decisionStats.query({ since: new Date(until.getTime() - 7 * 86_400_000), until, bucketSeconds: 7 * 86_400 })) found.add(t.gameId);
    return json(200, { games: [...found].sort() });
  }

  async function board(req: HttpRequest): Promise<HttpResponse> {
    const period = DASHBOARD_PERIODS[req.query.get('period') ?? '1h'];
    if (!period) return apiError('invalid-query', `period: one of ${Object.keys(DASHBOARD_PERIODS).join(', ')}`);
    const until = now();
    const since = new Date(until.getTime() - period.hours * 3600_000);
    const q = { since, until, bucketSeconds: period.bucketSeconds };
    const [tallies, review, counts, heads] = await Promise.all([deps.decisionStats.query(q), deps.cases.reviewStats(q), deps.counts(), deps.documents.heads('policy')]);
    return json(200, dashboard({ ...q, now: until, tallies, review, counts, heads }) satisfies DashboardResponse);
  }

  return [
    { method: 'PUT', path: '/v1/moderators/:username/games', handler: kit.authed(setGames, 'lead') },
    { method: 'GET', path: '/v1/games', handler: kit.authed(games, 'lead') },
    { method: 'GET', path: '/v1/dashboard', handler: kit.authed(board, 'lead') },
  ];
}
