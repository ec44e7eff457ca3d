// The gateway's requests and answers as zod schemas: the gateway validates with them, its answers
// are checked against them (`satisfies`), and its OpenAPI document and typed client are generated
// from them (functions/game-message-proxy/src/openapi.ts).
import { z } from 'zod';
import { FinalDecisionSchema, MAX_TEXT_LENGTH } from './events';

const timestamp = z.string().datetime({ offset: true });

export const MAX_BATCH = 500;
/** The longest wait a `Prefer: wait=` may ask for; longer ones are clamped to it. */
export const MAX_WAIT_SECONDS = 10;

const id = (what: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(128, `${what} must be at most 128 characters`);

export const MessageInputSchema = z
  .object({
    messageId: id('messageId').optional().meta({ description: 'Your id for the message: an idempotency key (a repeat with the same content is answered as the first was; other content under it is 409).' }),
    channelId: id('channelId').meta({ description: 'The conversation (match, lobby, guild chat): messages of one channel are kept in order and read as context.' }),
    playerId: id('playerId'),
    text: z
      .string({ error: (i) => (i.input === undefined ? 'text is required' : 'text must be a string') })
      .max(MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`)
      .refine((t) => t.trim().length > 0, 'text must not be empty'),
    sentAt: z.string().datetime({ offset: true, message: 'sentAt must be an ISO 8601 timestamp' }).optional(),
    locale: z.string().min(2).max(35).optional(),
  })
  .meta({ id: 'MessageInput' });
export type MessageInput = z.infer<typeof MessageInputSchema>;

/** Parsing: items are checked one by one (MessageInputSchema), so each error names its index. */
export const MessageBatchSchema = z
  .object({
    messages: z
      .array(z.unknown(), { error: 'messages must be an array' })
      .min(1, 'messages must not be empty')
      .max(MAX_BATCH, `a batch holds at most ${MAX_BATCH} messages`),
  });

export const AcceptedMessageSchema = z
  .object({
    messageId: z.string(),
    /** `decided`: the final decision is in `decision`; `pending`: it will come by GET /v1/decisions/{id} and webhook. */
    status: z.enum(['decided', 'pending']),
    decision: FinalDecisionSchema.optional(),
  })
  .meta({ id: 'AcceptedMessage' });
export type AcceptedMessage = z.infer<typeof AcceptedMessageSchema>;

export const MessagesResponseSchema = z.object({ accepted: z.array(AcceptedMessageSchema) }).meta({ id: 'MessagesResponse' });
export type MessagesResponse = z.infer<typeof MessagesResponseSchema>;

export const DecisionSchema = FinalDecisionSchema.meta({ id: 'FinalDecision' });

export const ApiErrorSchema = z
  .object({
    error: z.string().meta({ description: 'A code of the API error vocabulary: match on it, not on the message.' }),
    message: z.string(),
    retry: z.boolean().meta({ description: 'True when the same request may succeed later (after Retry-After if given).' }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'ApiError' });

// --- webhook deliveries ------------------------------------------------------------------------

export const WebhookAttemptSchema = z
  .object({
    deliveryId: z.string().meta({ description: 'The webhook-id header: the same for every try of one batch.' }),
    attempt: z.number().int(),
    at: timestamp,
    outcome: z.enum(['delivered', 'failed', 'refused', 'dead-lettered']),
    httpStatus: z.number().int().optional(),
    error: z.string().optional(),
    messageIds: z.array(z.string()),
  })
  .meta({ id: 'WebhookAttempt' });
export const WebhookDeadLetterSchema = z
  .object({ deliveryId: z.string(), at: timestamp, attempts: z.number().int(), reason: z.string(), payload: z.string().meta({ description: 'The body that was sent, as JSON text.' }) })
  .meta({ id: 'WebhookDeadLetter' });
export const WebhookDeliveriesResponseSchema = z
  .object({ attempts: z.array(WebhookAttemptSchema), deadLetters: z.array(WebhookDeadLetterSchema) })
  .meta({ id: 'WebhookDeliveries' });
export type WebhookDeliveriesResponse = z.infer<typeof WebhookDeliveriesResponseSchema>;

/** The body of every webhook delivery (Standard Webhooks: type, timestamp, data; `decisions` kept from 0.2). */
export const WebhookPayloadSchema = z
  .object({ type: z.literal('decisions.final'), timestamp, data: z.object({ decisions: z.array(FinalDecisionSchema) }), decisions: z.array(FinalDecisionSchema) })
  .meta({ id: 'WebhookPayload' });
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;

/** `?limit=` of the delivery history (1-500, default 100). */
export const DeliveriesQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

// --- admin: API keys ---------------------------------------------------------------------------

export const NewApiKeySchema = z
  .object({
    gameId: id('gameId'),
    label: z.string().max(200).optional().meta({ description: 'Who or what the key is for; shown in the list.' }),
  })
  .strict()
  .meta({ id: 'NewApiKey' });

export const ApiKeysQuerySchema = z.object({ gameId: z.string().min(1).max(128).optional(), includeRevoked: z.enum(['true', 'false']).default('false') }).strict();

export const ApiKeyInfoSchema = z
  .object({
    keyId: z.string(),
    gameId: z.string(),
    source: z.enum(['api', 'config']).meta({ description: '`config`: from GAME_API_KEYS (rotated by changing config); `api`: made here.' }),
    label: z.string().optional(),
    createdAt: timestamp.nullable(),
    revokedAt: timestamp.optional(),
  })
  .meta({ id: 'ApiKeyInfo' });
export type ApiKeyInfo = z.infer<typeof ApiKeyInfoSchema>;
export const ApiKeysResponseSchema = z.object({ keys: z.array(ApiKeyInfoSchema) }).meta({ id: 'ApiKeys' });
export type ApiKeysResponse = z.infer<typeof ApiKeysResponseSchema>;
export const CreatedApiKeySchema = ApiKeyInfoSchema.extend({
  key: z.string().meta({ description: 'The key itself: shown this once, never stored (only its SHA-256 is).' }),
}).meta({ id: 'CreatedApiKey' });
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;
