// Threats, self-harm encouragement and doxxing (the fast path's alarm) and mild taunts under the
// game's policy: alarms, mildTaunts. The pure core only; the e2e suite runs them end to end.
import { describe, expect, it } from 'vitest';
import { type Alarm, DEFAULT_POLICY, FinalDecisionSchema, type GamePolicy, routeFast } from '@sinbin/contract';
import { applyTauntPolicy, chooseAction, onModeration, finalDecision, MILD_TAUNT_RULE, offenceOf, onAnalysis, onClassified, warnedAsTaunt, type DecisionDraft } from '../../../../functions/decision-manager/src/core';
import { caseRank } from '../../../../functions/moderation/src/core';
import { analysisResult, categories, chatMessage, classifiedMessage, modelScore, moderationResult, T0 } from '../../../helpers/events';

const RULE_ALARM: Alarm = { kinds: ['self_harm'], by: ['rule'], rules: ['kys'] };
const MODEL_ALARM: Alarm = { kinds: ['threat'], by: ['model'] };
const policy = (over: Partial<GamePolicy> = {}): GamePolicy => ({ ...DEFAULT_POLICY, ...over });

describe('routeFast', () => {
  const band = { okBelow: 0.2, toxicFrom: 0.7 };
  it.each([
    { toxicity: 0.05, alarm: undefined, analyse: false, want: 'ok' },
    { toxicity: 0.05, alarm: RULE_ALARM, analyse: false, want: 'needs-analysis' },
    { toxicity: 0.9, alarm: RULE_ALARM, analyse: false, want: 'toxic' },
    { toxicity: 0.05, alarm: undefined, analyse: true, want: 'needs-analysis' },
    { toxicity: 0.9, alarm: undefined, analyse: true, want: 'needs-analysis' },
    { toxicity: 0.5, alarm: undefined, analyse: false, want: 'needs-analysis' },
  ])('toxicity $toxicity, alarm $alarm.by, other language $analyse -> $want', ({ toxicity, alarm, analyse, want }) => {
    expect(routeFast({ toxicity, ...(alarm ? { alarm } : {}) }, band, { analyse })).toBe(want);
  });

  // The rule layer's obscene gesture (0.95, flagged) against the bands a game's policy may set: the
  // deep model cannot read the emoji, so no band sends the line to it, nor lets it through.
  it.each([
    { band: { okBelow: 0.145, toxicFrom: 0.9 }, gesture: true, analyse: false, want: 'toxic' },
    { band: { okBelow: 0.145, toxicFrom: 0.98 }, gesture: true, analyse: false, want: 'toxic' },
    { band: { okBelow: 0.5, toxicFrom: 1 }, gesture: true, analyse: false, want: 'toxic' },
    { band: { okBelow: 1, toxicFrom: 1 }, gesture: true, analyse: false, want: 'toxic' },
    { band: { okBelow: 0.145, toxicFrom: 0.98 }, gesture: true, analyse: true, want: 'toxic' },
    { band: { okBelow: 0.145, toxicFrom: 0.98 }, gesture: true, analyse: false, alarm: RULE_ALARM, want: 'toxic' },
    // Without the flag the same score follows the band.
    { band: { okBelow: 0.145, toxicFrom: 0.98 }, gesture: false, analyse: false, want: 'needs-analysis' },
  ])('an obscene gesture ($gesture) under band $band.okBelow / $band.toxicFrom, other language $analyse -> $want', ({ band, gesture, analyse, alarm, want }) => {
    expect(routeFast({ toxicity: 0.95, ...(gesture ? { obsceneGesture: true } : {}), ...(alarm ? { alarm } : {}) }, band, { analyse })).toBe(want);
  });
});

