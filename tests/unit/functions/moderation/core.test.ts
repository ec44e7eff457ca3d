import { describe, expect, it } from 'vitest';
import { ModerationResultSchema } from '@sinbin/contract';
import { expiredResult, moderatorResult } from '../../../../functions/moderation/src/core';
import { VerdictRequestSchema } from '@sinbin/contract';
import { at, moderationCase } from '../../../helpers/events';

describe('moderation VerdictRequestSchema', () => {
  it.each([
    { body: { verdict: 'block' }, ok: true },
    { body: { verdict: 'allow' }, ok: true },
    { body: { verdict: 'block', category: 'threat', action: { type: 'ban', durationSeconds: 3600 }, note: 'repeat' }, ok: true },
    { body: { verdict: 'allow', action: { type: 'none' } }, ok: true },
    { body: { verdict: 'allow', note: 'banter between friends' }, ok: true },
    { body: {}, ok: false, problem: 'verdict' },
    { body: { verdict: 'maybe' }, ok: false, problem: 'verdict' },
    { body: { verdict: 'block', category: 'rudeness' }, ok: false, problem: 'category' },
    { body: { verdict: 'block', action: { type: 'jail' } }, ok: false, problem: 'action' },
    { body: { verdict: 'block', action: { type: 'mute', durationSeconds: 0 } }, ok: false, problem: 'durationSeconds' },
    { body: { verdict: 'block', action: { type: 'mute', durationSeconds: 1.5 } }, ok: false, problem: 'durationSeconds' },
    { body: { verdict: 'block', note: 'x'.repeat(2001) }, ok: false, problem: 'note' },
    { body: { verdict: 'block', moderatorId: 'mallory' }, ok: false, problem: 'moderatorId', why: 'the moderator comes from the token, never the body' },
    { body: { verdict: 'allow', category: 'insult' }, ok: false, problem: 'an allow verdict takes no category' },
    { body: { verdict: 'allow', action: { type: 'warn' } }, ok: false, problem: 'an allow verdict takes no category and no action' },
  ])('$body -> ok: $ok', ({ body, ok, problem }) => {
    const parsed = VerdictRequestSchema.safeParse(body);
    expect(parsed.success).toBe(ok);
    if (!parsed.success) {
      const described = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      expect(described).toContain(problem);
    }
  });
});

describe('moderation moderatorResult', () => {
  it("records the moderator's verdict with the case's message, context and scores", () => {
    const c = moderationCase();
    const r = moderatorResult(c, { verdict: 'block', category: 'insult', action: { type: 'mute', durationSeconds: 60 }, note: 'n' }, 'alice', at(1000));
    expect(r).toEqual({
      caseId: c.caseId,
      message: c.message,
      context: c.context,
      verdict: 'block',
      category: 'insult',
      action: { type: 'mute', durationSeconds: 60 },
      note: 'n',
      moderatorId: 'alice',
      resolution: 'moderator',
      fast: c.fast,
      deep: c.deep,
      decidedAt: at(1000).toISOString(),
    });
    expect(ModerationResultSchema.parse(r)).toEqual(r);
  });

  it('leaves out what the moderator did not give, and a missing deep score', () => {
    const r = moderatorResult(moderationCase({ deep: undefined, reason: 'model-unavailable' }), { verdict: 'allow' }, 'bob', at(0));
    for (const k of ['category', 'action', 'note', 'deep']) expect(r).not.toHaveProperty(k);
    expect(ModerationResultSchema.safeParse(r).success).toBe(true);
  });
});

describe('moderation expiredResult', () => {
  it.each(['allow', 'block'] as const)('an expired case keeps its provisional verdict (%s), with no moderator', (provisionalVerdict) => {
    const c = moderationCase({ provisionalVerdict });
    const r = expiredResult(c, at(3_600_001));
    expect(r).toEqual({
      caseId: c.caseId,
      message: c.message,
      context: c.context,
      verdict: provisionalVerdict,
      resolution: 'expired',
      lapse: 'model',
      fast: c.fast,
      deep: c.deep,
      decidedAt: at(3_600_001).toISOString(),
    });
    expect(r).not.toHaveProperty('moderatorId');
    expect(ModerationResultSchema.parse(r)).toEqual(r);
  });

  it('an expired case without a deep score has none in its result', () => {
    expect(expiredResult(moderationCase({ deep: undefined }), at(0))).not.toHaveProperty('deep');
  });
});
