// Pure core of what leads read: the shadow report (what a candidate policy would have done beside
// what the active one did, in figures and sentences) and the dashboard (series per bucket from the
// decision tallies and the review statistics). Stores in, answers out; no I/O.
import type { BucketTally, DashboardResponse, DocumentHeads, Outcome, QueueCounts, ReviewStats, ShadowReportResponse, ShadowTallies } from '@sinbin/contract';
import { DECIDED_BY } from '@sinbin/contract';

/** Sanctions, mildest first: the actions a shadow report counts players for. */
const SANCTIONS = ['warn', 'mute', 'kick', 'ban'] as const;
const PAST = { warn: 'warned', mute: 'muted', kick: 'kicked', ban: 'banned' } as const;

const sameOutcome = (a: Outcome, b: Outcome) => a.path === b.path && a.verdict === b.verdict && a.action === b.action && (a.durationSeconds ?? null) === (b.durationSeconds ?? null);

const n = (x: number) => x.toLocaleString('en-GB');
const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;

export function shadowReport(t: ShadowTallies, meta: { shadowVersion: number; activeVersion: number | null; since: Date; until: Date; period: string }): ShadowReportResponse {
  const kept = t.transitions.reduce((s, x) => s + x.messages, 0);
  const same = t.quiet + t.transitions.filter((x) => sameOutcome(x.real, x.wouldBe)).reduce((s, x) => s + x.messages, 0);
  const compared = t.quiet + kept;
  const sum = (f: (x: (typeof t.transitions)[number]) => boolean) => t.transitions.filter(f).reduce((s, x) => s + x.messages, 0);

  const actions = SANCTIONS.map((action) => ({
    action,
    real: { messages: sum((x) => x.real.action === action), players: t.players.real[action] ?? 0 },
    wouldBe: { messages: sum((x) => x.wouldBe.action === action), players: t.players.wouldBe[action] ?? 0 },
  }));
  const verdicts = {
    allowToBlock: sum((x) => x.real.verdict === 'allow' && x.wouldBe.verdict === 'block'),
    blockToAllow: sum((x) => x.real.verdict === 'block' && x.wouldBe.verdict === 'allow'),
  };
  const routing = { wouldAnalyse: sum((x) => x.wouldBe.path === 'analysis'), wouldReview: sum((x) => x.wouldBe.path === 'review') };

  const summary: string[] = [];
  if (compared === 0) summary.push(`No decisions compared ${meta.period}: the candidate has not seen traffic yet.`);
  else if (compared === same) summary.push(`Version ${meta.shadowVersion} would have decided all ${plural(compared, 'message')} ${meta.period} exactly as version ${meta.activeVersion ?? '?'} did.`);
  else summary.push(`Version ${meta.shadowVersion} would have decided ${plural(compared - same, 'message')} of ${n(compared)} differently ${meta.period} (${pct(compared - same, compared)}).`);
  for (const a of actions) {
    const diff = a.wouldBe.players - a.real.players;
    if (diff === 0 && a.wouldBe.messages === a.real.messages) continue;
    const who = diff === 0 ? 'as many players' : `${plural(Math.abs(diff), 'player')} ${diff > 0 ? 'more' : 'fewer'}`;
    summary.push(`It would have ${PAST[a.action]} ${who} (${n(a.wouldBe.players)} instead of ${n(a.real.players)}; ${plural(a.wouldBe.messages, 'message')} instead of ${n(a.real.messages)}).`);
  }
  if (verdicts.allowToBlock > 0) summary.push(`It would have blocked ${plural(verdicts.allowToBlock, 'message')} that were allowed.`);
  if (verdicts.blockToAllow > 0) summary.push(`It would have allowed ${plural(verdicts.blockToAllow, 'message')} that were blocked.`);
  if (routing.wouldReview > 0) summary.push(`It would have sent ${plural(routing.wouldReview, 'message')} to moderators that the models decided.`);
  if (routing.wouldAnalyse > 0) summary.push(`It would have sent ${plural(routing.wouldAnalyse, 'message')} on to the deep model that the fast model decided.`);

  return {
    shadowVersion: meta.shadowVersion,
    activeVersion: meta.activeVersion,
    since: meta.since.toISOString(),
    until: meta.until.toISOString(),
    compared,
    same,
    changed: compared - same,
    actions,
    verdicts,
    routing,
    transitions: t.transitions,
    summary,
    examples: t.examples.map(({ at, gameId, messageId, playerId, real, wouldBe }) => ({ at, gameId, messageId, playerId, real, wouldBe })),
  };
}

const pct = (part: number, whole: number) => `${whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10}%`;

/** The bucket starts of a period: aligned to the epoch, the first one containing `since`. */
export function bucketStarts(since: Date, until: Date, bucketSeconds: number): string[] {
  const ms = bucketSeconds * 1000;
  const out: string[] = [];
  for (let t = Math.floor(since.getTime() / ms) * ms; t < until.getTime(); t += ms) out.push(new Date(t).toISOString());
  return out;
}