describe('onClassified with an obscene gesture', () => {
  it.each([
    { alarms: 'moderator' as const, alarm: undefined, want: 'decide' },
    { alarms: 'models' as const, alarm: undefined, want: 'decide' },
    // A threat beside the gesture still goes to the deep reading and a moderator first.
    { alarms: 'moderator' as const, alarm: RULE_ALARM, want: 'analyse' },
  ])('alarms: $alarms, alarm $alarm.by -> $want', ({ alarms, alarm, want }) => {
    const fast = modelScore({ toxicity: 0.95, obsceneGesture: true, ...(alarm ? { alarm } : {}), categories: categories({ insult: 0.95, profanity: 0.95 }) });
    const route = routeFast(fast, { okBelow: 0.145, toxicFrom: 0.98 });
    const step = onClassified(classifiedMessage({ route, fast }), policy({ alarms, routing: { okBelow: 0.145, toxicFrom: 0.98 } }), T0);
    expect(step.kind).toBe(want);
    if (step.kind === 'decide') expect(step.draft).toMatchObject({ verdict: 'block', decidedBy: 'fast' });
  });
});

describe('an identity attack the rule layer found', () => {
  it.each([
    { alarm: undefined, insult: 0.95, category: 'identity_hate', action: { type: 'mute', durationSeconds: 3600 }, offences: 1 },
    { alarm: undefined, insult: 0.95, category: 'identity_hate', action: { type: 'ban', durationSeconds: 24 * 3600 }, offences: 2 },
    { alarm: undefined, insult: 0.1, category: 'identity_hate', action: { type: 'mute', durationSeconds: 3600 }, offences: 1 },
    // An alarm names its own category first.
    { alarm: MODEL_ALARM, insult: 0.1, category: 'threat', action: { type: 'kick' }, offences: 1 },
  ])('is blocked as $category even where insult scores $insult (alarm $alarm.by, offence $offences)', ({ alarm, insult, category, action, offences }) => {
    const fast = modelScore({ toxicity: 0.97, identityAttack: true, ...(alarm ? { alarm } : {}), categories: categories({ insult, identity_hate: 0.9 }) });
    const step = onClassified(classifiedMessage({ route: routeFast(fast, { okBelow: 0.145, toxicFrom: 0.98 }), fast }), policy({ alarms: 'models' }), T0);
    if (step.kind !== 'decide') throw new Error(`expected a decision, got ${step.kind}`);
    expect(step.draft).toMatchObject({ verdict: 'block', decidedBy: 'fast', category });
    expect(chooseAction(step.draft, offences, DEFAULT_POLICY).action).toEqual(action);
  });

  it('a moderator who blocks it without naming a category blocks it as identity_hate', () => {
    const fast = modelScore({ toxicity: 0.97, identityAttack: true, categories: categories({ insult: 0.95, identity_hate: 0.9 }) });
    const d = onModeration(moderationResult({ fast, verdict: 'block' }));
    expect(d.category).toBe('identity_hate');
  });
});

describe('sexual harassment the rule layer found', () => {
  it.each([
    { insult: 0.95, identityAttack: false, category: 'sexual' },
    { insult: 0.1, identityAttack: false, category: 'sexual' },
    // Both found: the attack on a group names it (the policy's identity rules weigh more).
    { insult: 0.1, identityAttack: true, category: 'identity_hate' },
  ])('is blocked as $category under a band above its floor (insult $insult, identity attack $identityAttack)', ({ insult, identityAttack, category }) => {
    const fast = modelScore({ toxicity: 0.9, sexualHarassment: true, ...(identityAttack ? { identityAttack } : {}), categories: categories({ insult, sexual: 0.9 }) });
    const route = routeFast(fast, { okBelow: 0.145, toxicFrom: 0.98 });
    expect(route).toBe('toxic');
    const step = onClassified(classifiedMessage({ route, fast }), policy({ alarms: 'models' }), T0);
    if (step.kind !== 'decide') throw new Error(`expected a decision, got ${step.kind}`);
    expect(step.draft).toMatchObject({ verdict: 'block', decidedBy: 'fast', category });
  });

  it('a moderator who blocks it without naming a category blocks it as sexual', () => {
    const fast = modelScore({ toxicity: 0.9, sexualHarassment: true, categories: categories({ insult: 0.95, sexual: 0.9 }) });
    expect(onModeration(moderationResult({ fast, verdict: 'block' })).category).toBe('sexual');
  });
});

