// How shadow comparisons are grouped, the same for every ShadowLog adapter: a quiet comparison
// (both policies allowed it on the same path) is only counted; the others are grouped by what
// happened and what would have, with their distinct players.
import type { Outcome, ShadowComparison, ShadowTransition } from '@sinbin/contract';

export function isQuiet(c: Pick<ShadowComparison, 'real' | 'wouldBe'>): boolean {
  return c.real.verdict === 'allow' && c.wouldBe.verdict === 'allow' && c.real.path === c.wouldBe.path;
}

/** An outcome without its rule (rules are many; transitions group by what the player got). */
export function outcomeShape(o: Outcome): Outcome {
  return {
    path: o.path,
    ...(o.verdict ? { verdict: o.verdict } : {}),
    ...(o.action ? { action: o.action } : {}),
    ...(o.durationSeconds !== undefined ? { durationSeconds: o.durationSeconds } : {}),
  };
}

const keyOf = (o: Outcome) => [o.path, o.verdict ?? '', o.action ?? '', o.durationSeconds ?? ''].join('|');

export function tallyTransitions(rows: readonly ShadowComparison[]): ShadowTransition[] {
  const groups = new Map<string, { t: ShadowTransition; players: Set<string> }>();
  for (const r of rows) {
    const key = `${keyOf(r.real)}>${keyOf(r.wouldBe)}`;
    const g = groups.get(key) ?? { t: { real: outcomeShape(r.real), wouldBe: outcomeShape(r.wouldBe), messages: 0, players: 0 }, players: new Set<string>() };
    g.t.messages++;
    g.players.add(`${r.gameId}\u0000${r.playerId}`);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ ...g.t, players: g.players.size })).sort((a, b) => b.messages - a.messages);
}
