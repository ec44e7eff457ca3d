import { describe, expect, it } from 'vitest';
import {
  type Action,
  type OffenceCategory,
  type PlayerOffence,
  DEFAULT_POLICY,
  FinalDecisionSchema,
  type GamePolicy,
  GamePolicySchema,
  type Rule,
  TrainingExampleSchema,
} from '@sinbin/contract';
import {
  FALLBACK_DEEP_MIN_CONFIDENCE,
  FALLBACK_DEEP_TOXIC_FROM,
  categoryOffences,
  chooseAction,
  MILD_TAUNT_RULE,
  finalDecision,
  onAnalysis,
  onClassified,
  onLimited,
  offenceOf,
  onModeration,
  ruleMatches,
  topCategory,
  trainingExample,
  type DecisionDraft,
} from '../../../../functions/decision-manager/src/core';
import { analysisResult, at, categories, chatMessage, classifiedMessage, iso, limitedMessage, modelScore, moderationResult, T0 } from '../../../helpers/events';

const HOUR = 3600;

function draft(overrides: Partial<DecisionDraft> = {}): DecisionDraft {
  return {
    message: chatMessage(),
    verdict: 'block',
    toxicity: 0.8,
    categories: categories({ insult: 0.8 }),
    category: 'insult',
    decidedBy: 'fast',
    modelVersion: 'test-model-1',
    ...overrides,
  };
}

describe('decision-manager topCategory', () => {
  it.each([
    { scores: {}, want: undefined, why: 'nothing scored' },
    { scores: { insult: 0.19 }, want: undefined, why: 'below the 0.2 floor' },
    { scores: { insult: 0.2 }, want: 'insult', why: 'at the floor' },
    { scores: { insult: 0.5, threat: 0.6 }, want: 'threat', why: 'the strongest wins' },
    { scores: { insult: 0.5, profanity: 0.5 }, want: 'insult', why: 'a tie keeps the earlier category in CATEGORIES order' },
  ])('$why -> $want', ({ scores, want }) => {
    expect(topCategory(categories(scores))).toBe(want);
  });
});

describe('decision-manager onClassified', () => {
  it('decides an ok message as allow by the fast model, naming no category', () => {
    const e = classifiedMessage({ route: 'ok', fast: modelScore({ toxicity: 0.1, categories: categories({ insult: 0.25 }) }) });
    const step = onClassified(e, DEFAULT_POLICY, T0);
    expect(step).toEqual({
      kind: 'decide',
      draft: { message: e.message, verdict: 'allow', toxicity: 0.1, categories: e.fast.categories, category: undefined, decidedBy: 'fast', modelVersion: 'test-model-1' },
    });
  });

  it('decides a toxic message as block by the fast model, naming the top category', () => {
    const e = classifiedMessage({ route: 'toxic', fast: modelScore({ toxicity: 0.9, categories: categories({ insult: 0.4, threat: 0.9 }) }) });
    const step = onClassified(e, DEFAULT_POLICY, T0);
    expect(step.kind).toBe('decide');
    if (step.kind !== 'decide') return;
    expect(step.draft).toMatchObject({ verdict: 'block', decidedBy: 'fast', category: 'threat', toxicity: 0.9 });
  });

  it('asks for deep analysis of a needs-analysis message, with its context', () => {
    const context = [{ messageId: 'c1', playerId: 'p2', text: 'you missed' }];
    const e = classifiedMessage({ route: 'needs-analysis', context, fast: modelScore({ toxicity: 0.5 }) });
    expect(onClassified(e, DEFAULT_POLICY, at(7))).toEqual({ kind: 'analyse', request: { message: e.message, fast: e.fast, context, requestedAt: iso(7) } });
  });
});

