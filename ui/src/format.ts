// Pure formatting for the moderator UI: ages, countdowns, highlighted evidence, speakers. No DOM
// here, so it is unit-tested under Node.
import { categoryScore, OFFENCE_CATEGORIES, type Category, type ModelScore, type ModerationCase, type OffenceCategory } from './types';

/** "12s", "4m", "1h 5m", "3d" — how long a case has waited. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** "1:05" for a lease or undo countdown, "2h 5m" past an hour; "0:00" once it has run out. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const percent = (x: number): string => `${Math.round(x * 100)}%`;

export const categoryLabel = (c: Category): string => c.replace('_', ' ');

/** The strongest category of a score, for the suggested block reason. */
export function topCategory(score: Pick<ModelScore, 'categories'>): OffenceCategory {
  let best: OffenceCategory = 'insult';
  for (const c of OFFENCE_CATEGORIES) if (categoryScore(score.categories, c) > categoryScore(score.categories, best)) best = c;
  return best;
}

export interface Segment {
  text: string;
  evidence: boolean;
}

/**
 * Splits a message into plain and evidence parts, so the words that drove the score can be
 * marked. Matching is case-insensitive; evidence the model normalised (e.g. "n00b" read as
 * "noob") may not occur literally and then only shows in the evidence list.
 */
export function highlightSegments(text: string, evidence: readonly string[] = []): Segment[] {
  const terms = [...new Set(evidence.map((e) => e.trim().toLowerCase()).filter((e) => e.length >= 2))].sort((a, b) => b.length - a.length);
  if (terms.length === 0) return [{ text, evidence: false }];
  const lower = text.toLowerCase();
  const marked = new Array<boolean>(text.length).fill(false);
  for (const term of terms) {
    for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + term.length)) {
      for (let i = at; i < at + term.length; i++) marked[i] = true;
    }
  }
  const out: Segment[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = out.at(-1);
    if (last && last.evidence === marked[i]) last.text += text[i];
    else out.push({ text: text[i]!, evidence: marked[i]! });
  }
  return out;
}

/**
 * Gives each speaker of a conversation a palette slot, in order of appearance, the player under
 * review always slot 0, so neighbours look different and that player is recognisable.
 */
export function assignSpeakers(playerIds: readonly (string | undefined)[], underReview: string, paletteSize: number): Map<string, number> {
  const slots = new Map<string, number>([[underReview, 0]]);
  for (const id of playerIds) if (id !== undefined && !slots.has(id)) slots.set(id, 1 + ((slots.size - 1) % (paletteSize - 1)));
  return slots;
}

/** Initials for a speaker badge: "p-123" -> "P1", "alice" -> "AL". */
export function initials(playerId: string): string {
  const parts = playerId.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (parts.length >= 2) return `${parts[0]![0]}${parts[1]![0]}`.toUpperCase();
  return playerId.slice(0, 2).toUpperCase();
}

/**
 * Why a case waits for a moderator. Nobody reported it: the pipeline routed it here because the
 * models could not decide it, so the UI never calls it "reported".
 */
export function routedBecause(reason: ModerationCase['reason']): string {
  if (reason === 'appeal') return 'the player appealed the decision';
  if (reason === 'alarm') return 'it reads as a threat, self-harm encouragement or doxxing (first in the queue)';
  return reason === 'low-confidence' ? 'the models were unsure' : 'the deep model was unavailable';
}

/** An appealed decision in words: "blocked by the fast model (warn, rule: first offence)". */
export function appealedDecision(a: NonNullable<ModerationCase['appeal']>): string {
  const by = { fast: 'the fast model', deep: 'the deep model', moderator: 'a moderator', deadline: 'the deadline', limits: 'the flood and spam limits', terms: "the game's block list" }[a.original.decidedBy];
  const action = a.original.action.type === 'none' ? 'no action' : a.original.action.type + (a.original.action.durationSeconds ? ` ${Math.round(a.original.action.durationSeconds / 60)} min` : '');
  return `${a.original.verdict === 'block' ? 'blocked' : 'allowed'} by ${by} (${action}${a.original.rule ? `, rule: ${a.original.rule}` : ''})`;
}

/** Severity buckets for the queue's badges. */
export function severityLevel(severity: number): 'high' | 'medium' | 'low' {
  return severity >= 0.75 ? 'high' : severity >= 0.5 ? 'medium' : 'low';
}

/** What an audit entry says, in a line. */
export function describeAudit(action: string, detail: Record<string, unknown>): string {
  switch (action) {
    case 'verdict': {
      const parts = [String(detail.verdict ?? '')];
      if (detail.category) parts.push(categoryLabel(detail.category as Category));
      const act = detail.action as { type?: string; durationSeconds?: number } | undefined;
      if (act?.type && act.type !== 'none') parts.push(act.durationSeconds ? `${act.type} ${formatAge(act.durationSeconds * 1000)}` : act.type);
      if (detail.direct) parts.push('(API, no undo window)');
      return parts.join(' · ') + (detail.note ? ` — “${String(detail.note)}”` : '');
    }
    case 'claim':
      return detail.renewed ? 'renewed' : '';
    case 'lease-lapsed':
      return 'claim lapsed; case back in the queue';
    case 'moderator-created':
      return `created ${String(detail.role ?? '')} ${String(detail.username ?? '')}`;
    case 'moderator-disabled':
      return `disabled ${String(detail.username ?? '')}`;
    case 'moderator-games': {
      const games = (detail.games as string[] | undefined) ?? [];
      return `${String(detail.username ?? '')}: ${games.length ? games.join(', ') : 'no games'}`;
    }
    case 'term-list-saved':
      return `${String(detail.gameId ?? '')} term lists version ${String(detail.version ?? '')}: ${String(detail.blockCount ?? 0)} blocked, ${String(detail.allowCount ?? 0)} allowed${detail.note ? ` — “${String(detail.note)}”` : ''}`;
    case 'policy-version-created':
      return `version ${String(detail.version ?? '')}${detail.note ? ` — “${String(detail.note)}”` : ''}`;
    case 'policy-activated':
      return `version ${String(detail.version ?? '')} (was ${String(detail.previous ?? '—')})${detail.rollback ? ' · rollback' : ''}`;
    case 'policy-shadow-started':
      return `version ${String(detail.version ?? '')} in shadow`;
    case 'policy-shadow-stopped':
      return `shadow of version ${String(detail.previous ?? '')} stopped${detail.reason ? ` (${String(detail.reason)})` : ''}`;
    case 'hold':
      return `held until ${new Date(String(detail.until)).toLocaleString()}`;
    default:
      return '';
  }
}

/** What a case gets if nobody decides it by its deadline, by the game's onDeadline rule. */
export function deadlineOutcome(c: Pick<ModerationCase, 'onDeadline' | 'provisionalVerdict' | 'heldAt'>): string {
  const lapse = c.onDeadline?.lapse ?? 'model';
  if (lapse === 'allow') return 'allowed';
  if (lapse === 'hold' && !c.heldAt) return `held longer for a moderator, then ${c.provisionalVerdict === 'block' ? 'blocked' : 'allowed'} by the models' reading`;
  return `${c.provisionalVerdict === 'block' ? 'blocked' : 'allowed'} by the models' reading`;
}
