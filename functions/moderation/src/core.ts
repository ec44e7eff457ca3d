// Pure core of moderation: a case plus a moderator's verdict (or its deadline) gives the
// moderation result that the decision manager turns into the final decision; a case's scores and
// the player's history give its place in the review queue.
import {
  type CaseRank,
  CATEGORIES,
  type Category,
  categoryScore,
  type ChatMessage,
  type DeadlineLapse,
  type ExposureCounts,
  type GameScope,
  type ModerationCase,
  type ModerationResult,
  type QueueCounts,
  type VerdictRequest,
  type WellbeingSettings,
} from '@sinbin/contract';


export function moderatorResult(c: ModerationCase, v: VerdictRequest, moderatorId: string, now: Date): ModerationResult {
  return {
    caseId: c.caseId,
    message: c.message,
    context: c.context,
    verdict: v.verdict,
    ...(v.category ? { category: v.category } : {}),
    ...(v.action ? { action: v.action } : {}),
    ...(v.note ? { note: v.note } : {}),
    moderatorId,
    resolution: 'moderator',
    fast: c.fast,
    ...(c.deep ? { deep: c.deep } : {}),
    decidedAt: now.toISOString(),
    // An appeal: a block upholds the decision, an allow overturns it.
    ...(c.appeal ? { appeal: c.appeal, appealOutcome: v.verdict === 'block' ? ('upheld' as const) : ('overturned' as const) } : {}),
  };
}

/** Whether the moderator may decide the case: nobody reviews the appeal of their own verdict. */
export function mayReview(c: ModerationCase, moderatorId: string): boolean {
  return c.appeal?.decidedByModerator === undefined || c.appeal.decidedByModerator !== moderatorId;
}

/**
 * No moderator decided in time: the game's onDeadline rule gives the verdict (`allow`, or the
 * models' provisional reading), so the game still hears back, and the result says which rule it was.
 */
export function expiredResult(c: ModerationCase, now: Date, lapse: DeadlineLapse = c.onDeadline?.lapse ?? 'model'): ModerationResult {
  return {
    caseId: c.caseId,
    message: c.message,
    context: c.context,
    verdict: lapse === 'allow' ? 'allow' : c.provisionalVerdict,
    resolution: 'expired',
    lapse,
    fast: c.fast,
    ...(c.deep ? { deep: c.deep } : {}),
    decidedAt: now.toISOString(),
    // An appeal nobody reviewed in time lapses: the decision stands.
    ...(c.appeal ? { appeal: c.appeal, appealOutcome: 'lapsed' as const, verdict: c.provisionalVerdict } : {}),
  };
}

export type DeadlineStep = { kind: 'hold'; until: Date } | { kind: 'close'; result: ModerationResult };

/**
 * A pending case past its dueAt. `hold` waits once more, `holdSeconds` from now, with the message
 * still undecided; when that deadline passes too, the models' reading applies. So every case
 * closes, and every accepted message ends in exactly one decision.
 */
export function onDeadlinePassed(c: ModerationCase, now: Date): DeadlineStep {
  const rule = c.onDeadline;
  if (rule?.lapse === 'hold' && c.heldAt === undefined) return { kind: 'hold', until: new Date(now.getTime() + (rule.holdSeconds ?? 24 * 3600) * 1000) };
  return { kind: 'close', result: expiredResult(c, now) };
}

// --- Games a moderator sees -------------------------------------------------------------------

/** The games of a scope as a filter: undefined for every game. */
export const scopeGames = (scope: GameScope): readonly string[] | undefined => (scope === '*' ? undefined : scope);

export const inScope = (scope: GameScope, gameId: string): boolean => scope === '*' || scope.includes(gameId);

/** An account's stored games as a scope (`['*']` is every game). */
export const scopeOf = (games: readonly string[]): GameScope => (games.includes('*') ? '*' : games);

/** Queue counts as a moderator of these games may see them: other games are not counted, nor named. */
export function scopeCounts(counts: QueueCounts, scope: GameScope): QueueCounts {
  if (scope === '*') return counts;
  const byGame = counts.byGame.filter((g) => scope.includes(g.gameId));
  const oldest = byGame.map((g) => g.oldestOpenedAt).sort()[0];
  const awaitingByGame = Object.fromEntries(Object.entries(counts.awaitingByGame ?? {}).filter(([g]) => scope.includes(g)));
  return {
    pending: byGame.reduce((n, g) => n + g.pending, 0),
    claimed: byGame.reduce((n, g) => n + g.claimed, 0),
    ...(oldest ? { oldestOpenedAt: oldest } : {}),
    awaitingPublish: Object.values(awaitingByGame).reduce((n, x) => n + x, 0),
    byGame,
    awaitingByGame,
  };
}

// --- Wellbeing --------------------------------------------------------------------------------

/** The worst content: a masked term in the message, or a severity in the top band. */
export function isSevere(c: Pick<ModerationCase, 'fast' | 'deep'>, masked: boolean, settings: Pick<WellbeingSettings, 'severeFrom'>): boolean {
  return masked || severity(c) >= settings.severeFrom;
}