describe('decision-manager onAnalysis', () => {
  const policy = DEFAULT_POLICY; // deepMinConfidence 0.6, deepToxicFrom 0.5, deadline 300 s, lapse: the model's reading

  it.each([
    { toxicity: 0.8, confidence: 0.9, want: { kind: 'decide', verdict: 'block' } },
    { toxicity: 0.5, confidence: 0.9, want: { kind: 'decide', verdict: 'block' }, note: 'deepToxicFrom is inclusive' },
    { toxicity: 0.4999, confidence: 0.9, want: { kind: 'decide', verdict: 'allow' } },
    { toxicity: 0.2, confidence: 0.6, want: { kind: 'decide', verdict: 'allow' }, note: 'deepMinConfidence is inclusive' },
    { toxicity: 0.8, confidence: 0.5999, want: { kind: 'moderate', verdict: 'block' } },
    { toxicity: 0.3, confidence: 0.1, want: { kind: 'moderate', verdict: 'allow' } },
  ])('deep toxicity $toxicity at confidence $confidence -> $want.kind ($want.verdict)', ({ toxicity, confidence, want }) => {
    const e = analysisResult({ deep: { toxicity, confidence, categories: categories({ insult: toxicity }), modelVersion: 'deep-1' } });
    const step = onAnalysis(e, policy, 'case-1', T0);
    expect(step.kind).toBe(want.kind);
    if (step.kind === 'decide') {
      expect(step.draft).toMatchObject({ verdict: want.verdict, decidedBy: 'deep', modelVersion: 'deep-1', toxicity });
      expect(step.draft.category).toBe(want.verdict === 'block' ? 'insult' : undefined);
    } else if (step.kind === 'moderate') {
      expect(step.case.provisionalVerdict).toBe(want.verdict);
    }
  });

  it('opens a low-confidence case with the deadline of the game policy', () => {
    const e = analysisResult({ deep: { toxicity: 0.55, confidence: 0.1, categories: categories({ insult: 0.55 }), modelVersion: 'deep-1' } });
    const step = onAnalysis(e, { ...policy, moderationDeadlineSeconds: 90 }, 'case-42', T0);
    expect(step).toEqual({
      kind: 'moderate',
      case: {
        caseId: 'case-42',
        message: e.message,
        context: e.context,
        fast: e.fast,
        deep: e.deep,
        reason: 'low-confidence',
        provisionalVerdict: 'block',
        dueAt: iso(90_000),
        openedAt: iso(0),
        onDeadline: { lapse: 'model' },
      },
    });
  });

  it.each([
    { onDeadline: 'allow' as const, want: { lapse: 'allow' } },
    { onDeadline: 'model' as const, want: { lapse: 'model' } },
    { onDeadline: 'hold' as const, want: { lapse: 'hold', holdSeconds: 7200 } },
  ])("a case carries the game's onDeadline rule ($onDeadline)", ({ onDeadline, want }) => {
    const e = analysisResult({ deep: { toxicity: 0.55, confidence: 0.1, categories: categories({ insult: 0.55 }), modelVersion: 'deep-1' } });
    const step = onAnalysis(e, { ...policy, onDeadline, holdSeconds: 7200 }, 'c', T0);
    expect(step.kind === 'moderate' && step.case.onDeadline).toEqual(want);
  });

  it('follows a per-game policy: a lower confidence bar lets the deep model decide', () => {
    const e = analysisResult({ deep: { toxicity: 0.64, confidence: 0.28, categories: categories({ insult: 0.64 }), modelVersion: 'deep-1' } });
    expect(onAnalysis(e, policy, 'c', T0).kind).toBe('moderate');
    expect(onAnalysis(e, { ...policy, deepMinConfidence: 0.2 }, 'c', T0).kind).toBe('decide');
    const strict = onAnalysis(e, { ...policy, deepMinConfidence: 0.2, deepToxicFrom: 0.7 }, 'c', T0);
    expect(strict.kind === 'decide' && strict.draft.verdict).toBe('allow');
  });
});

