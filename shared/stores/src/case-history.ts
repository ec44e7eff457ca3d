// The outcome of a player's earlier case as moderators see it in the history, the same for every
// case store adapter.
import type { ModerationResult } from '@sinbin/contract';

export function historyOutcome(result: ModerationResult | null | undefined): Partial<Pick<ModerationResult, 'verdict' | 'resolution' | 'category' | 'moderatorId'>> {
  if (!result) return {};
  return {
    verdict: result.verdict,
    resolution: result.resolution,
    ...(result.category ? { category: result.category } : {}),
    ...(result.moderatorId ? { moderatorId: result.moderatorId } : {}),
  };
}