describe('onClassified with an alarm', () => {
  it.each([
    { alarms: 'moderator' as const, route: 'toxic' as const, want: 'analyse' },
    { alarms: 'moderator' as const, route: 'needs-analysis' as const, want: 'analyse' },
    { alarms: 'models' as const, route: 'toxic' as const, want: 'decide' },
    { alarms: 'block' as const, route: 'needs-analysis' as const, want: 'decide' },
  ])('alarms: $alarms, route $route -> $want', ({ alarms, route, want }) => {
    const e = classifiedMessage({ route, fast: modelScore({ toxicity: 0.8, alarm: RULE_ALARM, categories: categories({ insult: 0.8 }) }) });
    const step = onClassified(e, policy({ alarms }), T0);
    expect(step.kind).toBe(want);
    if (step.kind === 'decide') expect(step.draft).toMatchObject({ verdict: 'block', category: 'self_harm', alarm: RULE_ALARM });
  });
});

describe('onAnalysis with an alarm', () => {
  const result = (alarm: Alarm | undefined, toxicity: number, confidence = 0.9) =>
    analysisResult({
      fast: modelScore({ toxicity: 0.3, ...(alarm ? { alarm } : {}), language: { code: 'en', confidence: 0.8 } }),
      deep: { toxicity, confidence, categories: categories({ insult: toxicity }), modelVersion: 'deep-1' },
    });

  it('sends a rule alarm to a moderator, provisionally blocked, whatever the deep reading', () => {
    const step = onAnalysis(result(RULE_ALARM, 0.05), DEFAULT_POLICY, 'case-1', T0);
    expect(step.kind).toBe('moderate');
    if (step.kind === 'moderate') expect(step.case).toMatchObject({ reason: 'alarm', provisionalVerdict: 'block' });
  });

  it("lets the deep reading decide a model-only alarm (the alarm head fires on in-game threats)", () => {
    const step = onAnalysis(result(MODEL_ALARM, 0.05), DEFAULT_POLICY, 'case-1', T0);
    expect(step).toMatchObject({ kind: 'decide', draft: { verdict: 'allow', decidedBy: 'deep', alarm: MODEL_ALARM } });
  });

  it('names the alarm category when the deep model blocks a model-only alarm', () => {
    const step = onAnalysis(result(MODEL_ALARM, 0.95), DEFAULT_POLICY, 'case-1', T0);
    expect(step).toMatchObject({ kind: 'decide', draft: { verdict: 'block', category: 'threat' } });
  });

  it('with alarms: models, a rule alarm is decided like any message', () => {
    expect(onAnalysis(result(RULE_ALARM, 0.95), policy({ alarms: 'models' }), 'c', T0).kind).toBe('decide');
  });

  it('ranks an alarm case above any other, however old', () => {
    const step = onAnalysis(result(RULE_ALARM, 0.05), DEFAULT_POLICY, 'case-1', T0);
    if (step.kind !== 'moderate') throw new Error('expected a case');
    const old = { ...step.case, reason: 'low-confidence' as const, openedAt: new Date(T0.getTime() - 3 * 24 * 3600_000).toISOString() };
    const none = { cases: 0, blocked: 0 };
    expect(caseRank(step.case, none).rankAt < caseRank(old, none).rankAt).toBe(true);
  });
});

