// The leads' part of the moderation API, as zod schemas (re-exported by moderation-api.ts): policy
// versions (validate, diff, activate, roll back, shadow and its report), moderators' games,
// wellbeing settings and exposure, and the dashboard. Handlers check answers with `satisfies`.
import { z } from 'zod';
import { ActionSchema, DecidedBySchema, VerdictSchema } from './events';

const timestamp = z.string().datetime({ offset: true });
const gameId = z.string().min(1).max(128);

// --- Policy versions ----------------------------------------------------------------------------

export const DocumentSourceSchema = z.enum(['api', 'file', 'default']);
export const HeadPointerSchema = z.object({ version: z.number().int().positive(), since: timestamp, by: z.string() });

export const PolicyVersionMetaSchema = z.object({
  version: z.number().int().positive(),
  createdAt: timestamp,
  createdBy: z.string(),
  source: DocumentSourceSchema,
  note: z.string().optional(),
  contentHash: z.string(),
});
export type PolicyVersionMeta = z.infer<typeof PolicyVersionMetaSchema>;

export const PoliciesResponseSchema = z.object({
  active: HeadPointerSchema.nullable(),
  shadow: HeadPointerSchema.nullable(),
  versions: z.array(PolicyVersionMetaSchema),
  /** The version POST /v1/policies/rollback would make active (the one active before the current one), or null: nothing to roll back to. */
  rollbackTo: z.number().int().nullable(),
  /** The version to page from (`?before=`) when there are older ones. */
  next: z.number().int().optional(),
});
export type PoliciesResponse = z.infer<typeof PoliciesResponseSchema>;

export const PolicyVersionResponseSchema = PolicyVersionMetaSchema.extend({
  /** The policy document (`{default, games}`, docs/policies.md). */
  policy: z.record(z.string(), z.unknown()),
  active: z.boolean(),
  shadow: z.boolean(),
  /** Valid but probably not meant (see the validate route). */
  warnings: z.array(z.string()),
});
export type PolicyVersionResponse = z.infer<typeof PolicyVersionResponseSchema>;

/** POST /v1/policies: a new version (never active until activated). */
export const NewPolicyRequestSchema = z
  .object({
    policy: z.unknown(),
    note: z.string().max(500).optional(),
  })
  .strict();