describe('decision-manager onAnalysis: whose cut-offs apply', () => {
  const policy: GamePolicy = GamePolicySchema.parse({ rules: DEFAULT_POLICY.rules });
  const result = (deep: { toxicity: number; confidence: number; toxicFrom?: number; minConfidence?: number }) =>
    analysisResult({ deep: { categories: categories({ insult: deep.toxicity }), modelVersion: 'deep-1', ...deep } });
  const outcome = (step: ReturnType<typeof onAnalysis>) => (step.kind === 'decide' ? step.draft.verdict : step.kind === 'moderate' ? `moderate:${step.case.provisionalVerdict}` : step.kind);

  it('without policy or model values, the fallbacks 0.5 / 0.6 apply', () => {
    expect([FALLBACK_DEEP_TOXIC_FROM, FALLBACK_DEEP_MIN_CONFIDENCE]).toEqual([0.5, 0.6]);
    expect(outcome(onAnalysis(result({ toxicity: 0.5, confidence: 0.6 }), policy, 'c', T0))).toBe('block');
    expect(outcome(onAnalysis(result({ toxicity: 0.49, confidence: 0.6 }), policy, 'c', T0))).toBe('allow');
    expect(outcome(onAnalysis(result({ toxicity: 0.9, confidence: 0.59 }), policy, 'c', T0))).toBe('moderate:block');
  });

  it("the model's own validated cut-offs apply when the policy names none", () => {
    expect(outcome(onAnalysis(result({ toxicity: 0.6, confidence: 0.9, toxicFrom: 0.7 }), policy, 'c', T0))).toBe('allow');
    expect(outcome(onAnalysis(result({ toxicity: 0.6, confidence: 0.3, minConfidence: 0.25 }), policy, 'c', T0))).toBe('block');
  });

  it("a game's policy overrides the model's cut-offs", () => {
    const strict = { ...policy, deepToxicFrom: 0.4, deepMinConfidence: 0.95 };
    expect(outcome(onAnalysis(result({ toxicity: 0.45, confidence: 0.9, toxicFrom: 0.7, minConfidence: 0.2 }), strict, 'c', T0))).toBe('moderate:block');
  });
});

