// The players' side of the APIs as zod schemas: a player's reputation and appeals (the gateway,
// game keys), and term lists (the gateway's admin API and the leads' moderation API). Handlers
// validate with them and check their answers with `satisfies`; the OpenAPI document and the
// typed client are generated from them.
import { z } from 'zod';
import { ActionSchema, AppealOutcomeSchema, CategorySchema, DecidedBySchema, MAX_APPEAL_STATEMENT } from './events';
import { TermListsSchema } from './term-lists';
import { REPUTATION_CATEGORIES, SEVERITIES } from './trust';

const timestamp = z.string().datetime({ offset: true });

/** A path segment naming a player or a game: what the gateway accepts as an id. */
export const PathIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .refine((s) => ![...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f), 'must not hold control characters')
  .refine((s) => s.trim() === s, 'must not start or end with spaces');

// --- Reputation ---------------------------------------------------------------------------------

export const SeveritySchema = z.enum(SEVERITIES);
export const OffenceCategorySchema = z.enum(REPUTATION_CATEGORIES as [string, ...string[]]);

const severityCounts = z.object(Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int()])) as Record<(typeof SEVERITIES)[number], z.ZodNumber>);

export const PlayerDecisionSchema = z
  .object({
    messageId: z.string(),
    decidedAt: timestamp,
    decidedBy: DecidedBySchema,
    category: OffenceCategorySchema.optional(),
    severity: SeveritySchema,
    action: ActionSchema,
    rule: z.string().optional(),
    /** `overturned`: an appeal reversed it; it no longer counts. */
    status: z.enum(['standing', 'overturned']),
    /** Counts against standing (a dropped flood line never does). */
    counts: z.boolean(),
    /** The decision's weight in today's standing (severity weight, decayed). */
    weight: z.number(),
    appeal: z.object({ status: z.enum(['open', 'upheld', 'overturned', 'lapsed']) }).optional(),
    links: z.object({ decision: z.string(), appeal: z.string() }),
  })
  .meta({ id: 'PlayerDecision' });

export const PlayerReputationSchema = z
  .object({
    gameId: z.string(),
    playerId: z.string(),
    /** 1 for a clean record; exp(-W / scale), W the offences' weights halved every halfLifeDays. */
    standing: z.number().min(0).max(1),
    standingModel: z.object({
      halfLifeDays: z.number(),
      scale: z.number(),
      weights: severityCounts.meta({ description: 'Weight of a new offence by severity.' }),
      weight: z.number().meta({ description: 'The sum of the decayed weights now.' }),
      lookbackDays: z.number(),
    }),
    activity: z.object({ firstSeen: timestamp, lastSeen: timestamp, messages: z.number().int() }),
    offences: z.object({
      /** Blocked messages in the lookback, overturned ones included. */
      total: z.number().int(),
      /** Of them, those that count against standing now. */
      counted: z.number().int(),
      overturned: z.number().int(),
      byCategory: z.record(z.string(), severityCounts),
      bySeverity: severityCounts,
    }),
    sanctions: z.array(
      z.object({
        messageId: z.string(),
        action: z.enum(['mute', 'ban']),
        durationSeconds: z.number().int().optional(),
        since: timestamp,
        /** null: a ban without end. */
        until: timestamp.nullable(),
      }),
    ),
    recent: z.array(PlayerDecisionSchema),
    asOf: timestamp,
  })
  .meta({ id: 'PlayerReputation' });
export type PlayerReputation = z.infer<typeof PlayerReputationSchema>;

// --- Appeals ------------------------------------------------------------------------------------------

export const AppealRequestSchema = z
  .object({
    statement: z
      .string({ error: (i) => (i.input === undefined ? 'statement is required: the player\'s own words' : 'statement must be a string') })
      .trim()
      .min(1, 'statement must not be empty')
      .max(MAX_APPEAL_STATEMENT, `statement must be at most ${MAX_APPEAL_STATEMENT} characters`),
    /** When given, must be the player the decision is about (a check against mix-ups in the game's backend). */
    playerId: PathIdSchema.optional(),
  })
  .strict()
  .meta({ id: 'AppealRequest' });
export type AppealRequest = z.infer<typeof AppealRequestSchema>;

