// Pure core of the decision manager: routes each classified or analysed message to its next
// step and turns verdicts into final decisions with the game's rules.
import {
  type Action,
  type Appeal,
  APPEAL_TRAINING_WEIGHT,
  type AnalysisRequest,
  type Alarm,
  alarmNeedsModerator,
  type AnalysisResult,
  categoryScore,
  type ChatMessage,
  type DetectedLanguage,
  type ClassifiedMessage,
  type DeadlineLapse,
  type FinalDecision,
  emptyCategories,
  type GamePolicy,
  type LimitedMessage,
  type LimitHit,
  limitAction,
  type PlayerOffence,
  type ReputationCategory,
  sanctionEnd,
  severityOf,
  type ModelScore,
  type RuleFlags,
  type ModerationCase,
  type ModerationResult,
  OFFENCE_CATEGORIES,
  type OffenceCategory,
  type ReportedCategoryScores,
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
  categories: ReportedCategoryScores;
  category: OffenceCategory | undefined;
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
  /** From the fast path: the language the message was read as, its alarm, whether it is a mild taunt. */
  language?: DetectedLanguage;
  alarm?: Alarm;
  mildTaunt?: boolean;
  /** Why a model's block became an allow (the game's `mildTaunts: allow`). */
  allowedAs?: string;
}

export type Step =
  | { kind: 'decide'; draft: DecisionDraft }
  | { kind: 'analyse'; request: AnalysisRequest }
  | { kind: 'moderate'; case: ModerationCase };

/** Categories weaker than this are not named as the reason for a block. */
const CATEGORY_FLOOR = 0.2;

export function topCategory(categories: ReportedCategoryScores): OffenceCategory | undefined {
  let best: OffenceCategory | undefined;
  for (const c of OFFENCE_CATEGORIES) {
    const score = categoryScore(categories, c);
    if (score >= CATEGORY_FLOOR && (!best || score > categoryScore(categories, best))) best = c;
  }
  return best;
}

/**
 * What a blocked message is named for: its alarm's kind, an identity attack or sexual harassment
 * the rule layer found (whichever model decided, and even where insult scores higher), else the
 * strongest category.
 */
export function blockedAs(alarm: Alarm | undefined, rules: RuleFlags, categories: ReportedCategoryScores): OffenceCategory | undefined {
  if (alarm) return alarmCategory(alarm);
  if (rules.identityAttack) return 'identity_hate';
  if (rules.sexualHarassment) return 'sexual';
  return topCategory(categories);
}

/** What an alarm is blocked as: self-harm encouragement, else a threat (doxxing counts as one). */
export function alarmCategory(alarm: Alarm): OffenceCategory {
  return alarm.kinds.includes('self_harm') && !alarm.kinds.includes('threat') && !alarm.kinds.includes('doxxing') ? 'self_harm' : 'threat';
}

/** The fast path's reading that travels with every draft, whichever stage decided. */
function fastReading(fast: ModelScore): Pick<DecisionDraft, 'language' | 'alarm' | 'mildTaunt'> {
  return { ...(fast.language ? { language: fast.language } : {}), ...(fast.alarm ? { alarm: fast.alarm } : {}), ...(fast.mildTaunt ? { mildTaunt: true } : {}) };
}

function modelDraft(message: ChatMessage, verdict: Verdict, score: ModelScore, decidedBy: 'fast' | 'deep', fast: ModelScore): DecisionDraft {
  const reading = fastReading(fast);
  return {
    message,
    verdict,
    toxicity: score.toxicity,
    categories: score.categories,
    category: verdict === 'block' ? blockedAs(reading.alarm, fast, score.categories) : undefined,
    decidedBy,
    modelVersion: score.modelVersion,
    ...(score.model ? { model: score.model } : {}),
    ...reading,
  };
}

/** The strength a studio's block-list term gives its category and the toxicity (as a moderator's block does). */
export const TERM_BLOCK_STRENGTH = 0.9;

/** A message with a term of the game's block list: blocked as the term's category, decided by `terms`. */
function termsDraft(e: ClassifiedMessage, terms: TermMatch): DecisionDraft {
  const category: OffenceCategory = terms.blocked[0]?.category ?? 'profanity';
  const categories = { ...e.fast.categories, [category]: Math.max(e.fast.categories[category] ?? 0, TERM_BLOCK_STRENGTH) };
  return { ...modelDraft(e.message, 'block', e.fast, 'fast', e.fast), decidedBy: 'terms', toxicity: Math.max(e.fast.toxicity, TERM_BLOCK_STRENGTH), categories, category, terms };
}

