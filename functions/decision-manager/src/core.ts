// Pure core of the decision manager: routes each classified or analysed message to its next
// step and turns verdicts into final decisions with the game's rules.
import {
  type Action,
  type Appeal,
  APPEAL_TRAINING_WEIGHT,
  type AnalysisRequest,
  type AnalysisResult,
  CATEGORIES,
  type Category,
  type CategoryScores,
  type ChatMessage,
  type ClassifiedMessage,
  type DeadlineLapse,
  type FinalDecision,
  emptyCategories,
  type GamePolicy,
  type LimitedMessage,
  type LimitHit,
  limitAction,
  type OffenceCategory,
  type PlayerOffence,
  sanctionEnd,
  severityOf,
  type ModelScore,
  type ModerationCase,
  type ModerationResult,
  type Rule,
  type TermMatch,
  type TrainingExample,
  type Verdict,
} from '@sinbin/contract';

/** A verdict waiting for the player's offence count and the rules to become a FinalDecision. */
export interface DecisionDraft {
  message: ChatMessage;
  verdict: Verdict;
  toxicity: number;
  categories: CategoryScores;
  category: Category | undefined;
  decidedBy: FinalDecision['decidedBy'];
  modelVersion: string;
  /** The registered model behind modelVersion, when the scorer came from the registry. */
  model?: string;
  /** A moderator's explicit action overrides the rules. */
  action?: Action;
  /** With `decidedBy: deadline`: the game's rule for a lapsed case. */
  lapse?: DeadlineLapse;
  /** With `decidedBy: limits`: the flood or spam limit the message broke. */
  limit?: LimitHit;
  /** The game's term-list entries the message matched. */
  terms?: TermMatch;
}

export type Step =
  | { kind: 'decide'; draft: DecisionDraft }
  | { kind: 'analyse'; request: AnalysisRequest }
  | { kind: 'moderate'; case: ModerationCase };

/** Categories weaker than this are not named as the reason for a block. */
const CATEGORY_FLOOR = 0.2;

export function topCategory(categories: CategoryScores): Category | undefined {
  let best: Category | undefined;
  for (const c of CATEGORIES) if (categories[c] >= CATEGORY_FLOOR && (!best || categories[c] > categories[best])) best = c;
  return best;
}

function modelDraft(message: ChatMessage, verdict: Verdict, score: ModelScore, decidedBy: 'fast' | 'deep'): DecisionDraft {
  return {
    message,
    verdict,
    toxicity: score.toxicity,
    categories: score.categories,
    category: verdict === 'block' ? topCategory(score.categories) : undefined,
    decidedBy,
    modelVersion: score.modelVersion,
    ...(score.model ? { model: score.model } : {}),
  };
}

/** The strength a studio's block-list term gives its category and the toxicity (as a moderator's block does). */
export const TERM_BLOCK_STRENGTH = 0.9;

/** A message with a term of the game's block list: blocked as the term's category, decided by `terms`. */
function termsDraft(e: ClassifiedMessage, terms: TermMatch): DecisionDraft {
  const category: Category = terms.blocked[0]?.category ?? 'profanity';
  const categories = { ...e.fast.categories, [category]: Math.max(e.fast.categories[category], TERM_BLOCK_STRENGTH) };
  return { ...modelDraft(e.message, 'block', e.fast, 'fast'), decidedBy: 'terms', toxicity: Math.max(e.fast.toxicity, TERM_BLOCK_STRENGTH), categories, category, terms };
}

export function onClassified(e: ClassifiedMessage, now: Date): Step {
  if (e.terms?.blocked.length) return { kind: 'decide', draft: termsDraft(e, e.terms) };
  if (e.route === 'needs-analysis') {
    const allowedTerms = e.terms?.allowed.length ? { allowedTerms: e.terms.allowed } : {};
    return { kind: 'analyse', request: { message: e.message, fast: e.fast, context: e.context, requestedAt: now.toISOString(), ...allowedTerms } };
  }
  const draft = modelDraft(e.message, e.route === 'toxic' ? 'block' : 'allow', e.fast, 'fast');
  return { kind: 'decide', draft: e.terms ? { ...draft, terms: e.terms } : draft };
}

/** Used only when neither the game's policy nor the deep model states its cut-offs. */
export const FALLBACK_DEEP_TOXIC_FROM = 0.5;
export const FALLBACK_DEEP_MIN_CONFIDENCE = 0.6;

