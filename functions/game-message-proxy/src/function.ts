// The gateway game backends call: POST /v1/messages (202 once every message is on raw-messages,
// or on limited-messages when it broke the game's flood and spam limits, or 200 with the
// decisions when the client asked to wait and they came in time), GET
// /v1/decisions/:messageId, the Perspective-compatible POST /v1alpha1/comments:analyze, webhook
// delivery history, the admin API for keys, and /openapi.json. It also consumes final-decisions,
// keeping them readable by id, waking waiting requests and pushing them to the game's webhook.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  apiError,
  boolVar,
  defineFunction,
  DeliveriesQuerySchema,
  encodeRecord,
  type FinalDecision,
  GameApiKeysSchema,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  intVar,
  json,
  LIMIT_WINDOW_MAX_SECONDS,
  LivePolicies,
  type MessagesResponse,
  newMessageId,
  outbound,
  policyFileVar,
  type SentMessage,
  type WebhookDeliveriesResponse,
} from '@sinbin/contract';
import { adminGuard, adminRoutes } from './admin';
import { modelAdminRoutes } from './models-admin';
import { analyzeRoute } from './analyze';
import { appealRoutes } from './appeals';
import { acceptedAnswers, bearerToken, canonicalContent, parseMessagesRequest, preferredWait, toChatMessage } from './core';
import { FloodGuard } from './flood';
import { AdminTokens, type Caller, KeyRing } from './keys';
import { KeyRateLimiter } from './limits';
import { openApiRoute } from './openapi';
import { playerRoute } from './reputation';
import { DecisionWaiter } from './sync';
import { WebhookConfigSchema, WebhookDispatcher } from './webhooks';

const tokenList = z
  .string()
  .optional()
  .transform((raw) => (raw ?? '').split(',').map((t) => t.trim()).filter(Boolean))
  .refine((tokens) => tokens.every((t) => t.length >= 16), { message: 'each admin token needs at least 16 characters (or give sha256:<hex of the token>)' });

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
        ctx.addIssue({ code: 'custom', message: `GAME_WEBHOOKS must be JSON {"gameId": {"url": ..., "secret"?: ..., "secrets"?: [...]}}: ${String(error)}` });
        return z.NEVER;
      }
    }),
  WEBHOOK_BATCH_MS: intVar(20, 1, 10_000),
  WEBHOOK_MAX_ATTEMPTS: intVar(8, 1, 50),
  WEBHOOK_RETRY_BASE_MS: intVar(500, 1, 600_000),
  /** Also send the 0.2 `x-sinbin-signature` header (and its former name). Removed in 0.3.0. */
  WEBHOOK_LEGACY_SIGNATURE: boolVar(true),
  /** Admin API tokens (plain, or `sha256:<hex>` so config holds no token); none turns the admin API off. */
  GATEWAY_ADMIN_TOKENS: tokenList,
  /** How often waiting requests look in the shared decision store for decisions another replica consumed (0: never). */
  SYNC_POLL_MS: intVar(200, 0, 10_000),
  /** How long a client messageId is remembered for idempotency. */
  IDEMPOTENCY_WINDOW_HOURS: intVar(24, 1, 24 * 30),
  /** Requests a second per API key (each replica counts its own); 0 turns the limit off. */
  RATE_LIMIT_PER_KEY: intVar(2000, 0),
  /** How long a stored key's record is cached: a revocation reaches other replicas within it. */
  API_KEY_CACHE_MS: intVar(5000, 0, 600_000),
  FAST_MODEL_DIR: z.string().optional(),
  // The seed of the policy versions (their `limits` are the flood and spam limits); leads manage versions after.
  GAME_POLICIES_FILE: policyFileVar(),
  /** How often the policy heads are read, so a lead's change to the limits reaches every replica (ms; 0: only at start). */
  POLICY_REFRESH_MS: intVar(2000, 0),
});
export type GatewayConfig = z.infer<typeof GatewayEnvSchema>;

export const MAX_LIVE_KEYS_PER_GAME = 2;