describe('decision-manager onModeration', () => {
  const fast = modelScore({ toxicity: 0.45, categories: categories({ insult: 0.45 }), modelVersion: 'fast-1' });
  const deep = { toxicity: 0.55, categories: categories({ insult: 0.3, threat: 0.25 }), confidence: 0.2, modelVersion: 'deep-1' };

  it('a moderator block raises toxicity to at least 0.9 and the named category to 0.9', () => {
    const e = moderationResult({ verdict: 'block', category: 'threat', fast, deep });
    const d = onModeration(e);
    expect(d).toMatchObject({ verdict: 'block', toxicity: 0.9, category: 'threat', decidedBy: 'moderator', modelVersion: 'deep-1' });
    expect(d.categories).toEqual({ ...deep.categories, threat: 0.9 });
    expect(e.deep!.categories.threat).toBe(0.25); // the event itself is not changed
  });

  it('a moderator block keeps a model toxicity above 0.9', () => {
    const d = onModeration(moderationResult({ verdict: 'block', fast, deep: { ...deep, toxicity: 0.97 } }));
    expect(d.toxicity).toBe(0.97);
  });

  it('a moderator block without a category names the model top category', () => {
    expect(onModeration(moderationResult({ verdict: 'block', fast, deep })).category).toBe('insult');
  });

  it('a moderator allow lowers toxicity to at most 0.1 and names no category', () => {
    const d = onModeration(moderationResult({ verdict: 'allow', fast, deep }));
    expect(d).toMatchObject({ verdict: 'allow', toxicity: 0.1, category: undefined, decidedBy: 'moderator' });
    expect(d.categories).toEqual(deep.categories);
  });

  it.each([
    { hasDeep: true, toxicity: 0.55, modelVersion: 'deep-1' },
    { hasDeep: false, toxicity: 0.45, modelVersion: 'fast-1' },
  ])('an expired case is decided by the deadline, never passed off as a model decision (deep: $hasDeep)', ({ hasDeep, toxicity, modelVersion }) => {
    const e = moderationResult({ verdict: 'block', resolution: 'expired', lapse: 'model', moderatorId: undefined, fast, deep: hasDeep ? deep : undefined });
    expect(onModeration(e)).toMatchObject({ verdict: 'block', decidedBy: 'deadline', lapse: 'model', toxicity, modelVersion, category: 'insult' });
  });

  it.each([
    { lapse: 'allow' as const, verdict: 'allow' as const },
    { lapse: 'hold' as const, verdict: 'block' as const },
    { lapse: undefined, verdict: 'block' as const },
  ])("names the game's rule for a lapsed case ($lapse; absent from an older producer: model)", ({ lapse, verdict }) => {
    const e = moderationResult({ verdict, resolution: 'expired', moderatorId: undefined, fast, deep, ...(lapse ? { lapse } : {}) });
    const d = onModeration(e);
    expect(d).toMatchObject({ decidedBy: 'deadline', lapse: lapse ?? 'model', verdict });
    const decision = finalDecision(d, { type: 'none' }, at(1000), { policyVersion: 3, rule: 'allowed' });
    expect(FinalDecisionSchema.parse(decision)).toMatchObject({ decidedBy: 'deadline', lapse: lapse ?? 'model', policyVersion: 3, rule: 'allowed' });
    expect(trainingExample(d, [], 'x', at(0))).toBeUndefined();
  });

  it("carries the moderator's action, which overrides the rules", () => {
    const action: Action = { type: 'mute', durationSeconds: 60 };
    const d = onModeration(moderationResult({ verdict: 'block', category: 'insult', action, fast, deep }));
    expect(d.action).toEqual(action);
    expect(chooseAction(d, 1, DEFAULT_POLICY)).toEqual({ action, rule: 'moderator' });
    expect(onModeration(moderationResult({ fast, deep }))).not.toHaveProperty('action');
  });
});

describe('decision-manager ruleMatches', () => {
  const rule = (when: Rule['when']): Rule => ({ name: 'r', when, action: { type: 'warn' } });
  it.each([
    { when: {}, d: {}, offences: 0, want: true, why: 'an empty condition matches everything' },
    { when: { category: 'threat' as OffenceCategory }, d: { category: 'threat' as OffenceCategory }, offences: 1, want: true, why: 'same category' },
    { when: { category: 'threat' as OffenceCategory }, d: { category: 'insult' as OffenceCategory }, offences: 1, want: false, why: 'other category' },
    { when: { category: 'threat' as OffenceCategory }, d: { category: undefined }, offences: 1, want: false, why: 'no category named' },
    { when: { minToxicity: 0.95 }, d: { toxicity: 0.95 }, offences: 1, want: true, why: 'minToxicity is inclusive' },
    { when: { minToxicity: 0.95 }, d: { toxicity: 0.9499 }, offences: 1, want: false, why: 'below minToxicity' },
    { when: { minOffences: 3 }, d: {}, offences: 3, want: true, why: 'minOffences is inclusive' },
    { when: { minOffences: 3 }, d: {}, offences: 2, want: false, why: 'too few offences' },
    { when: { category: 'threat' as OffenceCategory, minOffences: 2 }, d: { category: 'threat' as OffenceCategory }, offences: 1, want: false, why: 'every condition must hold' },
    { when: { scores: { threat: 0.7 } }, d: { categories: categories({ threat: 0.7 }) }, offences: 1, want: true, why: 'a category score at its minimum' },
    { when: { scores: { threat: 0.7 } }, d: { categories: categories({ threat: 0.69 }) }, offences: 1, want: false, why: 'a category score below its minimum' },
    { when: { scores: { threat: 0.5, insult: 0.5 } }, d: { categories: categories({ threat: 0.9, insult: 0.4 }) }, offences: 1, want: false, why: 'every score must reach its minimum' },
    { when: { scores: { self_harm: 0.5 } }, d: { categories: { ...categories(), self_harm: 0.8 } as never }, offences: 1, want: true, why: 'a head a later model adds (self_harm) is read when it reports one' },
    { when: { scores: { self_harm: 0.5 } }, d: {}, offences: 1, want: false, why: 'a category no model reports never matches' },
  ])('$why', ({ when, d, offences, want }) => {
    expect(ruleMatches(rule(when as Rule['when']), draft(d), offences)).toBe(want);
  });
});

