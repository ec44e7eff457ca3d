// The moderation API's requests and answers, as zod schemas: the moderation function validates
// requests with them and checks its answers against them (`satisfies`), the UI's types are their
// z.infer, and the API description is generated from them.
import { z } from 'zod';
import { ActionSchema, CategorySchema, ChatMessageSchema, ContextLineSchema, ModerationCaseSchema, ModerationResultSchema, VerdictSchema } from './events';
import { GameAssignmentSchema, MaskSpanSchema } from './lead-api';

export * from './lead-api';

const timestamp = z.string().datetime({ offset: true });

// --- requests ---------------------------------------------------------------------------------

export const UsernameSchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dot, dash and underscore, starting with a letter or digit');
export const PasswordSchema = z.string().min(12, 'at least 12 characters').max(1024);
export const RoleSchema = z.enum(['moderator', 'lead']);
export type Role = z.infer<typeof RoleSchema>;

export const LoginRequestSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
/** A new account; a moderator sees only the games given (none until a lead assigns some), a lead every game. */
export const NewModeratorSchema = z
  .object({ username: UsernameSchema, password: PasswordSchema, role: RoleSchema.default('moderator'), games: GameAssignmentSchema.shape.games.default([]) })
  .strict();

export const VerdictRequestSchema = z
  .object({
    verdict: VerdictSchema,
    category: CategorySchema.optional(),
    action: ActionSchema.optional(),
    note: z.string().max(2000).optional(),
  })
  .strict()
  .refine((v) => v.verdict === 'block' || (v.category === undefined && (v.action === undefined || v.action.type === 'none')), {
    message: 'an allow verdict takes no category and no action',
  });
export type VerdictRequest = z.infer<typeof VerdictRequestSchema>;

// --- answers ----------------------------------------------------------------------------------

export const ModeratorSchema = z.object({ username: z.string(), role: RoleSchema });

export const LoginResponseSchema = z.object({ token: z.string(), expiresAt: timestamp, moderator: ModeratorSchema });
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const MeResponseSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  kind: z.enum(['session', 'token']),
  expiresAt: timestamp.nullable(),
  /** The games whose cases this account sees; `*` every game. */
  games: z.array(z.string()),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;

export const ClaimSchema = z.object({ moderatorId: z.string(), until: timestamp });
export type Claim = z.infer<typeof ClaimSchema>;

export const GameCountsSchema = z.object({ gameId: z.string(), pending: z.number().int(), claimed: z.number().int(), oldestOpenedAt: timestamp });
export type GameCounts = z.infer<typeof GameCountsSchema>;

export const QueueCaseSchema = ModerationCaseSchema.extend({
  queue: z.object({ rankAt: timestamp, severity: z.number(), priorCases: z.number().int(), priorBlocks: z.number().int(), claim: ClaimSchema.nullable() }),
  /** The worst terms of the message, masked until the moderator reveals them (wellbeing settings). */
  masks: z.array(MaskSpanSchema).optional(),
});
export type QueueCase = z.infer<typeof QueueCaseSchema>;

export const QueueResponseSchema = z.object({
  now: timestamp,
  pending: z.number().int(),
  claimed: z.number().int(),
  oldestOpenedAt: timestamp.nullable(),
  awaitingPublish: z.number().int(),
  byGame: z.array(GameCountsSchema),
  cases: z.array(QueueCaseSchema),
});
export type QueueResponse = z.infer<typeof QueueResponseSchema>;

export const CaseStatusSchema = z.enum(['pending', 'decided', 'expired']);

export const CaseResponseSchema = z.object({
  case: ModerationCaseSchema,
  status: CaseStatusSchema,
  result: ModerationResultSchema.optional(),
  published: z.boolean().optional(),
  claim: ClaimSchema.optional(),
  undoUntil: timestamp.optional(),
  severity: z.number(),
  masks: z.array(MaskSpanSchema).optional(),
});
export type CaseResponse = z.infer<typeof CaseResponseSchema>;

/** A line of the channel around a case: what the context store holds, or what the case carried. */
export const ChannelLineSchema = ContextLineSchema.extend({ sentAt: timestamp.optional(), masks: z.array(MaskSpanSchema).optional() });
export type ChannelLine = z.infer<typeof ChannelLineSchema>;

export const PlayerCaseLineSchema = z.object({
  caseId: z.string(),
  messageId: z.string(),
  text: z.string(),
  masks: z.array(MaskSpanSchema).optional(),
  openedAt: timestamp,
  status: CaseStatusSchema,
  verdict: VerdictSchema.optional(),
  category: CategorySchema.optional(),
  resolution: z.enum(['moderator', 'expired']).optional(),
  moderatorId: z.string().optional(),
});
export type PlayerCaseLine = z.infer<typeof PlayerCaseLineSchema>;

export const CaseContextResponseSchema = z.object({
  caseId: z.string(),
  /** `channel`: the context store's lines around the message; `case`: the lines the case opened with. */
  source: z.enum(['channel', 'case']),
  before: z.array(ChannelLineSchema),
  message: ChatMessageSchema,
  messageMasks: z.array(MaskSpanSchema).optional(),
  after: z.array(ChannelLineSchema),
  history: z.object({ cases: z.number().int(), blocked: z.number().int(), recent: z.array(PlayerCaseLineSchema) }),
});
export type CaseContextResponse = z.infer<typeof CaseContextResponseSchema>;

export const ClaimResponseSchema = z.object({ caseId: z.string(), claim: ClaimSchema, renewed: z.boolean() });
export type ClaimResponse = z.infer<typeof ClaimResponseSchema>;
export const ReleaseResponseSchema = z.object({ caseId: z.string(), released: z.literal(true) });
export type ReleaseResponse = z.infer<typeof ReleaseResponseSchema>;
export const VerdictResponseSchema = z.object({
  caseId: z.string(),
  /** `decided`: recorded (and published unless an undo window holds it); `recorded`: publishing was deferred. */
  status: z.enum(['decided', 'recorded', 'expired', 'pending']),
  published: z.boolean(),
  undoUntil: timestamp.optional(),
  duplicate: z.literal(true).optional(),
});
export type VerdictResponse = z.infer<typeof VerdictResponseSchema>;
export const UndoResponseSchema = z.object({ caseId: z.string(), status: z.literal('pending'), claim: ClaimSchema });
export type UndoResponse = z.infer<typeof UndoResponseSchema>;

export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: timestamp,
  actor: z.string(),
  action: z.string(),
  caseId: z.string().optional(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditResponseSchema = z.object({ entries: z.array(AuditEntrySchema), next: z.number().int().optional() });
export type AuditResponse = z.infer<typeof AuditResponseSchema>;

export const ModeratorAccountSchema = ModeratorSchema.extend({ games: z.array(z.string()), createdAt: timestamp, createdBy: z.string().optional(), disabledAt: timestamp.optional() });
export const ModeratorsResponseSchema = z.object({ moderators: z.array(ModeratorAccountSchema) });
export type ModeratorsResponse = z.infer<typeof ModeratorsResponseSchema>;
