// One zod schema per event on the pipeline's topics. The wire format is the JSON of these
// objects; every boundary (HTTP, Kafka record, in-process bus) parses with them.
import { z } from 'zod';
import { ADDED_CATEGORIES, ALARM_KINDS, CATEGORIES, OFFENCE_CATEGORIES } from './scorer';

export const MAX_TEXT_LENGTH = 2000;
const id = z.string().min(1).max(128);
const timestamp = z.string().datetime({ offset: true });
const probability = z.number().min(0).max(1);

type ScoreShape = { [C in (typeof CATEGORIES)[number]]: C extends (typeof ADDED_CATEGORIES)[number] ? z.ZodOptional<typeof probability> : typeof probability };

/**
 * One probability per category. `self_harm` and `severe_toxicity` came with the 0.3 models: events
 * written before (or scored by a model without those heads) lack them, so they are optional; a
 * reader takes a missing one as "not measured" (categoryScore() reads it as 0).
 */
export const CategoryScoresSchema = z.object(
  Object.fromEntries(CATEGORIES.map((c) => [c, (ADDED_CATEGORIES as readonly string[]).includes(c) ? probability.optional() : probability])) as ScoreShape,
);

export const AlarmSchema = z.object({
  kinds: z.array(z.enum(ALARM_KINDS)).min(1).max(ALARM_KINDS.length),
  by: z.array(z.enum(['model', 'rule'])).min(1).max(2),
  rules: z.array(z.string().min(1).max(64)).max(16).optional(),
});

/** ISO 639-1 code (`und`: nothing to tell) and the detector's confidence. */
export const DetectedLanguageSchema = z.object({
  code: z.string().regex(/^([a-z]{2,3}|und)$/),
  confidence: probability,
});

export const ModelScoreSchema = z.object({
  toxicity: probability,
  categories: CategoryScoresSchema,
  confidence: probability.optional(),
  evidence: z.array(z.string()).max(32).optional(),
  modelVersion: z.string().min(1),
  /** The registered model (e.g. `sinbin-fast`) when the scorer came from the model registry. */
  model: z.string().min(1).max(128).optional(),
  /** The fast path's alarm: a threat, self-harm encouragement or doxxing (the policy's `alarms` decide what follows). */
  alarm: AlarmSchema.optional(),
  /** A mild taunt about play ("gg ez"): the policy's `mildTaunts` decides how far to act. */
  mildTaunt: z.boolean().optional(),
  /** The rule layer found an obscene gesture (the middle finger) no model can read: toxic route whatever the band. */
  obsceneGesture: z.boolean().optional(),
  /** The rule layer found an attack on a protected group: toxic route whatever the band, category `identity_hate`. */
  identityAttack: z.boolean().optional(),
  /** The rule layer found sexual harassment aimed at the reader: toxic route whatever the band, category `sexual`. */
  sexualHarassment: z.boolean().optional(),
  /** The language the message was read as (fast path; absent before 0.3). */
  language: DetectedLanguageSchema.optional(),
});
export type ModelScore = z.infer<typeof ModelScoreSchema>;

export const ContextLineSchema = z.object({
  messageId: id.optional(),
  playerId: id.optional(),
  text: z.string().max(MAX_TEXT_LENGTH),
});
/** One earlier line of the channel, as events carry it. */
export type ContextEntry = z.infer<typeof ContextLineSchema>;

