// The gateway game backends call: POST /v1/messages (202 once every message is on
// raw-messages), GET /v1/decisions/:messageId. It also consumes final-decisions, keeping them
// readable by id and pushing them to the game's webhook.
import { z } from 'zod';
import {
  apiError,
  BoundedMap,
  defineFunction,
  encodeRecord,
  GameApiKeysSchema,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  intVar,
  json,
  newMessageId,
  outbound,
} from '@sinbin/contract';
import { bearerToken, parseMessagesRequest, toChatMessage } from './core';
import { WebhookConfigSchema, WebhookDispatcher } from './webhooks';

export const GatewayEnvSchema = z.object({
  GAME_API_KEYS: GameApiKeysSchema,
  GAME_WEBHOOKS: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (!raw) return {};
      try {
        return WebhookConfigSchema.parse(JSON.parse(raw));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `GAME_WEBHOOKS must be JSON {"gameId": {"url": ..., "secret"?: ...}}: ${String(error)}` });
        return z.NEVER;
      }
    }),
  WEBHOOK_BATCH_MS: intVar(20, 1, 10_000),
});

export default defineFunction({
  name: 'game-message-proxy',
  description: 'Gateway: POST /v1/messages, GET /v1/decisions/:id; keeps final decisions readable and pushes webhooks.',
  consumes: ['final-decisions'],
  produces: ['raw-messages'],
  scaleToZero: false,
  priority: 'latency',
  http: { portVariable: 'GATEWAY_PORT', defaultPort: 8080 },
  env: GatewayEnvSchema,
  secrets: ['GAME_API_KEYS', 'GAME_WEBHOOKS'],
  stores: ['decisions'],
  deploy: {
    minScale: 2,
    maxScale: 20,
    targetConcurrency: 100,
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    execTimeout: '30s',
    environment: { WEBHOOK_BATCH_MS: '20' },
  },
  async start({ config, stores, publisher, log, metrics, now }) {
    const webhooks = new WebhookDispatcher(config.GAME_WEBHOOKS, log, { batchMs: config.WEBHOOK_BATCH_MS, maxBatch: 200, maxAttempts: 6 });
    const acceptedTotal = metrics.counter({ name: 'sinbin_gateway_messages_accepted_total', help: 'Chat messages accepted (202) by the gateway, by game.', labelNames: ['game'] });
    const rejectedTotal = metrics.counter({ name: 'sinbin_gateway_requests_rejected_total', help: 'Gateway requests rejected, by reason.', labelNames: ['reason'] });
    // Client-supplied messageIds already accepted: a retried POST is answered, not republished.
    const accepted = new BoundedMap<string, true>(1_000_000);

    function gameOf(req: HttpRequest): string | undefined {
      const key = bearerToken(req.headers['authorization']);
      return key === undefined ? undefined : config.GAME_API_KEYS.get(key);
    }

    function unauthorized(req: HttpRequest): HttpResponse {
      const missing = bearerToken(req.headers['authorization']) === undefined;
      rejectedTotal.inc({ reason: missing ? 'missing-key' : 'unknown-key' });
      const headers = { 'www-authenticate': 'Bearer' };
      return missing ? apiError('missing-api-key', 'send Authorization: Bearer <game API key>', { headers }) : apiError('unknown-api-key', 'the API key is not valid', { headers });
    }

    async function postMessages(req: HttpRequest): Promise<HttpResponse> {
      const gameId = gameOf(req);
      if (!gameId) return unauthorized(req);
      const contentType = req.headers['content-type'];
      const parsed = parseMessagesRequest(Array.isArray(contentType) ? contentType[0] : contentType, req.body);
      if (!parsed.ok) {
        rejectedTotal.inc({ reason: parsed.error });
        return apiError(parsed.error, parsed.message, { details: parsed.issues ? { issues: parsed.issues } : {} });
      }
      const at = now();
      const ids = parsed.messages.map((m) => m.messageId ?? newMessageId());
      const fresh = parsed.messages
        .map((m, i) => ({ message: toChatMessage(m, gameId, ids[i]!, at), supplied: m.messageId !== undefined }))
        .filter(({ message, supplied }) => !supplied || !accepted.has(`${gameId}\u0000${message.messageId}`));
      try {
        await publisher.publish(fresh.map(({ message }) => encodeRecord(outbound('raw-messages', message), 'game-message-proxy', at)));
      } catch (error) {
        rejectedTotal.inc({ reason: 'unavailable' });
        log.warn({ err: String(error), gameId }, 'raw-messages unavailable; asking client to retry');
        return apiError('unavailable', 'messages could not be stored; retry later with the same messageIds', { headers: { 'retry-after': '1' } });
      }
      for (const { message, supplied } of fresh) if (supplied) accepted.set(`${gameId}\u0000${message.messageId}`, true);
      acceptedTotal.inc({ game: gameId }, fresh.length);
      return json(202, { accepted: ids.map((messageId) => ({ messageId })) });
    }

    async function getDecision(req: HttpRequest): Promise<HttpResponse> {
      const gameId = gameOf(req);
      if (!gameId) return unauthorized(req);
      // Keyed by game: another game's messageId is indistinguishable from an unknown one.
      const decision = await stores.decisions.get(gameId, req.params.messageId!);
      return decision ? json(200, decision) : apiError('not-found', 'no decision yet for this messageId (pending or unknown)');
    }

    const routes: HttpRoute[] = [
      { method: 'POST', path: '/v1/messages', handler: postMessages },
      { method: 'GET', path: '/v1/decisions/:messageId', handler: getDecision },
    ];

    return {
      routes,
      async handle(delivery) {
        if (delivery.topic !== 'final-decisions') return [];
        if (await stores.decisions.put(delivery.event)) webhooks.enqueue(delivery.event);
        return [];
      },
      async stop() {
        await webhooks.stop();
      },
    };
  },
});
