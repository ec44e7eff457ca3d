// GET /v1/players/{playerId}: a player's standing in the caller's game, from the offences the
// decision manager keeps (docs/reputation.md). The view is pure: the handler reads the store and
// the game's policy, this turns them into the answer.
import {
  apiError,
  type HttpRequest,
  type HttpResponse,
  json,
  type LivePolicies,
  offenceWeight,
  PathIdSchema,
  type PlayerActivity,
  type PlayerOffence,
  type PlayerReputation,
  type ReputationStore,
  reputationLookback,
  type ResolvedReputation,
  resolveReputation,
  sanctionEnd,
  SEVERITIES,
  SEVERITY_WEIGHT,
  type Severity,
  standingOf,
} from '@sinbin/contract';
import type { Caller } from './keys';

/** Offences read for a player: far more than standing needs (weights decay) and the answer lists. */
const OFFENCES_READ = 1000;
const RECENT = 20;

const zeroes = (): Record<Severity, number> => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

export function reputationView(gameId: string, playerId: string, activity: PlayerActivity, offences: readonly PlayerOffence[], cfg: ResolvedReputation, now: Date): PlayerReputation {
  const s = standingOf(offences, now, cfg);
  const byCategory: Record<string, Record<Severity, number>> = {};
  const bySeverity = zeroes();
  for (const o of offences) {
    if (o.overturnedAt) continue;
    const c = o.category ?? 'uncategorised';
    (byCategory[c] ??= zeroes())[o.severity]++;
    bySeverity[o.severity]++;
  }
  const sanctions: PlayerReputation['sanctions'] = [];
  for (const o of offences) {
    if (o.overturnedAt || (o.action.type !== 'mute' && o.action.type !== 'ban')) continue;
    const until = o.sanctionUntil !== undefined ? o.sanctionUntil : (sanctionEnd(o.action, o.at) ?? null);
    if (until !== null && Date.parse(until) <= now.getTime()) continue;
    sanctions.push({ messageId: o.messageId, action: o.action.type, ...(o.action.durationSeconds !== undefined ? { durationSeconds: o.action.durationSeconds } : {}), since: o.at, until });
  }
  return {
    gameId,
    playerId,
    standing: s.standing,
    standingModel: { halfLifeDays: cfg.halfLifeDays, scale: cfg.scale, weights: { ...SEVERITY_WEIGHT }, weight: s.weight, lookbackDays: Math.round((now.getTime() - reputationLookback(now, cfg).getTime()) / 86_400_000) },
    activity,
    offences: { total: offences.length, counted: s.counted, overturned: offences.filter((o) => o.overturnedAt).length, byCategory, bySeverity },
    sanctions,
    recent: offences.slice(0, RECENT).map((o) => ({
      messageId: o.messageId,
      decidedAt: o.at,
      decidedBy: o.decidedBy,
      ...(o.category ? { category: o.category } : {}),
      severity: o.severity,
      action: o.action,
      ...(o.rule ? { rule: o.rule } : {}),
      status: o.overturnedAt ? 'overturned' : 'standing',
      counts: o.counts,
      weight: Math.round(offenceWeight(o, now, cfg) * 1000) / 1000,
      links: { decision: `/v1/decisions/${encodeURIComponent(o.messageId)}`, appeal: `/v1/decisions/${encodeURIComponent(o.messageId)}/appeal` },
    })),
    asOf: now.toISOString(),
  };
}

export function playerRoute(deps: { store: ReputationStore; policies: LivePolicies; authenticate: (req: HttpRequest) => Promise<Caller | HttpResponse>; now: () => Date }) {
  return async function getPlayer(req: HttpRequest): Promise<HttpResponse> {
    const caller = await deps.authenticate(req);
    if ('status' in caller) return caller;
    const id = PathIdSchema.safeParse(req.params.playerId);
    if (!id.success) return apiError('invalid-player-id', `playerId ${id.error.issues[0]!.message}`);
    const now = deps.now();
    const cfg = resolveReputation(deps.policies.current().active.forGame(caller.gameId).reputation);
    const { activity, offences } = await deps.store.player(caller.gameId, id.data, reputationLookback(now, cfg), OFFENCES_READ);
    // Keyed by game: another game's player is indistinguishable from an unknown one.
    if (!activity) return apiError('not-found', 'no decided message of this player in this game');
    return json(200, reputationView(caller.gameId, id.data, activity, offences, cfg, now));
  };
}