describe('decision-manager chooseAction with DEFAULT_POLICY', () => {
  it.each([
    { category: 'threat', toxicity: 0.8, offences: 2, rule: 'repeat threats', action: { type: 'ban', durationSeconds: 7 * 24 * HOUR } },
    { category: 'threat', toxicity: 0.8, offences: 9, rule: 'repeat threats', action: { type: 'ban', durationSeconds: 7 * 24 * HOUR } },
    { category: 'threat', toxicity: 0.8, offences: 1, rule: 'threat', action: { type: 'kick' } },
    { category: 'identity_hate', toxicity: 0.8, offences: 2, rule: 'repeat identity hate', action: { type: 'ban', durationSeconds: 24 * HOUR } },
    { category: 'identity_hate', toxicity: 0.99, offences: 1, rule: 'identity hate', action: { type: 'mute', durationSeconds: HOUR } },
    { category: 'insult', toxicity: 0.8, offences: 5, rule: 'persistent offender', action: { type: 'kick' } },
    { category: 'insult', toxicity: 0.8, offences: 3, rule: 'repeat offender', action: { type: 'mute', durationSeconds: 600 } },
    { category: 'profanity', toxicity: 0.8, offences: 4, rule: 'repeat offender', action: { type: 'mute', durationSeconds: 600 } },
    { category: 'insult', toxicity: 0.95, offences: 1, rule: 'severe', action: { type: 'mute', durationSeconds: 300 } },
    { category: 'sexual', toxicity: 0.94, offences: 2, rule: 'first offence', action: { type: 'warn' } },
    { category: undefined, toxicity: 0.8, offences: 1, rule: 'first offence', action: { type: 'warn' } },
  ] as { category: OffenceCategory | undefined; toxicity: number; offences: number; rule: string; action: Action }[])(
    '$category at $toxicity with $offences offence(s) -> rule "$rule"',
    ({ category, toxicity, offences, rule, action }) => {
      expect(chooseAction(draft({ category, toxicity }), offences, DEFAULT_POLICY)).toEqual({ action, rule });
    },
  );

  // The repeat rules count repeats of their own category: an insult and then one attack on a group is
  // one identity offence (a mute), not a repeat (a ban).
  it.each([
    { category: 'identity_hate', counts: { all: 2, ofCategory: 1 }, rule: 'identity hate', action: { type: 'mute', durationSeconds: HOUR } },
    { category: 'identity_hate', counts: { all: 2, ofCategory: 2 }, rule: 'repeat identity hate', action: { type: 'ban', durationSeconds: 24 * HOUR } },
    { category: 'threat', counts: { all: 4, ofCategory: 1 }, rule: 'threat', action: { type: 'kick' } },
    { category: 'threat', counts: { all: 2, ofCategory: 2 }, rule: 'repeat threats', action: { type: 'ban', durationSeconds: 7 * 24 * HOUR } },
    // Any offence still escalates the general rules.
    { category: 'insult', counts: { all: 3, ofCategory: 1 }, rule: 'repeat offender', action: { type: 'mute', durationSeconds: 600 } },
  ] as { category: OffenceCategory; counts: { all: number; ofCategory: number }; rule: string; action: Action }[])(
    '$category with offences $counts.all, of its category $counts.ofCategory -> rule "$rule"',
    ({ category, counts, rule, action }) => {
      expect(chooseAction(draft({ category, toxicity: 0.8 }), counts, DEFAULT_POLICY)).toEqual({ action, rule });
    },
  );

  it('escalates a repeat insulter warn -> warn -> mute -> mute -> kick as offences add up', () => {
    const actions = [1, 2, 3, 4, 5, 6].map((n) => chooseAction(draft({ category: 'insult', toxicity: 0.8 }), n, DEFAULT_POLICY).action.type);
    expect(actions).toEqual(['warn', 'warn', 'mute', 'mute', 'kick', 'kick']);
  });

  it('an allowed message gets no action, whatever the draft carries', () => {
    expect(chooseAction(draft({ verdict: 'allow', category: undefined }), 9, DEFAULT_POLICY)).toEqual({ action: { type: 'none' }, rule: 'allowed' });
    expect(chooseAction(draft({ verdict: 'allow', action: { type: 'ban' } }), 9, DEFAULT_POLICY)).toEqual({ action: { type: 'none' }, rule: 'allowed' });
  });

  it('a moderator action overrides the matching rule', () => {
    const action: Action = { type: 'ban', durationSeconds: 60 };
    expect(chooseAction(draft({ category: 'insult', action }), 1, DEFAULT_POLICY)).toEqual({ action, rule: 'moderator' });
  });

  it('a policy without a catch-all rule leaves an unmatched block without action', () => {
    const policy: GamePolicy = GamePolicySchema.parse({ rules: [{ name: 'threats only', when: { category: 'threat' }, action: { type: 'kick' } }] });
    expect(chooseAction(draft({ category: 'insult' }), 1, policy)).toEqual({ action: { type: 'none' }, rule: 'no rule matched' });
  });
});

