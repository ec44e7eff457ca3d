// Moderation: stores cases from moderation-required and serves the moderators' API. A verdict
// closes its case once (the store arbitrates) and is published through an outbox, so neither a
// double submit nor a failed publish can give a message two decisions or none.
import { z } from 'zod';
import { parseEnv } from '@toxmod/shared/config';
import { defineFunction } from '@toxmod/shared/function';
import { json, problem, type HttpRequest, type HttpResponse, type HttpRoute } from '@toxmod/shared/http/router';
import { encodeRecord, outbound } from '@toxmod/shared/transport/record';
import type { ModerationResult } from '@toxmod/shared/events';
import { expiredResult, moderatorResult, parseModeratorTokens, VerdictRequestSchema } from './core';

const EnvSchema = z.object({
  MODERATOR_TOKENS: z.string().min(1, 'MODERATOR_TOKENS must list moderator:token pairs'),
  MODERATION_SWEEP_MS: z.coerce.number().int().positive().default(1000),
});

export default defineFunction({
  name: 'moderation',
  consumes: ['moderation-required'],
  produces: ['moderation-results'],
  scaleToZero: true,
  async start({ env, stores, publisher, log, now }) {
    const config = parseEnv(EnvSchema, env);
    const tokens = parseModeratorTokens(config.MODERATOR_TOKENS);
    let pending = await stores.cases.countPending();

    async function publishResult(result: ModerationResult): Promise<void> {
      await publisher.publish([encodeRecord(outbound('moderation-results', result), 'moderation', now())]);
      await stores.cases.markPublished(result.caseId);
    }

    function moderatorOf(req: HttpRequest): string | undefined {
      const auth = req.headers['authorization'];
      const value = Array.isArray(auth) ? auth[0] : auth;
      const token = value?.startsWith('Bearer ') ? value.slice(7).trim() : undefined;
      return token ? tokens.get(token) : undefined;
    }

    const authed =
      (handler: (req: HttpRequest, moderatorId: string) => Promise<HttpResponse>) =>
      async (req: HttpRequest): Promise<HttpResponse> => {
        const moderatorId = moderatorOf(req);
        if (!moderatorId) return problem(401, 'unauthorized', 'a moderator token is required: Authorization: Bearer <token>', { 'www-authenticate': 'Bearer' });
        return handler(req, moderatorId);
      };

    const routes: HttpRoute[] = [
      {
        method: 'GET',
        path: '/v1/cases',
        handler: authed(async (req) => {
          const gameId = req.query.get('gameId') ?? undefined;
          const limit = Math.min(500, Math.max(1, Number(req.query.get('limit') ?? 50) || 50));
          const cases = await stores.cases.listPending({ gameId, limit });
          return json(200, { pending: await stores.cases.countPending(gameId), cases });
        }),
      },
      {
        method: 'GET',
        path: '/v1/cases/:caseId',
        handler: authed(async (req) => {
          const stored = await stores.cases.get(req.params.caseId!);
          return stored ? json(200, stored) : problem(404, 'not-found', 'no such case');
        }),
      },
      {
        method: 'POST',
        path: '/v1/cases/:caseId/verdict',
        handler: authed(async (req, moderatorId) => {
          let body: unknown;
          try {
            body = JSON.parse(req.body.toString('utf8'));
          } catch {
            return problem(400, 'invalid-json', 'the body is not valid JSON');
          }
          const verdict = VerdictRequestSchema.safeParse(body);
          if (!verdict.success) return problem(400, 'invalid-verdict', verdict.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
          const stored = await stores.cases.get(req.params.caseId!);
          if (!stored) return problem(404, 'not-found', 'no such case');
          const result = moderatorResult(stored.case, verdict.data, moderatorId, now());
          const closed = await stores.cases.close(stored.case.caseId, result, 'decided');
          if (closed === 'already-closed') return problem(409, 'already-decided', 'this case already has a verdict');
          if (closed === 'not-found') return problem(404, 'not-found', 'no such case');
          pending = Math.max(0, pending - 1);
          log.info({ caseId: stored.case.caseId, moderatorId, verdict: result.verdict }, 'verdict recorded');
          try {
            await publishResult(result);
          } catch (error) {
            // Recorded but not yet published: the sweep republishes it.
            log.warn({ caseId: stored.case.caseId, err: String(error) }, 'verdict publish deferred');
            return json(202, { caseId: stored.case.caseId, status: 'recorded', published: false });
          }
          return json(200, { caseId: stored.case.caseId, status: 'decided', published: true });
        }),
      },
    ];

    return {
      routes,
      async handle(delivery) {
        if (delivery.topic !== 'moderation-required') return [];
        const { created } = await stores.cases.open(delivery.event);
        if (created) pending++;
        return [];
      },
      tick: {
        everyMs: config.MODERATION_SWEEP_MS,
        async run() {
          for (const c of await stores.cases.listDue(now(), 100)) {
            if ((await stores.cases.close(c.caseId, expiredResult(c, now()), 'expired')) === 'closed') pending = Math.max(0, pending - 1);
          }
          for (const result of await stores.cases.listUnpublished(100)) await publishResult(result);
        },
      },
      busy: () => pending > 0,
      async stop() {},
    };
  },
});