export function onClassified(e: ClassifiedMessage, policy: GamePolicy, now: Date): Step {
  // A studio's block-list term decides first; its allow-list terms travel with the message.
  if (e.terms?.blocked.length) return { kind: 'decide', draft: termsDraft(e, e.terms) };
  const withTerms = (draft: DecisionDraft): DecisionDraft => (e.terms ? { ...draft, terms: e.terms } : draft);
  const alarm = e.fast.alarm;
  // Threats, self-harm encouragement and doxxing: blocked at once, or read by the deep model
  // (with the conversation) before a moderator sees them; never allowed by the fast path.
  if (alarm && policy.alarms === 'block') return { kind: 'decide', draft: withTerms(modelDraft(e.message, 'block', e.fast, 'fast', e.fast)) };
  if (e.route === 'needs-analysis' || (alarm && policy.alarms === 'moderator')) {
    const allowedTerms = e.terms?.allowed.length ? { allowedTerms: e.terms.allowed } : {};
    return { kind: 'analyse', request: { message: e.message, fast: e.fast, context: e.context, requestedAt: now.toISOString(), ...allowedTerms } };
  }
  return { kind: 'decide', draft: withTerms(modelDraft(e.message, e.route === 'toxic' ? 'block' : 'allow', e.fast, 'fast', e.fast)) };
}


/** Used only when neither the game's policy nor the deep model states its cut-offs. */
export const FALLBACK_DEEP_TOXIC_FROM = 0.5;
export const FALLBACK_DEEP_MIN_CONFIDENCE = 0.6;