export const AppealInfoSchema = z
  .object({
    appealId: z.string(),
    messageId: z.string(),
    playerId: z.string(),
    status: z.enum(['open', 'upheld', 'overturned', 'lapsed']),
    filedAt: timestamp,
    /** A moderator reviews it by then, or it lapses and the decision stands. */
    dueAt: timestamp,
    decidedAt: timestamp.optional(),
    links: z.object({ decision: z.string(), appeal: z.string() }),
  })
  .meta({ id: 'Appeal' });
export type AppealInfo = z.infer<typeof AppealInfoSchema>;

export const AppealOutcomeCountsSchema = z.object({ filed: z.number().int(), open: z.number().int(), upheld: z.number().int(), overturned: z.number().int(), lapsed: z.number().int() });
export { AppealOutcomeSchema };

// --- Term lists ---------------------------------------------------------------------------------------

export const TermListRequestSchema = TermListsSchema.extend({
  note: z.string().max(500).optional().meta({ description: 'Why: kept with the version.' }),
  /** The version this change was made on (null: the game had none); a newer one answers 409 version-conflict. */
  expectedVersion: z.number().int().positive().nullable().optional(),
})
  .strict()
  .meta({ id: 'TermListRequest' });

const TermEntryOut = z.object({ term: z.string(), category: CategorySchema.optional(), note: z.string().optional() });

export const TermListVersionSchema = z
  .object({
    gameId: z.string(),
    /** null: the game has no lists (nothing is blocked or allowed by term). */
    version: z.number().int().nullable(),
    block: z.array(TermEntryOut),
    allow: z.array(TermEntryOut),
    createdAt: timestamp.optional(),
    createdBy: z.string().optional(),
    note: z.string().optional(),
    contentHash: z.string().optional(),
  })
  .meta({ id: 'TermLists' });
export type TermListVersionResponse = z.infer<typeof TermListVersionSchema>;

export const TermListChangeSchema = z.object({ list: z.enum(['block', 'allow']), kind: z.enum(['added', 'removed', 'changed']), term: z.string() });

export const TermListSavedSchema = TermListVersionSchema.extend({
  changes: z.array(TermListChangeSchema).meta({ description: 'What this version changed against the one before.' }),
  /** True when the lists equal the latest version: nothing was saved. */
  unchanged: z.boolean(),
}).meta({ id: 'TermListSaved' });
export type TermListSaved = z.infer<typeof TermListSavedSchema>;

export const TermListHistorySchema = z
  .object({
    gameId: z.string(),
    versions: z.array(
      z.object({
        version: z.number().int(),
        createdAt: timestamp,
        createdBy: z.string(),
        note: z.string().optional(),
        blockCount: z.number().int(),
        allowCount: z.number().int(),
        changes: z.array(TermListChangeSchema),
      }),
    ),
    next: z.number().int().optional(),
  })
  .meta({ id: 'TermListHistory' });
export type TermListHistory = z.infer<typeof TermListHistorySchema>;

export const TermCheckRequestSchema = z.object({ text: z.string().min(1).max(2000) }).strict().meta({ id: 'TermCheckRequest' });
export const TermCheckResponseSchema = z
  .object({
    version: z.number().int().nullable(),
    blocked: z.array(z.object({ term: z.string(), category: CategorySchema.optional() })),
    allowed: z.array(z.string()),
    /** What the models read once allowed terms are taken out. */
    readAs: z.string(),
  })
  .meta({ id: 'TermCheck' });
export type TermCheckResponse = z.infer<typeof TermCheckResponseSchema>;

/** The moderation API's term-list editor for leads: a game's lists in force and its recent versions. */
export const TermListEditorSchema = z.object({ current: TermListVersionSchema, history: TermListHistorySchema }).meta({ id: 'TermListEditor' });
export type TermListEditor = z.infer<typeof TermListEditorSchema>;

/** The games that have term lists, with the version in force. */
export const TermListGamesSchema = z.object({ games: z.array(z.object({ gameId: z.string(), version: z.number().int() })) }).meta({ id: 'TermListGames' });
export type TermListGames = z.infer<typeof TermListGamesSchema>;
