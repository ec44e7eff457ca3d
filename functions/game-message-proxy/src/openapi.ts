// The gateway's OpenAPI 3.1 document, generated from the contract's zod schemas by zod-openapi
// (one source of truth: the schemas the handlers validate with), served at GET /openapi.json.
// clients/typescript is generated from it; tests check it against the routes the gateway serves.
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import {
  AnalyzeCommentRequestSchema,
  AnalyzeCommentResponseSchema,
  ApiErrorSchema,
  ApiKeysResponseSchema,
  CreatedApiKeySchema,
  DecisionSchema,
  GoogleErrorSchema,
  type HttpRoute,
  json,
  MAX_BATCH,
  MAX_WAIT_SECONDS,
  MessageInputSchema,
  MessagesResponseSchema,
  NewApiKeySchema,
  ApiKeyInfoSchema,
  PlayerReputationSchema,
  AppealInfoSchema,
  AppealRequestSchema,
  TermCheckRequestSchema,
  TermCheckResponseSchema,
  TermListHistorySchema,
  TermListRequestSchema,
  TermListSavedSchema,
  TermListVersionSchema,
  ChampionMoveResponseSchema,
  MODEL_NAMES,
  ModelPromoteRequestSchema,
  ModelRollbackRequestSchema,
  ModelsResponseSchema,
  WebhookDeliveriesResponseSchema,
  WebhookPayloadSchema,
} from '@sinbin/contract';

const VERSION = '0.2.0';

const error = (description: string) => ({ description, content: { 'application/json': { schema: ApiErrorSchema } } });
const googleError = (description: string) => ({ description, content: { 'application/json': { schema: GoogleErrorSchema } } });
const body = <S extends z.ZodType>(schema: S) => ({ content: { 'application/json': { schema } } });
const gameAuth = [{ gameKey: [] }];
const adminAuth = [{ adminToken: [] }];
/** What every admin route may answer before it looks at the request. */
const adminDenied = { '401': error('admin-unauthorized'), '403': error('admin-disabled') };

const prefer = z
  .string()
  .optional()
  .meta({ description: `RFC 7240 \`wait=<seconds>\`: wait up to that long (at most ${MAX_WAIT_SECONDS}; longer is clamped, malformed is ignored) for the final decisions.`, example: 'wait=2' });

const common = {
  '401': error('missing-api-key, unknown-api-key'),
  '429': error('rate-limited (see Retry-After)'),
};

