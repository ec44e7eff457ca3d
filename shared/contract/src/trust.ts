// The players' side of trust and safety, as pure rules: a player's standing from their offences
// (with decay, so old offences weigh less), offence severity, and the defaults of a game's limits,
// reputation and appeals settings. The decision manager, the gateway and the UI all read standing
// through these functions, so it is computed one way everywhere (docs/reputation.md).
import type { Action, DecidedBy, LimitOutcome } from './events';
import { OFFENCE_CATEGORIES, type OffenceCategory } from './scorer';
import type { AppealsPolicy, LimitsPolicy, ReputationPolicy } from './policy';

// --- Offences and standing -------------------------------------------------------------------------

/** What an offence was in a player's record: a model's offence category, or `spam` (a flood or spam limit). */
export type ReputationCategory = OffenceCategory | 'spam';
export const REPUTATION_CATEGORIES: readonly ReputationCategory[] = [...OFFENCE_CATEGORIES, 'spam'];

export const SEVERITIES = ['low', 'medium', 'high', 'severe'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How much an offence of each severity weighs against standing when it is new. */
export const SEVERITY_WEIGHT: Record<Severity, number> = { low: 1, medium: 2, high: 4, severe: 8 };

/** Categories that are worse than their toxicity alone says: one band up. */
const GRAVE: ReadonlySet<ReputationCategory> = new Set(['threat', 'identity_hate']);

/**
 * Severity from the deciding toxicity and the category: below 0.7 low, below 0.85 medium, below
 * 0.95 high, else severe; threats and identity hate one band higher; spam is always low.
 */
export function severityOf(toxicity: number, category: ReputationCategory | undefined): Severity {
  if (category === 'spam') return 'low';
  let band = toxicity >= 0.95 ? 3 : toxicity >= 0.85 ? 2 : toxicity >= 0.7 ? 1 : 0;
  if (category && GRAVE.has(category)) band = Math.min(3, band + 1);
  return SEVERITIES[band]!;
}

/** What the standing calculation needs of an offence. */
export interface WeighedOffence {
  at: string;
  severity: Severity;
  /** False for offences that never count (a dropped flood line). */
  counts: boolean;
  /** Set when an appeal overturned it: it no longer counts. */
  overturnedAt?: string;
}

export interface ResolvedReputation {
  halfLifeDays: number;
  scale: number;
}

export const DEFAULT_REPUTATION: ResolvedReputation = { halfLifeDays: 14, scale: 8 };

export function resolveReputation(p: ReputationPolicy | undefined): ResolvedReputation {
  return { ...DEFAULT_REPUTATION, ...p };
}

const DAY_MS = 86_400_000;

/** An offence's weight now: its severity's weight, halved every `halfLifeDays`; 0 when it does not count. */
export function offenceWeight(o: WeighedOffence, now: Date, cfg: ResolvedReputation): number {
  if (!o.counts || o.overturnedAt) return 0;
  const ageDays = Math.max(0, now.getTime() - Date.parse(o.at)) / DAY_MS;
  return SEVERITY_WEIGHT[o.severity] * 2 ** (-ageDays / cfg.halfLifeDays);
}

/**
 * Standing in [0, 1]: 1 for a clean record, exp(-W / scale) where W is the sum of the offences'
 * decayed weights. With the defaults (half-life 14 days, scale 8) one low offence today gives
 * 0.88, one severe 0.37, and a severe one 28 days old 0.78.
 */
export function standingOf(offences: readonly WeighedOffence[], now: Date, cfg: ResolvedReputation): { standing: number; weight: number; counted: number } {
  let weight = 0;
  let counted = 0;
  for (const o of offences) {
    const w = offenceWeight(o, now, cfg);
    if (w > 0) counted++;
    weight += w;
  }
  return { standing: Math.round(Math.exp(-weight / cfg.scale) * 10_000) / 10_000, weight: Math.round(weight * 1000) / 1000, counted };
}

/** How far back offences are read: after eight half-lives an offence weighs under 0.4 % of itself. */
export function reputationLookback(now: Date, cfg: ResolvedReputation): Date {
  return new Date(now.getTime() - Math.min(8 * cfg.halfLifeDays, 3650) * DAY_MS);
}

/** When a sanction ends: mute and ban with a duration end then, a ban without one never (null); others have none. */
export function sanctionEnd(action: Action, decidedAt: string): string | null | undefined {
  if (action.type !== 'mute' && action.type !== 'ban') return undefined;
  if (action.durationSeconds === undefined) return action.type === 'ban' ? null : undefined;
  return new Date(Date.parse(decidedAt) + action.durationSeconds * 1000).toISOString();
}

// --- Limits -------------------------------------------------------------------------------------------

export interface WindowLimit {
  max: number;
  windowSeconds: number;
  outcome: LimitOutcome;
}

export interface ResolvedLimits {
  enabled: boolean;
  muteSeconds: number;
  repeat: WindowLimit & { similarity: number };
  burst: WindowLimit;
  channelBurst: WindowLimit;
  links: WindowLimit;
  charFlood: { maxRun: number; maxWordRepeats: number; outcome: LimitOutcome };
}

/**
 * Defaults sized so ordinary fast chat is never limited: a player may say the same line three
 * times in 30 s ("gg", "go go go"), send eight lines in 5 s, and three links a minute; a channel
 * takes 200 lines in 5 s (40 a second: a crowded lobby) before it drops lines.
 */
export const DEFAULT_LIMITS: ResolvedLimits = {
  enabled: true,
  muteSeconds: 60,
  repeat: { max: 3, windowSeconds: 30, similarity: 0.85, outcome: 'block' },
  burst: { max: 8, windowSeconds: 5, outcome: 'block' },
  channelBurst: { max: 200, windowSeconds: 5, outcome: 'drop' },
  links: { max: 3, windowSeconds: 60, outcome: 'block' },
  charFlood: { maxRun: 16, maxWordRepeats: 12, outcome: 'block' },
};

/** What a policy without `limits` gets: none (a studio turns them on per game, or for all in `default`). */
export const LIMITS_OFF: ResolvedLimits = { ...DEFAULT_LIMITS, enabled: false };

/**
 * A game's limits over the defaults: off when its policy has no `limits`, on once it has them
 * (`"limits": {}` turns on the defaults); a limit without its own outcome takes the game's
 * `outcome`, else the default's.
 */
export function resolveLimits(p: LimitsPolicy | undefined): ResolvedLimits {
  if (!p) return LIMITS_OFF;
  const d = DEFAULT_LIMITS;
  const outcomeOf = (own: LimitOutcome | undefined, fallback: LimitOutcome) => own ?? p.outcome ?? fallback;
  return {
    enabled: p.enabled ?? true,
    muteSeconds: p.muteSeconds ?? d.muteSeconds,
    repeat: { ...d.repeat, ...p.repeat, outcome: outcomeOf(p.repeat?.outcome, d.repeat.outcome) },
    burst: { ...d.burst, ...p.burst, outcome: outcomeOf(p.burst?.outcome, d.burst.outcome) },
    // A raid is the channel's, not one player's: it keeps `drop` unless the game says otherwise for it.
    channelBurst: { ...d.channelBurst, ...p.channelBurst, outcome: p.channelBurst?.outcome ?? d.channelBurst.outcome },
    links: { ...d.links, ...p.links, outcome: outcomeOf(p.links?.outcome, d.links.outcome) },
    charFlood: { ...d.charFlood, ...p.charFlood, outcome: outcomeOf(p.charFlood?.outcome, d.charFlood.outcome) },
  };
}

/** The longest window any limit of these settings looks back over. */
export function limitsLookbackSeconds(l: ResolvedLimits): number {
  return Math.max(l.repeat.windowSeconds, l.burst.windowSeconds, l.channelBurst.windowSeconds, l.links.windowSeconds);
}

/** The action a limit's outcome gives: drop nothing, block a warning, mute a mute. */
export function limitAction(outcome: LimitOutcome, muteSeconds: number): Action {
  if (outcome === 'mute') return { type: 'mute', durationSeconds: muteSeconds };
  if (outcome === 'block') return { type: 'warn' };
  return { type: 'none' };
}

// --- Appeals ------------------------------------------------------------------------------------------

export interface ResolvedAppeals {
  enabled: boolean;
  deadlineHours: number;
  windowDays: number;
}

export const DEFAULT_APPEALS: ResolvedAppeals = { enabled: true, deadlineHours: 72, windowDays: 30 };

export function resolveAppeals(p: AppealsPolicy | undefined): ResolvedAppeals {
  return { ...DEFAULT_APPEALS, ...p };
}

/** Decisions a player may appeal: any that blocked the message (a drop, a warning, a sanction). */
export function appealable(d: { verdict: string; decidedBy: DecidedBy }): boolean {
  return d.verdict === 'block';
}