export const PolicyChangeSchema = z.object({
  scope: z.string(),
  path: z.string(),
  kind: z.enum(['added', 'removed', 'changed', 'moved']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

/** POST /v1/policies/validate: whether a document would be accepted, and what it changes against the active version. */
export const PolicyValidationResponseSchema = z.object({
  valid: z.boolean(),
  problems: z.array(z.string()),
  warnings: z.array(z.string()),
  against: z.number().int().nullable(),
  changes: z.array(PolicyChangeSchema),
  lines: z.array(z.string()),
});
export type PolicyValidationResponse = z.infer<typeof PolicyValidationResponseSchema>;

export const PolicyDiffResponseSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  changes: z.array(PolicyChangeSchema),
  /** One sentence per change. */
  lines: z.array(z.string()),
});
export type PolicyDiffResponse = z.infer<typeof PolicyDiffResponseSchema>;

/** Activate, roll back, start or stop a shadow: `expected` guards against a lead acting on a stale screen. */
export const HeadMoveRequestSchema = z.object({ expected: z.number().int().positive().nullable().optional() }).strict();
export const HeadMoveResponseSchema = z.object({
  role: z.enum(['active', 'shadow']),
  version: z.number().int().positive().nullable(),
  previous: z.number().int().positive().nullable(),
  changed: z.boolean(),
});
export type HeadMoveResponse = z.infer<typeof HeadMoveResponseSchema>;

export const OutcomeSchema = z.object({
  path: z.union([DecidedBySchema, z.enum(['analysis', 'review'])]),
  verdict: VerdictSchema.optional(),
  action: ActionSchema.shape.type.optional(),
  durationSeconds: z.number().int().optional(),
  rule: z.string().optional(),
});

export const ShadowReportResponseSchema = z.object({
  shadowVersion: z.number().int(),
  activeVersion: z.number().int().nullable(),
  since: timestamp,
  until: timestamp,
  /** Decisions compared, how many came out the same, how many differ. */
  compared: z.number().int(),
  same: z.number().int(),
  changed: z.number().int(),
  /** Per action: messages and distinct players it was given, and would have been given. */
  actions: z.array(
    z.object({
      action: z.string(),
      real: z.object({ messages: z.number().int(), players: z.number().int() }),
      wouldBe: z.object({ messages: z.number().int(), players: z.number().int() }),
    }),
  ),
  verdicts: z.object({ allowToBlock: z.number().int(), blockToAllow: z.number().int() }),
  /** Messages the candidate would have sent on to the deep model or to a moderator instead of deciding. */
  routing: z.object({ wouldAnalyse: z.number().int(), wouldReview: z.number().int() }),
  transitions: z.array(z.object({ real: OutcomeSchema, wouldBe: OutcomeSchema, messages: z.number().int(), players: z.number().int() })),
  /** The report in sentences: "would have muted 312 more players". */
  summary: z.array(z.string()),
  examples: z.array(z.object({ at: timestamp, gameId: z.string(), messageId: z.string(), playerId: z.string(), real: OutcomeSchema, wouldBe: OutcomeSchema })),
});
export type ShadowReportResponse = z.infer<typeof ShadowReportResponseSchema>;

// --- Moderators' games --------------------------------------------------------------------------

/** A moderator's games: ids, or `*` for every game. */
export const GameAssignmentSchema = z
  .object({
    games: z
      .array(z.union([z.literal('*'), gameId.regex(/^[A-Za-z0-9._:-]+$/, 'a game id: letters, digits, . _ : -')]))
      .max(500)
      .refine((g) => new Set(g).size === g.length, 'a game is listed twice')
      .refine((g) => !g.includes('*') || g.length === 1, '`*` (every game) stands alone'),
  })
  .strict();
export type GameAssignment = z.infer<typeof GameAssignmentSchema>;

export const GameAssignmentResponseSchema = z.object({ username: z.string(), games: z.array(z.string()), previous: z.array(z.string()) });

// --- Wellbeing ----------------------------------------------------------------------------------

/** Lead-set, versioned like policies: masking and the break reminder. */
export const WellbeingSettingsSchema = z
  .object({
    /** Mask the worst terms in the queue and case view until the moderator reveals them. */
    mask: z.boolean().default(true),
    /** Terms of at least this weight in the lexicon are masked (0.8: slurs and the worst abuse). */
    maskFromWeight: z.number().min(0.5).max(1).default(0.8),
    /** A case counts as the worst content from this severity on (or when it has a masked term). */
    severeFrom: z.number().min(0).max(1).default(0.75),
    /** Remind a moderator to take a break after this many of the worst cases since their last one. */
    breakAfterSevere: z.number().int().min(1).max(1000).default(20),
    /** The break the reminder suggests. */
    breakMinutes: z.number().int().min(1).max(120).default(10),
  })
  .strict();
export type WellbeingSettings = z.infer<typeof WellbeingSettingsSchema>;

export const WellbeingResponseSchema = z.object({ version: z.number().int().nullable(), settings: WellbeingSettingsSchema });

export const MyExposureResponseSchema = z.object({
  day: z.string(),
  viewed: z.number().int(),
  severe: z.number().int(),
  reveals: z.number().int(),
  severeSinceBreak: z.number().int(),
  lastBreakAt: timestamp.nullable(),
  breakDue: z.boolean(),
  breakAfterSevere: z.number().int(),
  breakMinutes: z.number().int(),
});
export type MyExposureResponse = z.infer<typeof MyExposureResponseSchema>;

export const TeamExposureResponseSchema = z.object({
  day: z.string(),
  moderators: z.array(
    z.object({
      username: z.string(),
      viewed: z.number().int(),
      severe: z.number().int(),
      reveals: z.number().int(),
      severeSinceBreak: z.number().int(),
      lastBreakAt: timestamp.nullable(),
      breakDue: z.boolean(),
      firstAt: timestamp.nullable(),
      lastAt: timestamp.nullable(),
    }),
  ),
});
export type TeamExposureResponse = z.infer<typeof TeamExposureResponseSchema>;

/** Where a masked term is in a text: UTF-16 offsets, end exclusive. */
export const MaskSpanSchema = z.object({ start: z.number().int().nonnegative(), end: z.number().int().positive() });
export type MaskSpan = z.infer<typeof MaskSpanSchema>;

// --- Dashboard ----------------------------------------------------------------------------------

export const DashboardResponseSchema = z.object({
  generatedAt: timestamp,
  since: timestamp,
  until: timestamp,
  bucketSeconds: z.number().int(),
  /** Bucket start times; every series below has one value per bucket. */
  buckets: z.array(timestamp),
  traffic: z.object({ byPath: z.record(z.string(), z.array(z.number())), blocked: z.array(z.number()), total: z.number().int() }),
  decisions: z.object({
    byPath: z.record(z.string(), z.number().int()),
    byAction: z.record(z.string(), z.number().int()),
    lapsed: z.object({ allow: z.number().int(), model: z.number().int(), hold: z.number().int() }),
  }),
  queue: z.object({
    pending: z.number().int(),
    claimed: z.number().int(),
    oldestAgeSeconds: z.number().nullable(),
    depth: z.array(z.number()),
    oldestAge: z.array(z.number()),
  }),
  moderators: z.array(z.object({ moderatorId: z.string(), decided: z.number().int(), blocked: z.number().int(), agreement: z.number().nullable() })),
  throughput: z.record(z.string(), z.array(z.number())),
  appeals: z.object({ available: z.boolean(), source: z.string(), opened: z.number().int(), decided: z.number().int(), overturned: z.number().int(), overturnRate: z.number().nullable() }),
  categories: z.array(z.object({ category: z.string(), blocked: z.number().int() })),
  models: z.array(z.object({ modelVersion: z.string(), paths: z.array(z.string()), decisions: z.number().int(), lastSeen: timestamp })),
  policies: z.object({ active: z.number().int().nullable(), shadow: z.number().int().nullable() }),
  /** Where the figures come from, for the footnote. */
  sources: z.array(z.string()),
});
export type DashboardResponse = z.infer<typeof DashboardResponseSchema>;
