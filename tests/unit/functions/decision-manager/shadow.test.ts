// The candidate policy's step, from what the decision manager knows when the real decision is made.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type GamePolicy, GamePolicySchema } from '@sinbin/contract';
import { finalDecision } from '../../../../functions/decision-manager/src/core';
import { candidateRoute, candidateStep, comparison, outcomeOfDecision, wouldBeOutcome, type RealPath } from '../../../../functions/decision-manager/src/shadow';
import { at, categories, chatMessage, modelScore, moderationResult } from '../../../helpers/events';

const base: GamePolicy = GamePolicySchema.parse({ rules: DEFAULT_POLICY.rules });
const band = { okBelow: 0.3, toxicFrom: 0.8 };
const real = (over: Partial<RealPath> = {}): RealPath => ({
  message: chatMessage(),
  fast: modelScore({ toxicity: 0.5, categories: categories({ insult: 0.5 }) }),
  route: 'needs-analysis',
  modelBand: band,
  ...over,
});
const deep = (toxicity: number, confidence: number) => ({ toxicity, confidence, categories: categories({ insult: toxicity }), modelVersion: 'deep-1' });

describe('candidateRoute', () => {
  it.each([
    { why: 'same band (neither sets one): the real route', active: base, candidate: base, route: 'ok' as const, toxicity: 0.5, want: 'ok' },
    { why: 'the candidate narrows the band: analysis', active: base, candidate: { ...base, routing: { okBelow: 0.1, toxicFrom: 0.9 } }, route: 'ok' as const, toxicity: 0.2, want: 'needs-analysis' },
    { why: 'the candidate blocks sooner', active: base, candidate: { ...base, routing: { okBelow: 0.1, toxicFrom: 0.4 } }, route: 'needs-analysis' as const, toxicity: 0.5, want: 'toxic' },
    { why: "the candidate drops the active's band: the model's own", active: { ...base, routing: { okBelow: 0.6, toxicFrom: 0.9 } }, candidate: base, route: 'ok' as const, toxicity: 0.5, want: 'needs-analysis' },
  ])('$why', ({ active, candidate, route, toxicity, want }) => {
    expect(candidateRoute(real({ route, fast: modelScore({ toxicity }) }), active, candidate)).toBe(want);
  });

  it.each([
    { why: 'a candidate band above the gesture', candidate: { ...base, routing: { okBelow: 0.1, toxicFrom: 0.99 } } },
    { why: 'the model band', candidate: base },
  ])('an obscene gesture stays on the toxic route under $why', ({ candidate }) => {
    expect(candidateRoute(real({ route: 'toxic', fast: modelScore({ toxicity: 0.95, obsceneGesture: true }) }), base, candidate)).toBe('toxic');
  });

  it("keeps the real route when the model's band is unknown (an older classifier)", () => {
    expect(candidateRoute(real({ route: 'ok', fast: modelScore({ toxicity: 0.5 }), modelBand: undefined }), { ...base, routing: band }, base)).toBe('ok');
  });
});

describe('candidateStep', () => {
  it('a fast decision the candidate would also make at the fast stage', () => {
    const step = candidateStep(real({ route: 'toxic', fast: modelScore({ toxicity: 0.9, categories: categories({ threat: 0.9 }) }) }), base, base);
    expect(step).toMatchObject({ kind: 'decide', draft: { verdict: 'block', decidedBy: 'fast', category: 'threat' } });
  });

  it('a fast decision the candidate would send to the deep model: its verdict is unknown', () => {
    expect(candidateStep(real({ route: 'ok', fast: modelScore({ toxicity: 0.2 }) }), base, { ...base, routing: { okBelow: 0.1, toxicFrom: 0.9 } })).toEqual({ kind: 'analysis' });
  });

  it.each([
    { why: "confident under the candidate's lower bar", candidate: { ...base, deepMinConfidence: 0.3 }, d: deep(0.7, 0.4), want: { kind: 'decide', verdict: 'block' } },
    { why: 'unsure under its higher bar: a moderator', candidate: { ...base, deepMinConfidence: 0.95 }, d: deep(0.7, 0.9), want: { kind: 'review' } },
    { why: 'a lower toxicity cut blocks', candidate: { ...base, deepToxicFrom: 0.3 }, d: deep(0.4, 0.9), want: { kind: 'decide', verdict: 'block' } },
  ])('a deep reading: $why', ({ candidate, d, want }) => {
    const step = candidateStep(real({ deep: d }), base, candidate);
    expect(step.kind).toBe(want.kind);
    if (step.kind === 'decide') expect(step.draft).toMatchObject({ verdict: want.verdict, decidedBy: 'deep' });
  });

  it("a moderator's verdict stands under the candidate", () => {
    const m = moderationResult({ verdict: 'block', category: 'threat' });
    const step = candidateStep(real({ deep: deep(0.55, 0.3), moderation: m }), base, base);
    expect(step).toMatchObject({ kind: 'decide', draft: { verdict: 'block', decidedBy: 'moderator', category: 'threat' } });
  });

  it.each([
    { lapse: 'allow' as const, verdict: 'allow' },
    { lapse: 'model' as const, verdict: 'block' },
    { lapse: 'hold' as const, verdict: 'block' },
  ])("a lapsed case follows the candidate's onDeadline ($lapse)", ({ lapse, verdict }) => {
    const m = moderationResult({ verdict: 'allow', resolution: 'expired', lapse: 'allow', moderatorId: undefined });
    const step = candidateStep(real({ deep: deep(0.7, 0.3), moderation: m }), { ...base, onDeadline: 'allow' }, { ...base, onDeadline: lapse });
    expect(step).toMatchObject({ kind: 'decide', draft: { decidedBy: 'deadline', lapse, verdict } });
  });
});

describe('outcomes and comparisons', () => {
  it('records what was done and what would have been, side by side', () => {
    const d = finalDecision(
      { message: chatMessage({ messageId: 'm1', playerId: 'p9' }), verdict: 'block', toxicity: 0.9, categories: categories({ insult: 0.9 }), category: 'insult', decidedBy: 'fast', modelVersion: 'f' },
      { type: 'warn' },
      at(5),
      { policyVersion: 3, rule: 'first offence' },
    );
    expect(outcomeOfDecision(d)).toEqual({ path: 'fast', verdict: 'block', action: 'warn', rule: 'first offence' });
    const would = wouldBeOutcome({ kind: 'decide', draft: { message: chatMessage(), verdict: 'block', toxicity: 0.9, categories: d.categories, category: 'insult', decidedBy: 'fast', modelVersion: 'f' } as never }, { action: { type: 'mute', durationSeconds: 600 }, rule: 'strict' });
    expect(would).toEqual({ path: 'fast', verdict: 'block', action: 'mute', durationSeconds: 600, rule: 'strict' });
    expect(wouldBeOutcome({ kind: 'review' })).toEqual({ path: 'review' });
    expect(comparison(d, 3, 4, would)).toMatchObject({ messageId: 'm1', playerId: 'p9', activeVersion: 3, shadowVersion: 4, at: at(5).toISOString() });
  });
});
