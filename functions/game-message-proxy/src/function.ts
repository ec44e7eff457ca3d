// The gateway game backends call: POST /v1/messages (202 once every message is on
// raw-messages), GET /v1/decisions/:messageId. It also consumes final-decisions, keeping them
// readable by id and pushing them to the game's webhook.
import { z } from 'zod';
import { GameApiKeysSchema, intVar, parseEnv } from '@sinbin/shared/config';
import { defineFunction } from '@sinbin/shared/function';
import { BoundedMap } from '@sinbin/shared/stores/memory';
import { json, problem, type HttpRequest, type HttpResponse, type HttpRoute } from '@sinbin/shared/http/router';
import { newMessageId } from '@sinbin/shared/ids';
import { metrics } from '@sinbin/shared/metrics';
import { encodeRecord, outbound } from '@sinbin/shared/transport/record';
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
  consumes: ['final-decisions'],
  produces: ['raw-messages'],
  scaleToZero: false,
  async start({ env, stores, publisher, log, now }) {
    const config = parseEnv(GatewayEnvSchema, env);
    const webhooks = new WebhookDispatcher(config.GAME_WEBHOOKS, log, { batchMs: config.WEBHOOK_BATCH_MS, maxBatch: 200, maxAttempts: 6 });
    // Client-supplied messageIds already accepted: a retried POST is answered, not republished.
    const accepted = new BoundedMap<string, true>(1_000_000);

    function gameOf(req: HttpRequest): string | undefined {
      const key = bearerToken(req.headers['authorization']);
      return key === undefined ? undefined : config.GAME_API_KEYS.get(key);
    }

    function unauthorized(req: HttpRequest): HttpResponse {
      const missing = bearerToken(req.headers['authorization']) === undefined;
      metrics.gatewayRejected.inc({ reason: missing ? 'missing-key' : 'unknown-key' });
      return problem(401, missing ? 'missing-api-key' : 'unknown-api-key', missing ? 'send Authorization: Bearer <game API key>' : 'the API key is not valid', {
        'www-authenticate': 'Bearer',
      });
    }

    async function postMessages(req: HttpRequest): Promise<HttpResponse> {
      const gameId = gameOf(req);
      if (!gameId) return unauthorized(req);
      const contentType = req.headers['content-type'];
      const parsed = parseMessagesRequest(Array.isArray(contentType) ? contentType[0] : contentType, req.body);
      if (!parsed.ok) {
        metrics.gatewayRejected.inc({ reason: parsed.error });
        return json(parsed.status, { error: parsed.error, message: parsed.message, ...(parsed.issues ? { issues: parsed.issues } : {}) });
      }
      const at = now();
      const ids = parsed.messages.map((m) => m.messageId ?? newMessageId());
      const fresh = parsed.messages
        .map((m, i) => ({ message: toChatMessage(m, gameId, ids[i]!, at), supplied: m.messageId !== undefined }))
        .filter(({ message, supplied }) => !supplied || !accepted.has(`${gameId}\u0000${message.messageId}`));
      try {
        await publisher.publish(fresh.map(({ message }) => encodeRecord(outbound('raw-messages', message), 'game-message-proxy', at)));
      } catch (error) {
        metrics.gatewayRejected.inc({ reason: 'unavailable' });
        log.warn({ err: String(error), gameId }, 'raw-messages unavailable; asking client to retry');
        return problem(503, 'unavailable', 'messages could not be stored; retry later with the same messageIds', { 'retry-after': '1' });
      }
      for (const { message, supplied } of fresh) if (supplied) accepted.set(`${gameId}\u0000${message.messageId}`, true);
      metrics.gatewayAccepted.inc({ game: gameId }, fresh.length);
      return json(202, { accepted: ids.map((messageId) => ({ messageId })) });
    }

    async function getDecision(req: HttpRequest): Promise<HttpResponse> {
      const gameId = gameOf(req);
      if (!gameId) return unauthorized(req);
      // Keyed by game: another game's messageId is indistinguishable from an unknown one.
      const decision = await stores.decisions.get(gameId, req.params.messageId!);
      return decision ? json(200, decision) : problem(404, 'not-found', 'no decision yet for this messageId (pending or unknown)');
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