/** raw-messages: a chat message the gateway accepted for a game. */
export const ChatMessageSchema = z.object({
  messageId: id,
  gameId: id,
  channelId: id,
  playerId: id,
  text: z.string().min(1).max(MAX_TEXT_LENGTH),
  sentAt: timestamp,
  receivedAt: timestamp,
  locale: z.string().min(2).max(35).optional(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const FastRouteSchema = z.enum(['ok', 'toxic', 'needs-analysis']);

/** A routing band: fast toxicity below `okBelow` is OK, from `toxicFrom` on toxic, in between ambiguous. */
export const RoutingBandSchema = z
  .object({ okBelow: probability, toxicFrom: probability })
  .refine((band) => band.okBelow <= band.toxicFrom, { message: 'okBelow must not exceed toxicFrom', path: ['okBelow'] });
/** A studio term-list entry a message matched (its normalised form), and the category a block-list entry blocks as. */
export const TermHitSchema = z.object({ term: z.string().min(1).max(100), category: z.enum(OFFENCE_CATEGORIES).optional() });
export type TermHit = z.infer<typeof TermHitSchema>;

/** What a game's term lists (block and allow) found in a message, at which version of the lists. */
export const TermMatchSchema = z.object({
  version: z.number().int().positive(),
  blocked: z.array(TermHitSchema).max(20),
  /** Allow-list entries found: the models read the message without them. */
  allowed: z.array(z.string().min(1).max(100)).max(20),
  /** The fast model's toxicity of the whole message, when allowed terms were read around. */
  unmaskedToxicity: probability.optional(),
});
export type TermMatch = z.infer<typeof TermMatchSchema>;

/** classified-messages: the fast classifier's score and route for every message. */
export const ClassifiedMessageSchema = z.object({
  message: ChatMessageSchema,
  route: FastRouteSchema,
  fast: ModelScoreSchema,
  /** Earlier messages of the channel, attached when the message needs deep analysis or is blocked (for appeals). */
  context: z.array(ContextLineSchema).max(50).default([]),
  classifiedAt: timestamp,
  /** The fast model's own routing band (a game's policy may override it): lets a candidate policy in shadow re-route. */
  modelThresholds: RoutingBandSchema.optional(),
  /** Set when the game has term lists and one of their entries is in the message. */
  terms: TermMatchSchema.optional(),
});
export type ClassifiedMessage = z.infer<typeof ClassifiedMessageSchema>;

/** Allow-list terms of the game found in the message: the deep model reads the message without them. */
const AllowedTermsSchema = z.array(z.string().min(1).max(100)).max(20);

/** nlp-analysis-required: an ambiguous message and its conversation, for the deep analyzer. */
export const AnalysisRequestSchema = z.object({
  message: ChatMessageSchema,
  fast: ModelScoreSchema,
  context: z.array(ContextLineSchema).max(50),
  requestedAt: timestamp,
  allowedTerms: AllowedTermsSchema.optional(),
});
export type AnalysisRequest = z.infer<typeof AnalysisRequestSchema>;

/** nlp-analysis-results: the deep analyzer's reading of the message in context. */
export const AnalysisResultSchema = z.object({
  message: ChatMessageSchema,
  fast: ModelScoreSchema,
  deep: ModelScoreSchema.extend({
    confidence: probability,
    /** The model's own validated cut-offs; a game's policy may override them. */
    toxicFrom: probability.optional(),
    minConfidence: probability.optional(),
  }),
  context: z.array(ContextLineSchema).max(50),
  analyzedAt: timestamp,
  allowedTerms: AllowedTermsSchema.optional(),
});
export type AnalysisResult = z.infer<typeof AnalysisResultSchema>;

export const VerdictSchema = z.enum(['allow', 'block']);
export type Verdict = z.infer<typeof VerdictSchema>;
/** What a message is blocked as (a decision's reason, a moderator's pick, a rule's `category`). */
export const CategorySchema = z.enum(OFFENCE_CATEGORIES);

export const ActionSchema = z.object({
  type: z.enum(['none', 'warn', 'mute', 'kick', 'ban']),
  durationSeconds: z.number().int().positive().optional(),
});
export type Action = z.infer<typeof ActionSchema>;

/**
 * What a case gets when no moderator decides it by its deadline (the game's policy chooses):
 * `allow`; `model`, the models' provisional reading; `hold`, the case waits `holdSeconds` longer
 * for a moderator (the message stays undecided meanwhile) and then gets the models' reading.
 */
export const DeadlineLapseSchema = z.enum(['allow', 'model', 'hold']);
export type DeadlineLapse = z.infer<typeof DeadlineLapseSchema>;

/**
 * Who decided: a model (`fast`, `deep`), a moderator, a lapsed deadline (`deadline`), the flood
 * and spam limits before any model (`limits`), or the game's own block list (`terms`).
 */
export const DECIDED_BY = ['fast', 'deep', 'moderator', 'deadline', 'limits', 'terms'] as const;
export const DecidedBySchema = z.enum(DECIDED_BY);
export type DecidedBy = z.infer<typeof DecidedBySchema>;

/** The longest statement a player's appeal may carry. */
export const MAX_APPEAL_STATEMENT = 2000;

/** A player's appeal of a decision, as the game relayed it, with the decision as it stood. */
export const AppealSchema = z.object({
  appealId: id,
  statement: z.string().min(1).max(MAX_APPEAL_STATEMENT),
  filedAt: timestamp,
  original: z.object({
    verdict: VerdictSchema,
    action: ActionSchema,
    decidedBy: DecidedBySchema,
    decidedAt: timestamp,
    toxicity: probability,
    category: CategorySchema.optional(),
    rule: z.string().max(200).optional(),
  }),
  /** The moderator whose verdict is appealed: someone else must review it. */
  decidedByModerator: id.optional(),
  /** Why the limits or the block list stopped the message, when they did. */
  reason: z.string().max(300).optional(),
});
export type Appeal = z.infer<typeof AppealSchema>;
export const AppealOutcomeSchema = z.enum(['upheld', 'overturned', 'lapsed']);
export type AppealOutcome = z.infer<typeof AppealOutcomeSchema>;

/** moderation-required: a case the models could not decide, for a human moderator. */
export const ModerationCaseSchema = z.object({
  caseId: id,
  message: ChatMessageSchema,
  context: z.array(ContextLineSchema).max(50),
  fast: ModelScoreSchema,
  deep: ModelScoreSchema.optional(),
  /**
   * `alarm`: a threat, self-harm encouragement or doxxing that the game's policy sends to a moderator
   * (top of the queue); `appeal`: a player contests the decision (`appeal` holds their statement and the decision).
   */
  reason: z.enum(['low-confidence', 'model-unavailable', 'alarm', 'appeal']),
  /** Verdict applied if no moderator decides before `dueAt`, so every message gets a decision (an appeal: the original verdict stands). */
  provisionalVerdict: VerdictSchema,
  dueAt: timestamp,
  openedAt: timestamp,
  /** The game's rule for a lapsed case; absent (cases opened before 0.3): the models' reading. */
  onDeadline: z.object({ lapse: DeadlineLapseSchema, holdSeconds: z.number().int().positive().optional() }).optional(),
  /** Set when a `hold` deadline passed: the case waits longer (until `dueAt`) for a moderator. */
  heldAt: timestamp.optional(),
  appeal: AppealSchema.optional(),
});
export type ModerationCase = z.infer<typeof ModerationCaseSchema>;

/** moderation-results: a moderator's verdict on a case (or the provisional one when it expired). */
export const ModerationResultSchema = z.object({
  caseId: id,
  message: ChatMessageSchema,
  context: z.array(ContextLineSchema).max(50),
  verdict: VerdictSchema,
  category: CategorySchema.optional(),
  action: ActionSchema.optional(),
  note: z.string().max(2000).optional(),
  moderatorId: id.optional(),
  resolution: z.enum(['moderator', 'expired']),
  /** For an expired case: the game's rule that gave its verdict (absent from producers before 0.3: `model`). */
  lapse: DeadlineLapseSchema.optional(),
  fast: ModelScoreSchema,
  deep: ModelScoreSchema.optional(),
  decidedAt: timestamp,
  /** Set on the result of an appeal case (the case's `appeal`). */
  appeal: AppealSchema.optional(),
  /** An appeal case's outcome: a block `verdict` upholds the decision, `allow` overturns it; `lapsed` when none came in time. */
  appealOutcome: AppealOutcomeSchema.optional(),
});
export type ModerationResult = z.infer<typeof ModerationResultSchema>;

export const LIMIT_RULES = ['repeat', 'burst', 'channel-burst', 'links', 'char-flood'] as const;
export const LimitRuleSchema = z.enum(LIMIT_RULES);
export type LimitRule = z.infer<typeof LimitRuleSchema>;
/** What a limited message gets: `drop` (hidden, nobody told), `block` (hidden, the player warned), `mute`. */
export const LimitOutcomeSchema = z.enum(['drop', 'block', 'mute']);
export type LimitOutcome = z.infer<typeof LimitOutcomeSchema>;

/** Which flood or spam limit a message hit, in words, and what the game's policy gives it. */
export const LimitHitSchema = z.object({
  rule: LimitRuleSchema,
  reason: z.string().min(1).max(300),
  outcome: LimitOutcomeSchema,
  /** For `mute`. */
  muteSeconds: z.number().int().positive().optional(),
});
export type LimitHit = z.infer<typeof LimitHitSchema>;

/** limited-messages: a message the flood and spam limits stopped before any model read it. */
export const LimitedMessageSchema = z.object({
  message: ChatMessageSchema,
  limit: LimitHitSchema,
  limitedAt: timestamp,
});
export type LimitedMessage = z.infer<typeof LimitedMessageSchema>;

/** A decision changed after it was published (an appeal overturned it): what it was and why it changed. */
export const DecisionRevisionSchema = z.object({
  /** 1 for the first revision; a consumer keeps the highest. */
  number: z.number().int().positive(),
  reason: z.enum(['appeal-overturned']),
  appealId: id,
  previous: z.object({ verdict: VerdictSchema, action: ActionSchema, decidedBy: DecidedBySchema }),
  revisedBy: id,
  revisedAt: timestamp,
});
export type DecisionRevision = z.infer<typeof DecisionRevisionSchema>;

/**
 * final-decisions: exactly one per accepted message; the shape games read by API and webhook. A
 * later `decision.revised` event (the same shape with `revision`) replaces it when an appeal
 * overturns it.
 */
export const FinalDecisionSchema = z.object({
  messageId: id,
  gameId: id,
  channelId: id,
  playerId: id,
  verdict: VerdictSchema,
  toxicity: probability,
  categories: CategoryScoresSchema,
  /** `deadline`: no moderator decided in time, and the game's `onDeadline` rule gave the verdict. */
  decidedBy: DecidedBySchema,
  action: ActionSchema,
  modelVersion: z.string().min(1),
  /** The registered model that decided (e.g. `sinbin-fast`) when it came from the registry; `modelVersion` is then its version. */
  model: z.string().min(1).max(128).optional(),
  /** The language the message was read as, and how sure the detector was (absent before 0.3). */
  language: DetectedLanguageSchema.optional(),
  /** Set when the fast path raised an alarm (threat, self-harm encouragement, doxxing). */
  alarm: AlarmSchema.optional(),
  decidedAt: timestamp,
  latencyMs: z.number().nonnegative(),
  /** The policy version the decision manager applied (absent from producers before 0.3). */
  policyVersion: z.number().int().positive().optional(),
  /** With `decidedBy: deadline`: what the game's policy gives a lapsed case. */
  lapse: DeadlineLapseSchema.optional(),
  /** The policy rule that gave the action: a rule's name, `moderator`, `allowed`, `limits` or `no rule matched`. */
  rule: z.string().min(1).max(200).optional(),
  /** With `decidedBy: limits`: the limit and what the game's policy gives it. */
  limit: LimitHitSchema.optional(),
  /** The game's term-list entries the message matched, when any did. */
  terms: TermMatchSchema.optional(),
  /** The player's standing (and offences counted in it) before this message, as the rules read it; on blocked messages. */
  reputation: z.object({ standing: probability, offences: z.number().int().nonnegative() }).optional(),
  /** Present on a `decision.revised` event. */
  revision: DecisionRevisionSchema.optional(),
});
export type FinalDecision = z.infer<typeof FinalDecisionSchema>;

/** How much an appeal outcome counts in training against a moderator verdict (1). */
export const APPEAL_TRAINING_WEIGHT = 3;

/**
 * model-training-data: a labelled example for the next model. Moderator verdicts and appeal
 * outcomes are the gold; a confident deep decision is a weaker label (`deep`) that training never
 * uses as the only source of a label.
 */
export const TrainingExampleSchema = z.object({
  exampleId: id,
  messageId: id,
  gameId: id,
  /** The speaker, so an erasure request for a player can drop their examples. */
  playerId: id.optional(),
  /** The message's locale as the game sent it (e.g. `fr`), kept for per-language models. */
  language: z.string().min(2).max(35).optional(),
  text: z.string().min(1).max(MAX_TEXT_LENGTH),
  context: z.array(ContextLineSchema).max(50),
  label: z.enum(['ok', 'toxic']),
  category: CategorySchema.optional(),
  source: z.enum(['moderator', 'appeal', 'deep']),
  /** How much the example counts in training (an appeal outcome APPEAL_TRAINING_WEIGHT; absent: 1). */
  weight: z.number().positive().max(100).optional(),
  createdAt: timestamp,
});
export type TrainingExample = z.infer<typeof TrainingExampleSchema>;

/** <topic>.dlq: an event a consumer could not process, kept whole with the reason. */
export const DeadLetterSchema = z.object({
  topic: z.string(),
  consumer: z.string(),
  key: z.string().nullable(),
  partition: z.number().int().nonnegative().nullable(),
  offset: z.string().nullable(),
  errorCode: z.string(),
  reason: z.string(),
  /** The original record value, as UTF-8 text when it decodes cleanly, else base64; capped in size. */
  payload: z.string(),
  payloadEncoding: z.enum(['utf8', 'base64']),
  /** Size of the original value; when it exceeded the cap, `payload` holds only its start. */
  payloadBytes: z.number().int().nonnegative(),
  payloadTruncated: z.boolean(),
  attempts: z.number().int().positive(),
  failedAt: timestamp,
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;