export default defineFunction({
  name: 'game-message-proxy',
  description: 'Gateway: POST /v1/messages (with synchronous answers and the flood and spam limits), GET /v1/decisions/:id, the Perspective-compatible analyze call; keeps final decisions readable and pushes webhooks.',
  consumes: ['final-decisions'],
  produces: ['raw-messages', 'limited-messages', 'moderation-required'],
  scaleToZero: false,
  priority: 'latency',
  http: { portVariable: 'GATEWAY_PORT', defaultPort: 8080, bodyLimit: 2 * 1024 * 1024 },
  env: GatewayEnvSchema,
  secrets: ['GAME_API_KEYS', 'GAME_WEBHOOKS', 'GATEWAY_ADMIN_TOKENS'],
  stores: ['decisions', 'sends', 'apiKeys', 'webhooks', 'outbox', 'registry', 'artefacts', 'limits', 'documents', 'termLists', 'reputation', 'appeals'],
  deploy: {
    minScale: 2,
    maxScale: 20,
    targetConcurrency: 100,
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    execTimeout: '30s',
    environment: { WEBHOOK_BATCH_MS: '20', FAST_MODEL_DIR: '/home/app/models/fast' },
    model: 'fast',
  },
  async start({ config, stores, publisher, log, metrics, now }) {
    const webhooks = new WebhookDispatcher(config.GAME_WEBHOOKS, log, stores.webhooks, {
      batchMs: config.WEBHOOK_BATCH_MS,
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      baseDelayMs: config.WEBHOOK_RETRY_BASE_MS,
      legacySignature: config.WEBHOOK_LEGACY_SIGNATURE,
    }, undefined, stores.outbox);
    const recovered = await webhooks.recover();
    if (recovered > 0) log.info({ count: recovered }, 'resending webhook deliveries owed from before the restart');
    const acceptedTotal = metrics.counter({ name: 'sinbin_gateway_messages_accepted_total', help: 'Chat messages accepted (202) by the gateway, by game.', labelNames: ['game'] });
    const rejectedTotal = metrics.counter({ name: 'sinbin_gateway_requests_rejected_total', help: 'Gateway requests rejected, by reason.', labelNames: ['reason'] });
    const syncAnswers = metrics.counter({ name: 'sinbin_gateway_sync_answers_total', help: 'Answers to requests that asked to wait, by whether every decision came in time.', labelNames: ['outcome'] });
    const waiter = new DecisionWaiter(stores.decisions, { pollMs: config.SYNC_POLL_MS, gauge: metrics.gauge({ name: 'sinbin_gateway_waiting_messages', help: 'Messages whose final decision a request is waiting for.', labelNames: [] }) });
    const keys = new KeyRing(config.GAME_API_KEYS, stores.apiKeys, config.API_KEY_CACHE_MS);
    const limiter = new KeyRateLimiter(config.RATE_LIMIT_PER_KEY);
    const policies = await LivePolicies.start({ store: stores.documents, seed: config.GAME_POLICIES_FILE, log, refreshMs: config.POLICY_REFRESH_MS, now });
    const flood = new FloodGuard(stores.limits, policies, log, metrics);

    /** The caller of a game route, or the answer that refuses it (401, 429). */
    async function authenticate(req: HttpRequest): Promise<Caller | HttpResponse> {
      const presented = bearerToken(req.headers['authorization']);
      const caller = await keys.identify(presented);
      if (!caller) {
        rejectedTotal.inc({ reason: presented === undefined ? 'missing-key' : 'unknown-key' });
        const headers = { 'www-authenticate': 'Bearer' };
        return presented === undefined ? apiError('missing-api-key', 'send Authorization: Bearer <game API key>', { headers }) : apiError('unknown-api-key', 'the API key is not valid', { headers });
      }
      const retryAfter = await limiter.take(caller.keyId);
      if (retryAfter !== undefined) {
        rejectedTotal.inc({ reason: 'rate-limited' });
        return apiError('rate-limited', `over ${config.RATE_LIMIT_PER_KEY} requests a second with this key; retry after ${retryAfter} s`, { headers: { 'retry-after': String(retryAfter) } });
      }
      return caller;
    }

    const waitHeaders = (wait: number | undefined): Record<string, string> => (wait === undefined ? { vary: 'prefer' } : { vary: 'prefer', 'preference-applied': `wait=${wait}` });

    async function postMessages(req: HttpRequest): Promise<HttpResponse> {
      const caller = await authenticate(req);
      if ('status' in caller) return caller;
      const { gameId } = caller;
      const contentType = req.headers['content-type'];
      const parsed = parseMessagesRequest(Array.isArray(contentType) ? contentType[0] : contentType, req.body);
      if (!parsed.ok) {
        rejectedTotal.inc({ reason: parsed.error });
        return apiError(parsed.error, parsed.message, { details: parsed.issues ? { issues: parsed.issues } : {} });
      }
      const wait = preferredWait(req.headers['prefer']);
      const at = now();
      const ids = parsed.messages.map((m) => m.messageId ?? newMessageId());
      // Client ids are idempotency keys, claimed in the shared ledger before anything is published.
      const supplied: { index: number; send: SentMessage }[] = [];
      parsed.messages.forEach((m, index) => {
        if (m.messageId !== undefined) supplied.push({ index, send: { gameId, messageId: m.messageId, fingerprint: createHash('sha256').update(canonicalContent(m)).digest('base64url') } });
      });
      let claims;
      try {
        claims = await stores.sends.claim(supplied.map((s) => s.send), at);
      } catch (error) {
        log.warn({ err: String(error), gameId }, 'send ledger unavailable; asking client to retry');
        return apiError('unavailable', 'messages could not be checked for repeats; retry later with the same messageIds', { headers: { 'retry-after': '1' } });
      }
      const claimedNow = supplied.filter((_, i) => claims[i]!.outcome === 'new').map((s) => s.send);
      const conflicts = supplied.filter((_, i) => claims[i]!.outcome === 'conflict').map((s) => s.send.messageId);
      if (conflicts.length > 0) {
        await stores.sends.release(claimedNow).catch(() => undefined);
        rejectedTotal.inc({ reason: 'message-id-conflict' });
        return apiError('message-id-conflict', `messageId ${conflicts[0]} was already used for a message with other content; nothing was published`, { details: { conflicts } });
      }
      // Publish what is new, and repeats whose first publish never finished (a decision per id holds downstream).
      const repeatIndexes = new Set(supplied.filter((_, i) => claims[i]!.outcome === 'repeat').map((s) => s.index));
      const alreadyOut = new Set(supplied.filter((_, i) => { const c = claims[i]!; return c.outcome === 'repeat' && c.published; }).map((s) => s.index));
      const toPublish = parsed.messages.map((m, i) => ({ i, message: toChatMessage(m, gameId, ids[i]!, at) })).filter(({ i }) => !alreadyOut.has(i));
      const stopWaiting = new AbortController();
      req.signal?.addEventListener('abort', () => stopWaiting.abort(), { once: true });
      // Waiting starts before publishing, so no decision can slip between the two.
      const waiting = wait ? waiter.wait(gameId, ids, wait * 1000, { signal: stopWaiting.signal, checkNow: repeatIndexes.size > 0 }) : undefined;
      // Flood and spam limits first: a limited message goes to the decision manager, not the models.
      const limits = await flood.check(toPublish.map(({ message }) => message));
      const records = toPublish.map(({ message }, k) => {
        const limit = limits[k];
        const out = limit ? outbound('limited-messages', { message, limit, limitedAt: at.toISOString() }) : outbound('raw-messages', message);
        return encodeRecord(out, 'game-message-proxy', at);
      });
      try {
        await publisher.publish(records);
      } catch (error) {
        stopWaiting.abort();
        await stores.sends.release(supplied.filter((s) => !alreadyOut.has(s.index)).map((s) => s.send)).catch(() => undefined);
        rejectedTotal.inc({ reason: 'unavailable' });
        log.warn({ err: String(error), gameId }, 'raw-messages unavailable; asking client to retry');
        return apiError('unavailable', 'messages could not be stored; retry later with the same messageIds', { headers: { 'retry-after': '1' } });
      }
      await stores.sends.markPublished(supplied.filter((s) => !alreadyOut.has(s.index)).map((s) => s.send)).catch((error) => log.warn({ err: String(error), gameId }, 'could not mark sends published; a retry republishes them'));
      acceptedTotal.inc({ game: gameId }, ids.length - repeatIndexes.size);
      let decisions: Map<string, FinalDecision>;
      if (waiting) decisions = await waiting;
      else if (repeatIndexes.size > 0) decisions = new Map((await stores.decisions.getMany(gameId, [...repeatIndexes].map((i) => ids[i]!))).map((d) => [d.messageId, d]));
      else decisions = new Map();
      const accepted = acceptedAnswers(ids, decisions);
      const allDecided = decisions.size === ids.length;
      if (wait !== undefined) syncAnswers.inc({ outcome: allDecided ? 'decided' : 'pending' });
      return json(wait !== undefined && allDecided ? 200 : 202, { accepted } satisfies MessagesResponse, waitHeaders(wait));
    }

    async function getDecision(req: HttpRequest): Promise<HttpResponse> {
      const caller = await authenticate(req);
      if ('status' in caller) return caller;
      const messageId = req.params.messageId!;
      const wait = preferredWait(req.headers['prefer']);
      // Keyed by game: another game's messageId is indistinguishable from an unknown one.
      const decision = wait ? (await waiter.wait(caller.gameId, [messageId], wait * 1000, { checkNow: true, ...(req.signal ? { signal: req.signal } : {}) })).get(messageId) : await stores.decisions.get(caller.gameId, messageId);
      return decision ? json(200, decision, waitHeaders(wait)) : apiError('not-found', 'no decision yet for this messageId (pending or unknown)', { headers: waitHeaders(wait) });
    }

    async function webhookDeliveries(req: HttpRequest): Promise<HttpResponse> {
      const caller = await authenticate(req);
      if ('status' in caller) return caller;
      const answer = await deliveriesOf(caller.gameId, req);
      return 'status' in answer ? answer : json(200, answer);
    }

    async function deliveriesOf(gameId: string, req: HttpRequest): Promise<WebhookDeliveriesResponse | HttpResponse> {
      const query = DeliveriesQuerySchema.safeParse(Object.fromEntries(req.query));
      if (!query.success) return apiError('invalid-query', query.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
      const { limit } = query.data;
      const strip = <T extends { gameId: string }>({ gameId: _g, ...rest }: T) => rest;
      return { attempts: (await stores.webhooks.attempts(gameId, limit)).map(strip), deadLetters: (await stores.webhooks.deadLetters(gameId, limit)).map(strip) };
    }

    const adminTokens = new AdminTokens(config.GATEWAY_ADMIN_TOKENS);
    const routes: HttpRoute[] = [
      { method: 'POST', path: '/v1/messages', handler: postMessages },
      { method: 'GET', path: '/v1/decisions/:messageId', handler: getDecision },
      { method: 'GET', path: '/v1/webhook-deliveries', handler: webhookDeliveries },
      ...appealRoutes({ decisions: stores.decisions, appeals: stores.appeals, reputation: stores.reputation, policies, publisher, authenticate, log, now }),
      { method: 'GET', path: '/v1/players/:playerId', handler: playerRoute({ store: stores.reputation, policies, authenticate, now }) },
      await analyzeRoute({ keys, limiter, modelDir: config.FAST_MODEL_DIR, log, metrics }),
      ...adminRoutes({ tokens: adminTokens, keys, store: stores.apiKeys, maxLive: MAX_LIVE_KEYS_PER_GAME, deliveriesOf, termLists: stores.termLists, log, now }),
      ...modelAdminRoutes({ lifecycle: { registry: stores.registry, artefacts: stores.artefacts }, admin: adminGuard(adminTokens), log }),
    ];
    routes.push(openApiRoute());
    let ticks = 0;

    return {
      routes,
      tick: {
        everyMs: 60_000,
        run: async () => {
          // Traces every minute (no window looks back further than LIMIT_WINDOW_MAX_SECONDS); sends every ten.
          const traces = await flood.purge(now(), LIMIT_WINDOW_MAX_SECONDS);
          if (traces > 0) log.debug({ traces }, 'forgot limit traces past the longest window');
          if (++ticks % 10 !== 1) return;
          const purged = await stores.sends.purge(new Date(now().getTime() - config.IDEMPOTENCY_WINDOW_HOURS * 3_600_000));
          if (purged > 0) log.info({ purged }, 'forgot messageIds past the idempotency window');
        },
      },
      async handle(delivery) {
        if (delivery.topic !== 'final-decisions') return [];
        const decision = delivery.event;
        if (decision.revision) {
          // decision.revised (an appeal overturned it): replaces the stored one and is owed to the webhook once.
          if (await stores.decisions.revise(decision)) await webhooks.accept(decision);
          waiter.notify(decision);
          return [];
        }
        // Stored and owed to the webhook in one write (one statement on PostgreSQL, one transaction
        // on the embedded log), before the offset moves on. Stored already means owed (and perhaps
        // sent) already: a redelivered decision is not owed twice.
        if (await stores.decisions.putOwed(decision, webhooks.owes(decision.gameId))) webhooks.enqueue(decision);
        waiter.notify(decision);
        return [];
      },
      async stop() {
        policies.stop();
        waiter.stop();
        await webhooks.stop();
      },
    };
  },
});