/** A break is due once the moderator has seen `breakAfterSevere` of the worst cases since their last one. */
export function breakDue(counts: Pick<ExposureCounts, 'severeSinceBreak'>, settings: Pick<WellbeingSettings, 'breakAfterSevere'>): boolean {
  return counts.severeSinceBreak >= settings.breakAfterSevere;
}

/** The UTC day (`YYYY-MM-DD`) a moment falls in, or the one named, as a period. */
export function utcDay(at: Date | string): { day: string; since: Date; until: Date } | undefined {
  const day = typeof at === 'string' ? at : at.toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const since = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(since.getTime()) || since.toISOString().slice(0, 10) !== day) return undefined;
  return { day, since, until: new Date(since.getTime() + 86_400_000) };
}

/** The key under which the fast classifier appends a channel's lines to the ContextStore. */
export const channelKey = (m: Pick<ChatMessage, 'gameId' | 'channelId'>): string => `${m.gameId}/${m.channelId}`;

// --- Queue priority ---------------------------------------------------------------------------

/** How much worse a category is than plain toxicity when ranking (threats first, swearing last). */
const CATEGORY_WEIGHT: Record<Category, number> = { threat: 1.5, self_harm: 1.5, identity_hate: 1.4, severe_toxicity: 1.3, sexual: 1.2, insult: 1, profanity: 0.7 };

/** An alarm case (threat, self-harm encouragement, doxxing) ranks as if it had waited this long: the top of any queue. */
export const ALARM_BOOST_SECONDS = 7 * 24 * 3600;

/** How bad the message looks to the models, in [0, 1]: the deep reading if any, else the fast one. */
export function severity(c: Pick<ModerationCase, 'fast' | 'deep'>): number {
  const score = c.deep ?? c.fast;
  let worst = score.toxicity;
  for (const cat of CATEGORIES) worst = Math.max(worst, categoryScore(score.categories, cat) * CATEGORY_WEIGHT[cat]);
  return Math.min(1, Math.round(worst * 1000) / 1000);
}

export interface PriorityTuning {
  /** Queue time a case of severity 1 gains over a case of severity 0. */
  severitySeconds: number;
  /** Per earlier blocked case of the player (up to `historyCap` of them). */
  blockedSeconds: number;
  /** Per earlier case of the player, whatever its outcome (up to `historyCap`). */
  caseSeconds: number;
  historyCap: number;
}

export const DEFAULT_PRIORITY: PriorityTuning = { severitySeconds: 20 * 60, blockedSeconds: 4 * 60, caseSeconds: 60, historyCap: 5 };

/**
 * Priority as queue time: a case ranks as if it had opened `boost` seconds earlier, so the queue
 * is ordered by one timestamp. Age then counts linearly and a long-waiting mild case still
 * overtakes a newer severe one once it has waited longer than the severity gap.
 */
export function caseRank(c: ModerationCase, history: { cases: number; blocked: number }, tuning: PriorityTuning = DEFAULT_PRIORITY): CaseRank {
  const boost =
    (c.reason === 'alarm' ? ALARM_BOOST_SECONDS : 0) +
    severity(c) * tuning.severitySeconds +
    Math.min(history.blocked, tuning.historyCap) * tuning.blockedSeconds +
    Math.min(history.cases, tuning.historyCap) * tuning.caseSeconds;
  return { rankAt: new Date(Date.parse(c.openedAt) - Math.round(boost * 1000)).toISOString(), priorCases: history.cases, priorBlocks: history.blocked };
}

// --- Verdict timing ---------------------------------------------------------------------------

/**
 * A verdict is held back for the undo window and published after it; never past the case's own
 * deadline, so an undo can't reopen a case that is already overdue.
 */
export function undoDeadline(now: Date, undoMs: number, dueAt: string): Date | undefined {
  if (undoMs <= 0) return undefined;
  const until = Math.min(now.getTime() + undoMs, Date.parse(dueAt));
  return until > now.getTime() ? new Date(until) : undefined;
}

// --- Accounts ---------------------------------------------------------------------------------


/** Slows password guessing: after `maxFailures` failed logins for a name, it is locked for `lockMs`. */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(
    private readonly maxFailures = 5,
    private readonly lockMs = 60_000,
  ) {}

  /** Milliseconds left on a lock, or 0 when a login may be tried. */
  lockedFor(username: string, now: Date): number {
    const f = this.failures.get(username);
    return f ? Math.max(0, f.lockedUntil - now.getTime()) : 0;
  }

  failed(username: string, now: Date): void {
    const f = this.failures.get(username) ?? { count: 0, lockedUntil: 0 };
    f.count++;
    if (f.count >= this.maxFailures) {
      f.count = 0;
      f.lockedUntil = now.getTime() + this.lockMs;
    }
    this.failures.set(username, f);
    // Bounded: forget the oldest names past 10,000 (they only lose their failure count).
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(username: string): void {
    this.failures.delete(username);
  }
}