export function onAnalysis(e: AnalysisResult, policy: GamePolicy, caseId: string, now: Date): Step {
  const toxicFrom = policy.deepToxicFrom ?? e.deep.toxicFrom ?? FALLBACK_DEEP_TOXIC_FROM;
  const minConfidence = policy.deepMinConfidence ?? e.deep.minConfidence ?? FALLBACK_DEEP_MIN_CONFIDENCE;
  const verdict: Verdict = e.deep.toxicity >= toxicFrom ? 'block' : 'allow';
  if (e.deep.confidence >= minConfidence) return { kind: 'decide', draft: modelDraft(e.message, verdict, e.deep, 'deep') };
  return {
    kind: 'moderate',
    case: {
      caseId,
      message: e.message,
      context: e.context,
      fast: e.fast,
      deep: e.deep,
      reason: 'low-confidence',
      provisionalVerdict: verdict,
      dueAt: new Date(now.getTime() + policy.moderationDeadlineSeconds * 1000).toISOString(),
      openedAt: now.toISOString(),
      onDeadline: { lapse: policy.onDeadline, ...(policy.onDeadline === 'hold' ? { holdSeconds: policy.holdSeconds } : {}) },
    },
  };
}

export function onModeration(e: ModerationResult): DecisionDraft {
  // A case no moderator decided in time is decided by the deadline, never passed off as the
  // model's confident decision; its verdict is what the game's onDeadline rule gave it.
  const model = e.deep ?? e.fast;
  const byModerator = e.resolution === 'moderator';
  const categories = { ...model.categories };
  if (e.category && e.verdict === 'block') categories[e.category] = Math.max(categories[e.category], 0.9);
  return {
    message: e.message,
    verdict: e.verdict,
    toxicity: byModerator ? (e.verdict === 'block' ? Math.max(model.toxicity, 0.9) : Math.min(model.toxicity, 0.1)) : model.toxicity,
    categories,
    category: e.verdict === 'block' ? (e.category ?? topCategory(model.categories)) : undefined,
    decidedBy: byModerator ? 'moderator' : 'deadline',
    modelVersion: model.modelVersion,
    ...(model.model ? { model: model.model } : {}),
    ...(e.action ? { action: e.action } : {}),
    ...(byModerator ? {} : { lapse: e.lapse ?? 'model' }),
  };
}

/** The model version a limits decision reports: no model read the message. */
export const LIMITS_VERSION = 'limits';

/** A message the flood and spam limits stopped: blocked, with the action the game's limits give. */
export function onLimited(e: LimitedMessage): DecisionDraft {
  return {
    message: e.message,
    verdict: 'block',
    toxicity: 0,
    categories: emptyCategories(),
    category: undefined,
    decidedBy: 'limits',
    modelVersion: LIMITS_VERSION,
    action: limitAction(e.limit.outcome, e.limit.muteSeconds ?? 60),
    limit: e.limit,
  };
}

/**
 * Whether a rule holds. `standing` is the player's standing before this message (1: a clean
 * record, also when it was not read).
 */
export function ruleMatches(rule: Rule, draft: DecisionDraft, offences: number, standing = 1): boolean {
  const w = rule.when;
  if (w.minStanding !== undefined && standing < w.minStanding) return false;
  if (w.maxStanding !== undefined && standing > w.maxStanding) return false;
  if (w.category !== undefined && w.category !== draft.category) return false;
  if (w.minToxicity !== undefined && draft.toxicity < w.minToxicity) return false;
  if (w.minOffences !== undefined && offences < w.minOffences) return false;
  // Any category the deciding model reports, including heads added after this release.
  const scores = draft.categories as Record<string, number | undefined>;
  for (const [name, min] of Object.entries(w.scores ?? {})) if ((scores[name] ?? 0) < min) return false;
  return true;
}

export function chooseAction(draft: DecisionDraft, offences: number, policy: GamePolicy, standing?: number): { action: Action; rule: string } {
  if (draft.verdict === 'allow') return { action: { type: 'none' }, rule: 'allowed' };
  if (draft.limit && draft.action) return { action: draft.action, rule: 'limits' };
  if (draft.action) return { action: draft.action, rule: 'moderator' };
  const rule = policy.rules.find((r) => ruleMatches(r, draft, offences, standing));
  return rule ? { action: rule.action, rule: rule.name } : { action: { type: 'none' }, rule: 'no rule matched' };
}

