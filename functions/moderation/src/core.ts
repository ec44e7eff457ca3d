// Pure core of moderation: a case plus a moderator's verdict (or its deadline) gives the
// moderation result that the decision manager turns into the final decision.
import { z } from 'zod';
import { ActionSchema, CategorySchema, VerdictSchema, type ModerationCase, type ModerationResult } from '@toxmod/shared/events';

export const VerdictRequestSchema = z
  .object({
    verdict: VerdictSchema,
    category: CategorySchema.optional(),
    action: ActionSchema.optional(),
    note: z.string().max(2000).optional(),
  })
  .strict()
  .refine((v) => v.verdict === 'block' || (v.category === undefined && (v.action === undefined || v.action.type === 'none')), {
    message: 'an allow verdict takes no category and no action',
  });
export type VerdictRequest = z.infer<typeof VerdictRequestSchema>;

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
  };
}

/** No moderator decided in time: the provisional model verdict stands, so the game still hears back. */
export function expiredResult(c: ModerationCase, now: Date): ModerationResult {
  return {
    caseId: c.caseId,
    message: c.message,
    context: c.context,
    verdict: c.provisionalVerdict,
    resolution: 'expired',
    fast: c.fast,
    ...(c.deep ? { deep: c.deep } : {}),
    decidedAt: now.toISOString(),
  };
}

/** Parses `alice:token1,bob:token2`; returns token -> moderator id. */
export function parseModeratorTokens(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf(':');
    if (at > 0 && at < pair.length - 1) out.set(pair.slice(at + 1), pair.slice(0, at));
  }
  return out;
}