describe('decision-manager finalDecision', () => {
  it('copies the message identity and the verdict, and measures latency from receipt', () => {
    const message = chatMessage({ receivedAt: iso(0) });
    const d = finalDecision(draft({ message, decidedBy: 'deep' }), { type: 'warn' }, at(1234));
    expect(d).toEqual({
      messageId: message.messageId,
      gameId: message.gameId,
      channelId: message.channelId,
      playerId: message.playerId,
      verdict: 'block',
      toxicity: 0.8,
      categories: categories({ insult: 0.8 }),
      decidedBy: 'deep',
      action: { type: 'warn' },
      modelVersion: 'test-model-1',
      decidedAt: iso(1234),
      latencyMs: 1234,
    });
    expect(FinalDecisionSchema.parse(d)).toEqual(d);
  });

  it('never reports a negative latency when the clocks disagree', () => {
    const d = finalDecision(draft({ message: chatMessage({ receivedAt: iso(5000) }) }), { type: 'none' }, at(0));
    expect(d.latencyMs).toBe(0);
    expect(FinalDecisionSchema.safeParse(d).success).toBe(true);
  });

  it('keeps receivedAt offsets: a +02:00 timestamp is the same instant', () => {
    const d = finalDecision(draft({ message: chatMessage({ receivedAt: '2026-03-01T14:00:00.000+02:00' }) }), { type: 'none' }, at(250));
    expect(d.latencyMs).toBe(250);
  });
});

