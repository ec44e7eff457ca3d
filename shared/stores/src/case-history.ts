// The outcome of a player's earlier case as moderators see it in the history, the same for every
// case store adapter.
import type { ModerationResult, ReviewStats } from '@sinbin/contract';

export function historyOutcome(result: ModerationResult | null | undefined): Partial<Pick<ModerationResult, 'verdict' | 'resolution' | 'category' | 'moderatorId'>> {
  if (!result) return {};
  return {
    verdict: result.verdict,
    resolution: result.resolution,
    ...(result.category ? { category: result.category } : {}),
    ...(result.moderatorId ? { moderatorId: result.moderatorId } : {}),
  };
}

/** The review statistics from grouped rows, the same for every case store adapter. */
export function reviewStatsFrom(
  verdicts: readonly { bucket: Date | string; moderator: string | null; decided: number; blocked: number; agreed: number }[],
  lapsed: readonly { lapse: string; n: number }[],
  depth: readonly { at: Date | string; pending: number; oldest: number | null }[],
): ReviewStats {
  const byModerator = new Map<string, { moderatorId: string; decided: number; blocked: number; agreedWithModel: number }>();
  for (const v of verdicts) {
    const id = v.moderator ?? 'unknown';
    const m = byModerator.get(id) ?? { moderatorId: id, decided: 0, blocked: 0, agreedWithModel: 0 };
    m.decided += Number(v.decided);
    m.blocked += Number(v.blocked);
    m.agreedWithModel += Number(v.agreed);
    byModerator.set(id, m);
  }
  const lapses = { allow: 0, model: 0, hold: 0 };
  for (const l of lapsed) if (l.lapse in lapses) lapses[l.lapse as keyof typeof lapses] += Number(l.n);
  return {
    moderators: [...byModerator.values()].sort((a, b) => b.decided - a.decided || a.moderatorId.localeCompare(b.moderatorId)),
    throughput: verdicts.map((v) => ({ bucket: new Date(v.bucket).toISOString(), moderatorId: v.moderator ?? 'unknown', decided: Number(v.decided) })),
    lapsed: lapses,
    depth: depth.map((d) => ({ at: new Date(d.at).toISOString(), pending: Number(d.pending), oldestAgeSeconds: d.oldest === null ? 0 : Math.max(0, Math.round(Number(d.oldest))) })),
  };
}
