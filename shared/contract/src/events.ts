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
export const RoutingBandSchema = z.object({ okBelow: probability, toxicFrom: probability });

/** classified-messages: the fast classifier's score and route for every message. */
export const ClassifiedMessageSchema = z.object({
  message: ChatMessageSchema,
  route: FastRouteSchema,
  fast: ModelScoreSchema,
  /** Earlier messages of the channel, attached only when the message needs deep analysis. */
  context: z.array(ContextLineSchema).max(50).default([]),
  classifiedAt: timestamp,
  /** The fast model's own routing band (a game's policy may override it): lets a candidate policy in shadow re-route. */
  modelThresholds: RoutingBandSchema.optional(),
});
export type ClassifiedMessage = z.infer<typeof ClassifiedMessageSchema>;

/** nlp-analysis-required: an ambiguous message and its conversation, for the deep analyzer. */
export const AnalysisRequestSchema = z.object({
  message: ChatMessageSchema,
  fast: ModelScoreSchema,
  context: z.array(ContextLineSchema).max(50),
  requestedAt: timestamp,
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

/** moderation-required: a case the models could not decide, for a human moderator. */
export const ModerationCaseSchema = z.object({
  caseId: id,
  message: ChatMessageSchema,
  context: z.array(ContextLineSchema).max(50),
  fast: ModelScoreSchema,
  deep: ModelScoreSchema.optional(),
  /** `alarm`: a threat, self-harm encouragement or doxxing that the game's policy sends to a moderator (top of the queue). */
  reason: z.enum(['low-confidence', 'model-unavailable', 'alarm']),
  /** Verdict applied if no moderator decides before `dueAt`, so every message gets a decision. */
  provisionalVerdict: VerdictSchema,
  dueAt: timestamp,
  openedAt: timestamp,
  /** The game's rule for a lapsed case; absent (cases opened before 0.3): the models' reading. */
  onDeadline: z.object({ lapse: DeadlineLapseSchema, holdSeconds: z.number().int().positive().optional() }).optional(),
  /** Set when a `hold` deadline passed: the case waits longer (until `dueAt`) for a moderator. */
  heldAt: timestamp.optional(),
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
});
export type ModerationResult = z.infer<typeof ModerationResultSchema>;

export const DECIDED_BY = ['fast', 'deep', 'moderator', 'deadline'] as const;
export const DecidedBySchema = z.enum(DECIDED_BY);
export type DecidedBy = z.infer<typeof DecidedBySchema>;

/** final-decisions: exactly one per accepted message; the shape games read by API and webhook. */
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
  /** The policy rule that gave the action: a rule's name, `moderator`, `allowed` or `no rule matched`. */
  rule: z.string().min(1).max(200).optional(),
  /** With `decidedBy: deadline`: what the game's policy gives a lapsed case. */
  lapse: DeadlineLapseSchema.optional(),
});
export type FinalDecision = z.infer<typeof FinalDecisionSchema>;

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