describe('mild taunts under the policy', () => {
  const taunt = (over: Partial<DecisionDraft> = {}): DecisionDraft => ({
    message: chatMessage({ text: 'gg ez' }), verdict: 'block', toxicity: 0.95, categories: categories({ insult: 0.9 }), category: 'insult',
    decidedBy: 'fast', modelVersion: 'm', mildTaunt: true, ...over,
  });
  it.each([
    { mildTaunts: 'allow' as const, over: {}, verdict: 'allow', action: 'none', rule: 'mild taunt' },
    { mildTaunts: 'warn' as const, over: {}, verdict: 'block', action: 'warn', rule: 'mild taunt' },
    { mildTaunts: 'rules' as const, over: {}, verdict: 'block', action: 'mute', rule: 'severe' },
    { mildTaunts: 'allow' as const, over: { alarm: RULE_ALARM }, verdict: 'block', action: 'mute', rule: 'severe' },
    { mildTaunts: 'allow' as const, over: { decidedBy: 'moderator' as const }, verdict: 'block', action: 'mute', rule: 'severe' },
    { mildTaunts: 'warn' as const, over: { decidedBy: 'deep' as const }, verdict: 'block', action: 'warn', rule: 'mild taunt' },
  ])('mildTaunts: $mildTaunts with $over -> $verdict, $action ($rule)', ({ mildTaunts, over, verdict, action, rule }) => {
    const p = policy({ mildTaunts });
    const d = applyTauntPolicy(taunt(over), p);
    expect(d.verdict).toBe(verdict);
    const chosen = chooseAction(d, 1, p);
    expect(chosen.action.type).toBe(action);
    expect(chosen.rule).toBe(rule);
  });

  it('never warns beyond a warning in the default policy, even for a repeat offender', () => {
    const p = policy({ mildTaunts: 'warn' });
    expect(chooseAction(applyTauntPolicy(taunt(), p), 9, p).action).toEqual({ type: 'warn' });
  });

  it('an unsure deep reading of a mild taunt the game allows needs no moderator; one it warns does', () => {
    const e = analysisResult({ fast: modelScore({ toxicity: 0.5, mildTaunt: true }), deep: { toxicity: 0.6, confidence: 0.01, categories: categories({ insult: 0.6 }), modelVersion: 'd' } });
    expect(onAnalysis(e, policy({ mildTaunts: 'allow' }), 'c', T0).kind).toBe('decide');
    expect(onAnalysis(e, DEFAULT_POLICY, 'c', T0).kind).toBe('moderate');
  });

  it('the default policy warns a mild taunt: the block stands, with a warning', () => {
    expect(DEFAULT_POLICY.mildTaunts).toBe('warn');
    const d = applyTauntPolicy(taunt(), DEFAULT_POLICY);
    expect(d.verdict).toBe('block');
    expect(chooseAction(d, 0, DEFAULT_POLICY)).toEqual({ action: { type: 'warn' }, rule: MILD_TAUNT_RULE });
  });

  it.each([
    { mildTaunts: 'warn' as const, over: {}, warned: true },
    { mildTaunts: 'warn' as const, over: { decidedBy: 'deep' as const }, warned: true },
    { mildTaunts: 'warn' as const, over: { verdict: 'allow' as const }, warned: false },
    { mildTaunts: 'warn' as const, over: { mildTaunt: undefined }, warned: false },
    { mildTaunts: 'warn' as const, over: { alarm: RULE_ALARM }, warned: false },
    { mildTaunts: 'warn' as const, over: { decidedBy: 'moderator' as const }, warned: false },
    { mildTaunts: 'rules' as const, over: {}, warned: false },
    { mildTaunts: 'allow' as const, over: {}, warned: false },
  ])('warnedAsTaunt: mildTaunts $mildTaunts with $over -> $warned', ({ mildTaunts, over, warned }) => {
    expect(warnedAsTaunt(taunt(over), policy({ mildTaunts }))).toBe(warned);
  });

  it('a warned taunt weighs as low severity whatever its toxicity; the same line under the rules does not', () => {
    const warned = taunt({ toxicity: 0.99 });
    const rules = policy({ mildTaunts: 'rules' });
    const underWarn = finalDecision(warned, chooseAction(warned, 0, DEFAULT_POLICY).action, T0, { rule: MILD_TAUNT_RULE });
    const underRules = finalDecision(warned, chooseAction(warned, 0, rules).action, T0, { rule: chooseAction(warned, 0, rules).rule });
    expect(offenceOf(underWarn, warned)).toMatchObject({ severity: 'low', counts: true, rule: MILD_TAUNT_RULE });
    expect(offenceOf(underRules, warned).severity).not.toBe('low');
  });
});

describe('finalDecision', () => {
  it('carries the language and the alarm, and passes the schema', () => {
    const d = finalDecision(
      { message: chatMessage(), verdict: 'block', toxicity: 0.9, categories: { ...categories({ threat: 0.9 }), self_harm: 0.2, severe_toxicity: 0.7 }, category: 'threat', decidedBy: 'deep', modelVersion: 'm',
        language: { code: 'fr', confidence: 0.77 }, alarm: RULE_ALARM },
      { type: 'kick' }, T0,
    );
    expect(d.language).toEqual({ code: 'fr', confidence: 0.77 });
    expect(d.alarm).toEqual(RULE_ALARM);
    expect(FinalDecisionSchema.parse(d)).toEqual(d);
  });
});