/** Periods a dashboard offers, and the bucket each is drawn with (about 60 points). */
export const DASHBOARD_PERIODS: Record<string, { hours: number; bucketSeconds: number }> = {
  '15m': { hours: 0.25, bucketSeconds: 10 },
  '1h': { hours: 1, bucketSeconds: 60 },
  '6h': { hours: 6, bucketSeconds: 300 },
  '24h': { hours: 24, bucketSeconds: 1200 },
  '7d': { hours: 168, bucketSeconds: 3 * 3600 },
};

export const APPEALS_SOURCE = 'Appeals are not recorded yet: they arrive with player appeals (POST /v1/decisions/{messageId}/appeal, issue 18). This panel counts them from then on.';

export function dashboard(input: {
  since: Date;
  until: Date;
  now: Date;
  bucketSeconds: number;
  tallies: readonly BucketTally[];
  review: ReviewStats;
  counts: QueueCounts;
  heads: DocumentHeads;
}): DashboardResponse {
  const buckets = bucketStarts(input.since, input.until, input.bucketSeconds);
  const index = new Map(buckets.map((b, i) => [b, i]));
  const zeros = () => buckets.map(() => 0);
  const byPath: Record<string, number[]> = Object.fromEntries(DECIDED_BY.map((p) => [p, zeros()]));
  const blocked = zeros();
  const pathTotals: Record<string, number> = Object.fromEntries(DECIDED_BY.map((p) => [p, 0]));
  const actionTotals: Record<string, number> = { none: 0, warn: 0, mute: 0, kick: 0, ban: 0 };
  const categories = new Map<string, number>();
  const models = new Map<string, { paths: Set<string>; decisions: number; lastSeen: string }>();
  let total = 0;
  for (const t of input.tallies) {
    const i = index.get(t.bucket);
    if (i === undefined) continue;
    (byPath[t.path] ??= zeros())[i]! += t.count;
    pathTotals[t.path] = (pathTotals[t.path] ?? 0) + t.count;
    actionTotals[t.action] = (actionTotals[t.action] ?? 0) + t.count;
    total += t.count;
    if (t.verdict === 'block') {
      blocked[i]! += t.count;
      if (t.category) categories.set(t.category, (categories.get(t.category) ?? 0) + t.count);
    }
    const m = models.get(t.modelVersion) ?? { paths: new Set<string>(), decisions: 0, lastSeen: t.bucket };
    // Models read messages on the fast and deep paths; a moderator's or a deadline's decision still names the model that read it.
    m.paths.add(t.path);
    m.decisions += t.count;
    if (t.bucket > m.lastSeen) m.lastSeen = t.bucket;
    models.set(t.modelVersion, m);
  }

  const throughput: Record<string, number[]> = {};
  for (const row of input.review.throughput) {
    const i = index.get(row.bucket);
    if (i !== undefined) (throughput[row.moderatorId] ??= zeros())[i]! += row.decided;
  }
  // The review statistics give depth at each bucket's end; a series per bucket start reads the same.
  const depth = zeros();
  const oldestAge = zeros();
  input.review.depth.forEach((d, i) => {
    if (i < buckets.length) {
      depth[i] = d.pending;
      oldestAge[i] = d.oldestAgeSeconds;
    }
  });

  return {
    generatedAt: input.now.toISOString(),
    since: input.since.toISOString(),
    until: input.until.toISOString(),
    bucketSeconds: input.bucketSeconds,
    buckets,
    traffic: { byPath, blocked, total },
    decisions: { byPath: pathTotals, byAction: actionTotals, lapsed: input.review.lapsed },
    queue: {
      pending: input.counts.pending,
      claimed: input.counts.claimed,
      oldestAgeSeconds: input.counts.oldestOpenedAt ? Math.max(0, Math.round((input.now.getTime() - Date.parse(input.counts.oldestOpenedAt)) / 1000)) : null,
      depth,
      oldestAge,
    },
    moderators: input.review.moderators.map((m) => ({ moderatorId: m.moderatorId, decided: m.decided, blocked: m.blocked, agreement: m.decided === 0 ? null : Math.round((m.agreedWithModel / m.decided) * 1000) / 1000 })),
    throughput,
    appeals: { available: false, source: APPEALS_SOURCE, opened: 0, decided: 0, overturned: 0, overturnRate: null },
    categories: [...categories].map(([category, blocked]) => ({ category, blocked })).sort((a, b) => b.blocked - a.blocked),
    models: [...models].map(([modelVersion, m]) => ({ modelVersion, paths: [...m.paths].sort(), decisions: m.decisions, lastSeen: m.lastSeen })).sort((a, b) => b.decisions - a.decisions),
    policies: { active: input.heads.active?.version ?? null, shadow: input.heads.shadow?.version ?? null },
    sources: [
      'Decisions: tallies per 10-second slot the decision manager writes where it counts sinbin_final_decisions_total (every replica adds to the same rows).',
      'Queue, verdicts and agreement: the case store (agreement = the moderator gave the verdict the models provisionally read).',
      'Prometheus scrapes the same events: sinbin_final_decisions_total, sinbin_moderation_queue_depth, sinbin_moderator_verdicts_total.',
    ],
  };
}
