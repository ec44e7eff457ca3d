// The appeal outcomes' pure parts: the revised decision an overturn publishes, the weighted
// training label, the reviewer guard and the results moderation gives appeal cases.
import { describe, expect, it } from 'vitest';
import { type Appeal, APPEAL_TRAINING_WEIGHT, FinalDecisionSchema, TrainingExampleSchema } from '@sinbin/contract';
import { appealExample, revisedDecision } from '../../../../functions/decision-manager/src/core';
import { expiredResult, mayReview, moderatorResult } from '../../../../functions/moderation/src/core';
import { at, finalDecision, iso, moderationCase, moderationResult } from '../../../helpers/events';

const APPEAL: Appeal = {
  appealId: 'ap-1',
  statement: 'I was quoting them',
  filedAt: iso(1000),
  original: { verdict: 'block', action: { type: 'mute', durationSeconds: 600 }, decidedBy: 'fast', decidedAt: iso(0), toxicity: 0.9, category: 'insult', rule: 'mute insults' },
};

describe('revisedDecision', () => {
  it('allows the message, lifts the sanction and says what it was, who revised it and when', () => {
    const original = finalDecision({ verdict: 'block', action: { type: 'mute', durationSeconds: 600 }, decidedBy: 'fast', reputation: { standing: 0.5, offences: 2 } });
    const revised = FinalDecisionSchema.parse(revisedDecision(original, APPEAL, 'bob', at(5000)));
    expect(revised).toMatchObject({
      messageId: original.messageId,
      verdict: 'allow',
      action: { type: 'none' },
      decidedBy: 'moderator',
      rule: 'appeal overturned',
      decidedAt: iso(5000),
      revision: { number: 1, reason: 'appeal-overturned', appealId: 'ap-1', previous: { verdict: 'block', action: { type: 'mute', durationSeconds: 600 }, decidedBy: 'fast' }, revisedBy: 'bob', revisedAt: iso(5000) },
    });
    expect(revised.reputation).toBeUndefined();
    expect(revisedDecision(revised, APPEAL, 'carol', at(6000)).revision!.number).toBe(2);
  });
});

describe('appealExample', () => {
  it.each([
    ['overturned', 'allow', { label: 'ok', source: 'appeal', weight: APPEAL_TRAINING_WEIGHT }],
    ['upheld', 'block', { label: 'toxic', category: 'insult', source: 'appeal', weight: APPEAL_TRAINING_WEIGHT }],
  ] as const)('%s: %j', (outcome, verdict, expected) => {
    const e = moderationResult({ verdict, appeal: APPEAL, appealOutcome: outcome, moderatorId: 'bob' });
    expect(TrainingExampleSchema.parse(appealExample(e, 'x', at(0)))).toMatchObject(expected);
  });

  it('a lapsed appeal teaches nothing', () => {
    expect(appealExample(moderationResult({ appeal: APPEAL, appealOutcome: 'lapsed' }), 'x', at(0))).toBeUndefined();
  });
});

describe('appeal cases in moderation', () => {
  const appealCase = moderationCase({ reason: 'appeal', provisionalVerdict: 'block', appeal: { ...APPEAL, decidedByModerator: 'alice' } });
  it.each([
    ['alice', false],
    ['bob', true],
  ])('%s may review: %s', (who, may) => expect(mayReview(appealCase, who)).toBe(may));

  it('any moderator may review an ordinary case', () => expect(mayReview(moderationCase(), 'alice')).toBe(true));

  it('a verdict gives the outcome: block upholds, allow overturns', () => {
    expect(moderatorResult(appealCase, { verdict: 'block' }, 'bob', at(0))).toMatchObject({ appeal: { appealId: 'ap-1' }, appealOutcome: 'upheld' });
    expect(moderatorResult(appealCase, { verdict: 'allow' }, 'bob', at(0))).toMatchObject({ appealOutcome: 'overturned' });
    expect(moderatorResult(moderationCase(), { verdict: 'allow' }, 'bob', at(0)).appealOutcome).toBeUndefined();
  });

  it('an appeal nobody reviewed lapses and the decision stands, whatever the lapse rule', () => {
    expect(expiredResult(appealCase, at(0), 'allow')).toMatchObject({ verdict: 'block', appealOutcome: 'lapsed' });
  });
});