export function onAnalysis(e: AnalysisResult, policy: GamePolicy, caseId: string, now: Date): Step {
  const toxicFrom = policy.deepToxicFrom ?? e.deep.toxicFrom ?? FALLBACK_DEEP_TOXIC_FROM;
  const minConfidence = policy.deepMinConfidence ?? e.deep.minConfidence ?? FALLBACK_DEEP_MIN_CONFIDENCE;
  const verdict: Verdict = e.deep.toxicity >= toxicFrom ? 'block' : 'allow';
  const alarm = e.fast.alarm !== undefined && policy.alarms === 'moderator' && alarmNeedsModerator(e.fast.alarm);
  // A mild taunt the game lets through is not worth a moderator's time, however unsure the model is.
  const tauntAllowed = !e.fast.alarm && e.fast.mildTaunt === true && policy.mildTaunts === 'allow';
  if (!alarm && (e.deep.confidence >= minConfidence || tauntAllowed)) return { kind: 'decide', draft: modelDraft(e.message, verdict, e.deep, 'deep', e.fast) };
  return {
    kind: 'moderate',
    case: {
      caseId,
      message: e.message,
      context: e.context,
      fast: e.fast,
      deep: e.deep,
      reason: alarm ? 'alarm' : 'low-confidence',
      // An alarm nobody decided in time is blocked: the cost of a wrong block is lower than a missed threat.
      provisionalVerdict: alarm ? 'block' : verdict,
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
  const categories: ReportedCategoryScores = { ...model.categories };
  if (e.category && e.verdict === 'block') categories[e.category] = Math.max(categoryScore(categories, e.category), 0.9);
  return {
    message: e.message,
    verdict: e.verdict,
    toxicity: byModerator ? (e.verdict === 'block' ? Math.max(model.toxicity, 0.9) : Math.min(model.toxicity, 0.1)) : model.toxicity,
    categories,
    category: e.verdict === 'block' ? (e.category ?? blockedAs(undefined, e.fast, model.categories)) : undefined,
    decidedBy: byModerator ? 'moderator' : 'deadline',
    modelVersion: model.modelVersion,
    ...(model.model ? { model: model.model } : {}),
    ...(e.action ? { action: e.action } : {}),
    ...(byModerator ? {} : { lapse: e.lapse ?? 'model' }),
    ...fastReading(e.fast),
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
 * The game's `mildTaunts` rule on a model's block of a mild taunt ("gg ez"): `allow` lets it
 * through, `warn` keeps the block with a warning at most (chooseAction), `rules` changes nothing.
 * A moderator's verdict and anything with an alarm are never softened.
 */
export function applyTauntPolicy(draft: DecisionDraft, policy: GamePolicy): DecisionDraft {
  if (!draft.mildTaunt || draft.alarm || draft.verdict !== 'block' || draft.decidedBy === 'moderator' || draft.decidedBy === 'terms') return draft;
  if (policy.mildTaunts !== 'allow') return draft;
  return { ...draft, verdict: 'allow', category: undefined, allowedAs: MILD_TAUNT_RULE };
}

/** The rule a mild taunt is warned under (`mildTaunts: warn`), as decisions and offences name it. */
export const MILD_TAUNT_RULE = 'mild taunt';

/**
 * A blocked mild taunt under `mildTaunts: warn`: it gets a warning and never more, now or later: it
 * does not count towards the rules' offences and its offence weighs as low severity.
 */
export function warnedAsTaunt(draft: DecisionDraft, policy: GamePolicy): boolean {
  return draft.verdict === 'block' && draft.mildTaunt === true && !draft.alarm && draft.decidedBy !== 'moderator' && policy.mildTaunts === 'warn';
}

/** What the rules count, this message included: every offence in the window, and those of its category. */
export interface OffenceCounts {
  all: number;
  ofCategory: number;
}

/**
 * The player's offences of `category` inside the window, this one included, read from their
 * reputation record: an offence an appeal overturned, a warned taunt and a limit hit do not count,
 * as they do not count towards minOffences either.
 */
export function categoryOffences(record: readonly PlayerOffence[], category: ReputationCategory | undefined, messageId: string, at: Date, windowMs: number): number {
  if (category === undefined) return 1;
  const since = at.getTime() - windowMs;
  let n = 1;
  for (const o of record) {
    if (o.messageId === messageId || o.category !== category || !o.counts || o.overturnedAt || o.rule === MILD_TAUNT_RULE || o.decidedBy === 'limits') continue;
    const t = Date.parse(o.at);
    if (t >= since && t <= at.getTime()) n++;
  }
  return n;
}

/**
 * Whether a rule holds. `offences` as a number counts every offence as one of this category (what a
 * caller without the player's record, or a table test, knows). `standing` is the player's standing
 * before this message (1: a clean record, also when it was not read).
 */
export function ruleMatches(rule: Rule, draft: DecisionDraft, offences: number | OffenceCounts, standing = 1): boolean {
  const w = rule.when;
  const counts = typeof offences === 'number' ? { all: offences, ofCategory: offences } : offences;
  if (w.minStanding !== undefined && standing < w.minStanding) return false;
  if (w.maxStanding !== undefined && standing > w.maxStanding) return false;
  if (w.category !== undefined && w.category !== draft.category) return false;
  if (w.minToxicity !== undefined && draft.toxicity < w.minToxicity) return false;
  if (w.minOffences !== undefined && counts.all < w.minOffences) return false;
  if (w.minCategoryOffences !== undefined && counts.ofCategory < w.minCategoryOffences) return false;
  // Any category the deciding model reports, including heads added after this release.
  const scores = draft.categories as Record<string, number | undefined>;
  for (const [name, min] of Object.entries(w.scores ?? {})) if ((scores[name] ?? 0) < min) return false;
  return true;
}

export function chooseAction(draft: DecisionDraft, offences: number | OffenceCounts, policy: GamePolicy, standing?: number): { action: Action; rule: string } {
  if (draft.verdict === 'allow') return { action: { type: 'none' }, rule: draft.allowedAs ?? 'allowed' };
  if (draft.limit && draft.action) return { action: draft.action, rule: 'limits' };
  if (draft.action) return { action: draft.action, rule: 'moderator' };
  if (warnedAsTaunt(draft, policy)) return { action: { type: 'warn' }, rule: MILD_TAUNT_RULE };
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
    ...(draft.language ? { language: draft.language } : {}),
    ...(draft.alarm ? { alarm: draft.alarm } : {}),
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
  const category: ReputationCategory | undefined = draft.decidedBy === 'limits' ? 'spam' : draft.category;
  const sanctionUntil = sanctionEnd(decision.action, decision.decidedAt);
  return {
    gameId: decision.gameId,
    playerId: decision.playerId,
    messageId: decision.messageId,
    channelId: decision.channelId,
    at: decision.decidedAt,
    decidedBy: decision.decidedBy,
    ...(category ? { category } : {}),
    // A warned taunt weighs as little as a flood line, whatever the model's toxicity.
    severity: decision.rule === MILD_TAUNT_RULE ? 'low' : severityOf(decision.toxicity, category),
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