const operations: Record<string, Record<string, ZodOpenApiOperationObject>> = {
  '/v1/messages': {
    post: {
      operationId: 'sendMessages',
      summary: 'Send chat messages for moderation',
      description:
        'One message, or `{"messages": [...]}` (up to ' +
        MAX_BATCH +
        '). 202 once every message is stored; with `Prefer: wait=N`, 200 with every decision when all came within N seconds, else 202 listing which are decided and which pending. A client messageId is an idempotency key: a repeat with the same content is answered as the first was; with other content it is 409 and nothing is published.',
      security: gameAuth,
      requestParams: { header: z.object({ prefer }) },
      requestBody: body(z.union([MessageInputSchema, z.object({ messages: z.array(MessageInputSchema).min(1).max(MAX_BATCH) })])),
      responses: {
        '200': { description: 'Every message is decided (only when the request asked to wait).', ...body(MessagesResponseSchema) },
        '202': { description: 'Every message is stored; those decided within the wait carry their decision.', ...body(MessagesResponseSchema) },
        '400': error('invalid-json, invalid-body, invalid-message, invalid-batch, batch-too-large, text-too-long, duplicate-message-id'),
        ...common,
        '409': error('message-id-conflict: a messageId was used for other content; nothing was published'),
        '413': error('body-too-large'),
        '415': error('unsupported-media-type'),
        '503': error('unavailable: nothing was stored; retry with the same messageIds'),
      },
    },
  },
  '/v1/decisions/{messageId}': {
    get: {
      operationId: 'getDecision',
      summary: "A message's final decision",
      description: 'With `Prefer: wait=N`, waits up to N seconds for it.',
      security: gameAuth,
      requestParams: { path: z.object({ messageId: z.string() }), header: z.object({ prefer }) },
      responses: { '200': { description: 'The final decision.', ...body(DecisionSchema) }, ...common, '404': error('not-found: pending or unknown') },
    },
  },
  '/v1/webhook-deliveries': {
    get: {
      operationId: 'getWebhookDeliveries',
      summary: "This game's webhook delivery attempts and dead letters, newest first",
      security: gameAuth,
      requestParams: { query: z.object({ limit: z.string().optional().meta({ description: '1-500, default 100' }) }) },
      responses: { '200': { description: 'Attempts and dead letters.', ...body(WebhookDeliveriesResponseSchema) }, '400': error('invalid-query'), ...common },
    },
  },
  '/v1/decisions/{messageId}/appeal': {
    post: {
      operationId: 'appealDecision',
      summary: "Relay a player's appeal of a blocked decision: opens an appeal case for a moderator other than the one who decided",
      security: gameAuth,
      requestParams: { path: z.object({ messageId: z.string() }) },
      requestBody: body(AppealRequestSchema),
      responses: {
        '201': { description: 'The appeal, open until a moderator decides it or dueAt passes.', ...body(AppealInfoSchema) },
        '400': error('invalid-json, invalid-appeal'),
        '401': error('missing-api-key, unknown-api-key'),
        '404': error('not-found (no decision, or another game\'s)'),
        '409': error('already-appealed, not-appealable'),
        '429': error('rate-limited'),
        '503': error('unavailable'),
      },
    },
    get: {
      operationId: 'getAppeal',
      summary: 'The appeal of a decision and its outcome',
      security: gameAuth,
      requestParams: { path: z.object({ messageId: z.string() }) },
      responses: { '200': { description: 'The appeal.', ...body(AppealInfoSchema) }, '401': error('missing-api-key, unknown-api-key'), '404': error('not-found') },
    },
  },
  '/v1/players/{playerId}': {
    get: {
      operationId: 'getPlayer',
      summary: "A player's standing in this game: decayed standing, offences by category and severity, sanctions in force, recent blocked decisions",
      security: gameAuth,
      requestParams: { path: z.object({ playerId: z.string() }) },
      responses: { '200': { description: 'The reputation.', ...body(PlayerReputationSchema) }, '400': error('invalid-player-id'), '401': error('missing-api-key, unknown-api-key'), '404': error('not-found (unknown here, or another game\'s player)'), '429': error('rate-limited') },
    },
  },
  '/v1alpha1/comments:analyze': {
    post: {
      operationId: 'analyzeComment',
      summary: 'Perspective-compatible scoring of one comment',
      description: 'Scores only: publishes no decision, opens no moderation case, stores and logs no text. Errors in Google\'s shape with Perspective\'s error types.',
      security: [{ googleApiKey: [] }, { gameKey: [] }],
      requestParams: { query: z.object({ key: z.string().optional().meta({ description: 'A game API key (as Perspective clients send theirs).' }) }) },
      requestBody: body(AnalyzeCommentRequestSchema),
      responses: {
        '200': { description: 'Scores of the requested attributes.', ...body(AnalyzeCommentResponseSchema) },
        '400': googleError('INVALID_ARGUMENT: COMMENT_EMPTY, COMMENT_TOO_LONG, NO_REQUESTED_ATTRIBUTES, LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE, INVALID_REQUEST'),
        '403': googleError('PERMISSION_DENIED: missing or invalid key'),
        '429': googleError('RESOURCE_EXHAUSTED'),
      },
    },
  },
  '/admin/v1/keys': {
    get: {
      operationId: 'listApiKeys',
      summary: 'API keys by id and creation date (never their value)',
      security: adminAuth,
      requestParams: { query: z.object({ gameId: z.string().optional(), includeRevoked: z.enum(['true', 'false']).optional() }) },
      responses: { '200': { description: 'Keys.', ...body(ApiKeysResponseSchema) }, '400': error('invalid-query'), ...adminDenied },
    },
    post: {
      operationId: 'createApiKey',
      summary: 'Make a key for a game (at most two live per game: rotate by creating, switching, revoking)',
      security: adminAuth,
      requestBody: body(NewApiKeySchema),
      responses: { '201': { description: 'The key, shown this once.', ...body(CreatedApiKeySchema) }, '400': error('invalid-json, invalid-body'), ...adminDenied, '409': error('key-limit') },
    },
  },
  '/admin/v1/keys/{keyId}': {
    delete: {
      operationId: 'revokeApiKey',
      summary: 'Revoke a key (other replicas stop accepting it within API_KEY_CACHE_MS)',
      security: adminAuth,
      requestParams: { path: z.object({ keyId: z.string() }) },
      responses: { '200': { description: 'The revoked key.', ...body(ApiKeyInfoSchema) }, ...adminDenied, '404': error('not-found'), '409': error('config-key') },
    },
  },
  '/admin/v1/games/{gameId}/webhook-deliveries': {
    get: {
      operationId: 'getGameWebhookDeliveries',
      summary: "A game's webhook delivery attempts and dead letters",
      security: adminAuth,
      requestParams: { path: z.object({ gameId: z.string() }), query: z.object({ limit: z.string().optional() }) },
      responses: { '200': { description: 'Attempts and dead letters.', ...body(WebhookDeliveriesResponseSchema) }, '400': error('invalid-query'), ...adminDenied },
    },
  },
  '/admin/v1/games/{gameId}/term-lists': {
    get: {
      operationId: 'getTermLists',
      summary: "A game's term lists in force (version null: none)",
      security: adminAuth,
      requestParams: { path: z.object({ gameId: z.string() }) },
      responses: { '200': { description: 'The latest version.', ...body(TermListVersionSchema) }, '400': error('invalid-body'), ...adminDenied },
    },
    put: {
      operationId: 'saveTermLists',
      summary: "Save a game's block and allow lists as a new version (in force within POLICY_REFRESH_MS everywhere)",
      security: adminAuth,
      requestParams: { path: z.object({ gameId: z.string() }) },
      requestBody: body(TermListRequestSchema),
      responses: {
        '200': { description: 'Saved as a new version (or unchanged), with what changed.', ...body(TermListSavedSchema) },
        '201': { description: "The game's first version.", ...body(TermListSavedSchema) },
        '400': error('invalid-json, invalid-term-list (every problem listed; nothing saved)'),
        ...adminDenied,
        '409': error('version-conflict'),
      },
    },
  },
  '/admin/v1/games/{gameId}/term-lists/versions': {
    get: {
      operationId: 'getTermListHistory',
      summary: 'Every version, newest first: who saved it, when, why, what it changed (the audit)',
      security: adminAuth,
      requestParams: { path: z.object({ gameId: z.string() }), query: z.object({ limit: z.string().optional(), before: z.string().optional() }) },
      responses: { '200': { description: 'Versions.', ...body(TermListHistorySchema) }, '400': error('invalid-query'), ...adminDenied },
    },
  },
  '/admin/v1/games/{gameId}/term-lists/versions/{version}': {
    get: {
      operationId: 'getTermListVersion',
      summary: 'One version of the lists',
      security: adminAuth,
      requestParams: { path: z.object({ gameId: z.string(), version: z.string() }) },
      responses: { '200': { description: 'The version.', ...body(TermListVersionSchema) }, ...adminDenied, '404': error('not-found') },
    },
  },
  '/admin/v1/games/{gameId}/term-lists/check': {
    post: {
      operationId: 'checkTermLists',
      summary: "What the game's lists find in a text, and what the models would read",
      security: adminAuth,
      requestParams: { path: z.object({ gameId: z.string() }) },
      requestBody: body(TermCheckRequestSchema),
      responses: { '200': { description: 'Hits.', ...body(TermCheckResponseSchema) }, '400': error('invalid-json, invalid-body'), ...adminDenied },
    },
  },
  '/admin/v1/models': {
    get: {
      operationId: 'listModels',
      summary: 'Registered model versions, their aliases (champion, challenger) and the champion history',
      security: adminAuth,
      responses: { '200': { description: 'Models.', ...body(ModelsResponseSchema) }, ...adminDenied, '503': error('unavailable') },
    },
  },
  '/admin/v1/models/{model}/promote': {
    post: {
      operationId: 'promoteModel',
      summary: 'Make a version champion (checked as a function would load it first); running functions follow within MODEL_REGISTRY_POLL_MS',
      security: adminAuth,
      requestParams: { path: z.object({ model: z.enum(MODEL_NAMES) }) },
      requestBody: body(ModelPromoteRequestSchema),
      responses: {
        '200': { description: 'The new and the previous champion.', ...body(ChampionMoveResponseSchema) },
        '400': error('invalid-json, invalid-body'),
        ...adminDenied,
        '404': error('not-found'),
        '409': error('version-conflict'),
        '422': error('invalid-artefact'),
        '503': error('unavailable'),
      },
    },
  },
  '/admin/v1/models/{model}/rollback': {
    post: {
      operationId: 'rollbackModel',
      summary: 'Make the previous champion champion again',
      security: adminAuth,
      requestParams: { path: z.object({ model: z.enum(MODEL_NAMES) }) },
      requestBody: body(ModelRollbackRequestSchema),
      responses: {
        '200': { description: 'The new and the previous champion.', ...body(ChampionMoveResponseSchema) },
        '400': error('invalid-json, invalid-body'),
        ...adminDenied,
        '404': error('not-found'),
        '409': error('version-conflict, no-previous-version'),
        '503': error('unavailable'),
      },
    },
  },
  '/openapi.json': {
    get: { operationId: 'getOpenApi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.object({}).passthrough() } } } } },
  },
};

export function gatewayOpenApi(): ReturnType<typeof createDocument> {
  return createDocument({
    openapi: '3.1.0',
    info: { title: 'sinbin gateway API', version: VERSION, description: 'What game backends call: send chat messages, read or wait for final decisions, webhook deliveries, the Perspective-compatible analyze call, and the admin API for keys and model versions.' },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'make run / make up' }],
    components: {
      securitySchemes: {
        gameKey: { type: 'http', scheme: 'bearer', description: 'A game API key (GAME_API_KEYS or the admin API).' },
        googleApiKey: { type: 'apiKey', in: 'query', name: 'key', description: 'A game API key in the query, as Perspective clients send theirs.' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'A token from GATEWAY_ADMIN_TOKENS.' },
      },
    },
    paths: operations as ZodOpenApiPathsObject,
    webhooks: {
      decisions: {
        post: {
          operationId: 'receiveDecisions',
          summary: "Final decisions POSTed to the game's webhook (GAME_WEBHOOKS)",
          description:
            'Standard Webhooks: webhook-id (the same on every retry of a batch), webhook-timestamp and webhook-signature (`v1,<base64 HMAC-SHA256>`, one per secret during a rotation). Refuse deliveries older than 5 minutes and ids already seen. Answer 2xx once stored; 5xx, 408, 429 and network errors are retried with backoff, then dead-lettered (GET /v1/webhook-deliveries).',
          requestParams: { header: z.object({ 'webhook-id': z.string(), 'webhook-timestamp': z.string(), 'webhook-signature': z.string().optional() }) },
          requestBody: body(WebhookPayloadSchema),
          responses: { '204': { description: 'Stored.' } },
        },
      },
    },
  });
}

export function openApiRoute(): HttpRoute {
  let document: unknown;
  return { method: 'GET', path: '/openapi.json', handler: () => json(200, (document ??= gatewayOpenApi())) };
}