describe('decision-manager trainingExample', () => {
  const context = [{ playerId: 'p2', text: 'you missed' }];

  it('keeps no example of a fast decision', () => {
    expect(trainingExample(draft({ decidedBy: 'fast' }), context, 'ex-1', T0)).toBeUndefined();
  });

  it.each([
    { decidedBy: 'moderator' as const, verdict: 'block' as const, category: 'insult' as const, label: 'toxic' },
    { decidedBy: 'moderator' as const, verdict: 'allow' as const, category: undefined, label: 'ok' },
    { decidedBy: 'deep' as const, verdict: 'block' as const, category: 'threat' as const, label: 'toxic' },
    { decidedBy: 'deep' as const, verdict: 'allow' as const, category: undefined, label: 'ok' },
  ])('labels a $decidedBy $verdict as $label', ({ decidedBy, verdict, category, label }) => {
    const message = chatMessage({ text: 'ur trash noob' });
    const ex = trainingExample(draft({ message, decidedBy, verdict, category }), context, 'ex-1', T0)!;
    expect(ex).toEqual({
      exampleId: 'ex-1',
      messageId: message.messageId,
      gameId: message.gameId,
      playerId: message.playerId,
      text: 'ur trash noob',
      context,
      label,
      ...(category ? { category } : {}),
      source: decidedBy,
      createdAt: T0.toISOString(),
    });
    expect(TrainingExampleSchema.parse(ex)).toEqual(ex);
  });

  it('keeps the message language for per-language models', () => {
    const message = chatMessage({ text: 'ta gueule', locale: 'fr' });
    expect(trainingExample(draft({ message, decidedBy: 'moderator', verdict: 'block' }), context, 'ex-1', T0)!.language).toBe('fr');
  });
});

describe('onLimited: a message the flood and spam limits stopped', () => {
  it.each([
    ['drop', undefined, { type: 'none' }],
    ['block', undefined, { type: 'warn' }],
    ['mute', 300, { type: 'mute', durationSeconds: 300 }],
    ['mute', undefined, { type: 'mute', durationSeconds: 60 }],
  ] as const)('%s (mute %s s) gives %j, whatever the rules and offences say', (outcome, muteSeconds, action) => {
    const limit = { rule: 'repeat' as const, reason: 'the same line 4 times in 30 s (at most 3)', outcome, ...(muteSeconds ? { muteSeconds } : {}) };
    const d = onLimited(limitedMessage({ limit }));
    expect(d).toMatchObject({ verdict: 'block', decidedBy: 'limits', modelVersion: 'limits', toxicity: 0, action });
    const chosen = chooseAction(d, 5, DEFAULT_POLICY);
    expect(chosen).toEqual({ action, rule: 'limits' });
    const decision = FinalDecisionSchema.parse(finalDecision(d, chosen.action, at(1000), { policyVersion: 1, rule: chosen.rule }));
    expect(decision).toMatchObject({ decidedBy: 'limits', rule: 'limits', limit, action });
    expect(trainingExample(d, [], 'x', at(1000))).toBeUndefined();
  });
});

describe("onClassified with the game's term lists", () => {
  const terms = (blocked: { term: string; category?: 'threat' }[], allowed: string[] = []) => ({ version: 3, blocked, allowed });
  it.each([
    ['a block-list term decides, as its category', classifiedMessage({ route: 'ok', terms: terms([{ term: 'i will find you', category: 'threat' }]) }), { verdict: 'block', decidedBy: 'terms', category: 'threat' }],
    ['a term without category blocks as profanity', classifiedMessage({ route: 'needs-analysis', terms: terms([{ term: 'scrub' }]) }), { verdict: 'block', decidedBy: 'terms', category: 'profanity' }],
    ['allowed terms only: the model decides, the decision records them', classifiedMessage({ route: 'ok', terms: terms([], ['kill']) }), { verdict: 'allow', decidedBy: 'fast' }],
  ] as const)('%s', (_name, e, expected) => {
    const step = onClassified(e, DEFAULT_POLICY, T0);
    expect(step.kind).toBe('decide');
    if (step.kind !== 'decide') return;
    expect(step.draft).toMatchObject({ ...expected, terms: e.terms });
    const d = FinalDecisionSchema.parse(finalDecision(step.draft, { type: 'none' }, at(10)));
    expect(d.terms).toEqual(e.terms);
    if (expected.decidedBy === 'terms') expect(d.toxicity).toBeGreaterThanOrEqual(0.9);
  });

  it('passes allowed terms to the deep analysis, so it reads around them too', () => {
    const step = onClassified(classifiedMessage({ route: 'needs-analysis', terms: terms([], ['kill']) }), DEFAULT_POLICY, T0);
    expect(step).toMatchObject({ kind: 'analyse', request: { allowedTerms: ['kill'] } });
  });
});