export function finalDecision(
  draft: DecisionDraft,
  action: Action,
  now: Date,
  applied: { policyVersion?: number; rule?: string; reputation?: { standing: number; offences: number } } = {},
): FinalDecision {
  const m = draft.message;
  return {
    messageId: m.messageId,
    gameId: m.gameId,
    channelId: m.channelId,
    playerId: m.playerId,
    verdict: draft.verdict,
    toxicity: draft.toxicity,
    categories: draft.categories,
    decidedBy: draft.decidedBy,
    action,
    modelVersion: draft.modelVersion,
    ...(draft.model ? { model: draft.model } : {}),
    decidedAt: now.toISOString(),
    latencyMs: Math.max(0, now.getTime() - Date.parse(m.receivedAt)),
    ...(applied.policyVersion !== undefined ? { policyVersion: applied.policyVersion } : {}),
    ...(applied.rule ? { rule: applied.rule } : {}),
    ...(draft.lapse ? { lapse: draft.lapse } : {}),
    ...(draft.limit ? { limit: draft.limit } : {}),
    ...(draft.terms ? { terms: draft.terms } : {}),
    ...(applied.reputation ? { reputation: applied.reputation } : {}),
  };
}

/** The decision an overturned appeal publishes: the message allowed, the sanction lifted, what it was before. */
export function revisedDecision(original: FinalDecision, appeal: Appeal, moderatorId: string, now: Date): FinalDecision {
  const { revision: _earlier, limit: _limit, reputation: _reputation, ...rest } = original;
  return {
    ...rest,
    verdict: 'allow',
    action: { type: 'none' },
    decidedBy: 'moderator',
    rule: 'appeal overturned',
    decidedAt: now.toISOString(),
    revision: {
      number: (original.revision?.number ?? 0) + 1,
      reason: 'appeal-overturned',
      appealId: appeal.appealId,
      previous: { verdict: original.verdict, action: original.action, decidedBy: original.decidedBy },
      revisedBy: moderatorId,
      revisedAt: now.toISOString(),
    },
  };
}

/** An appeal's outcome as a label for the next model, counting APPEAL_TRAINING_WEIGHT times a moderator verdict. */
export function appealExample(e: ModerationResult, exampleId: string, now: Date): TrainingExample | undefined {
  if (!e.appeal || (e.appealOutcome !== 'upheld' && e.appealOutcome !== 'overturned')) return undefined;
  const m = e.message;
  const category = e.appealOutcome === 'upheld' ? (e.category ?? e.appeal.original.category) : undefined;
  return {
    exampleId,
    messageId: m.messageId,
    gameId: m.gameId,
    playerId: m.playerId,
    ...(m.locale ? { language: m.locale } : {}),
    text: m.text,
    context: e.context,
    label: e.appealOutcome === 'overturned' ? 'ok' : 'toxic',
    ...(category ? { category } : {}),
    source: 'appeal',
    weight: APPEAL_TRAINING_WEIGHT,
    createdAt: now.toISOString(),
  };
}

/** What a blocked message costs the player: the offence reputation keeps (docs/reputation.md). */
export function offenceOf(decision: FinalDecision, draft: DecisionDraft): PlayerOffence {
  const category: OffenceCategory | undefined = draft.decidedBy === 'limits' ? 'spam' : draft.category;
  const sanctionUntil = sanctionEnd(decision.action, decision.decidedAt);
  return {
    gameId: decision.gameId,
    playerId: decision.playerId,
    messageId: decision.messageId,
    channelId: decision.channelId,
    at: decision.decidedAt,
    decidedBy: decision.decidedBy,
    ...(category ? { category } : {}),
    severity: severityOf(decision.toxicity, category),
    toxicity: decision.toxicity,
    action: decision.action,
    ...(sanctionUntil !== undefined ? { sanctionUntil } : {}),
    ...(decision.rule ? { rule: decision.rule } : {}),
    // A line the limits dropped unseen is noise, not conduct.
    counts: !(draft.limit && draft.limit.outcome === 'drop'),
  };
}

/** Moderator verdicts are ground truth; confident deep verdicts are kept as weaker labels. */
export function trainingExample(draft: DecisionDraft, context: TrainingExample['context'], exampleId: string, now: Date): TrainingExample | undefined {
  if (draft.decidedBy !== 'moderator' && draft.decidedBy !== 'deep') return undefined;
  return {
    exampleId,
    messageId: draft.message.messageId,
    gameId: draft.message.gameId,
    playerId: draft.message.playerId,
    ...(draft.message.locale ? { language: draft.message.locale } : {}),
    text: draft.message.text,
    context,
    label: draft.verdict === 'block' ? 'toxic' : 'ok',
    ...(draft.category ? { category: draft.category } : {}),
    source: draft.decidedBy,
    createdAt: now.toISOString(),
  };
}