describe('rules that read the standing', () => {
  const policy = GamePolicySchema.parse({
    rules: [
      { name: 'clean', when: { minStanding: 0.8 }, action: { type: 'warn' } },
      { name: 'repeat', when: { maxStanding: 0.3 }, action: { type: 'ban' } },
      { name: 'middle', when: {}, action: { type: 'mute', durationSeconds: 600 } },
    ],
  });
  it.each([
    [undefined, 'clean'],
    [1, 'clean'],
    [0.8, 'clean'],
    [0.5, 'middle'],
    [0.3, 'repeat'],
    [0.1, 'repeat'],
  ])('standing %s: %s', (standing, rule) => {
    expect(chooseAction(draft({ verdict: 'block' }), 1, policy, standing).rule).toBe(rule);
  });

  it('an offence keeps what it cost: severity, sanction end, whether it counts', () => {
    const d = draft({ verdict: 'block', toxicity: 0.96, category: 'threat' });
    const decision = finalDecision(d, { type: 'mute', durationSeconds: 60 }, at(0), { rule: 'r', reputation: { standing: 0.5, offences: 2 } });
    expect(decision.reputation).toEqual({ standing: 0.5, offences: 2 });
    expect(offenceOf(decision, d)).toMatchObject({ category: 'threat', severity: 'severe', sanctionUntil: new Date(at(0).getTime() + 60_000).toISOString(), counts: true, rule: 'r' });
    const dropped = onLimited(limitedMessage({ limit: { rule: 'channel-burst', reason: 'x', outcome: 'drop' } }));
    expect(offenceOf(finalDecision(dropped, { type: 'none' }, at(0)), dropped)).toMatchObject({ category: 'spam', severity: 'low', counts: false });
  });
});

describe('decision-manager categoryOffences', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const DAY = 24 * 3600 * 1000;
  const offence = (over: Partial<PlayerOffence>): PlayerOffence => ({
    gameId: 'g', playerId: 'p', messageId: `m-${Math.random()}`, channelId: 'c', at: new Date(now.getTime() - 3600_000).toISOString(),
    decidedBy: 'fast', category: 'identity_hate', severity: 'high', toxicity: 0.9, action: { type: 'mute', durationSeconds: 3600 }, counts: true, ...over,
  });
  it.each([
    { why: 'a clean record: this one only', record: [], want: 1 },
    { why: 'an earlier one of the category', record: [offence({})], want: 2 },
    { why: 'another category does not count', record: [offence({ category: 'insult' })], want: 1 },
    { why: 'outside the window', record: [offence({ at: new Date(now.getTime() - 2 * DAY).toISOString() })], want: 1 },
    { why: 'overturned on appeal', record: [offence({ overturnedAt: now.toISOString() })], want: 1 },
    { why: 'a dropped line never counts', record: [offence({ counts: false })], want: 1 },
    { why: 'a warned taunt', record: [offence({ rule: MILD_TAUNT_RULE })], want: 1 },
    { why: 'a limit hit', record: [offence({ decidedBy: 'limits' })], want: 1 },
    { why: 'this message, already recorded (a redelivery)', record: [offence({ messageId: 'this' })], want: 1 },
    { why: 'two earlier, one of them another category', record: [offence({}), offence({}), offence({ category: 'threat' })], want: 3 },
  ] as { why: string; record: PlayerOffence[]; want: number }[])('$why -> $want', ({ record, want }) => {
    expect(categoryOffences(record, 'identity_hate', 'this', now, DAY)).toBe(want);
  });

  it('a message without a category counts itself only', () => {
    expect(categoryOffences([offence({})], undefined, 'this', now, DAY)).toBe(1);
  });
});
