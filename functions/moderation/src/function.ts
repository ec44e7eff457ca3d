// Moderation: stores cases from moderation-required and serves the moderators' API and UI. A
// verdict closes its case once (the store arbitrates), waits out its undo window and is then
// published through an outbox, so neither a double submit, an undo nor a failed publish can give
// a message two decisions or none.
import { resolve } from 'node:path';
import { z } from 'zod';
import { CATEGORIES, defineFunction, encodeRecord, intVar, type ModerationResult, ModeratorTokensSchema, outbound, type QueueCounts } from '@sinbin/contract';
import { moderationRoutes } from './api';
import { moderationOpenApiRoute } from './openapi';
import { caseRank, onDeadlinePassed } from './core';
import { CountsCache, LiveFeed, type QueueChange } from './live';
import { uiRoutes } from './ui-static';
import { WellbeingSource } from './wellbeing';

/** How long shadow comparisons are kept for reports. */
const SHADOW_RETENTION_MS = 30 * 86_400_000;

const DEFAULT_UI_DIR = resolve(import.meta.dirname, '..', '..', '..', 'ui', 'dist');

const EnvSchema = z.object({
  // Static API tokens (`alice:token,bob:token`), for scripts and API clients; people log in.
  MODERATOR_TOKENS: ModeratorTokensSchema,
  MODERATION_SWEEP_MS: intVar(1000, 10),
  /** How long a claim holds a case for its moderator. */
  MODERATION_LEASE_MS: intVar(120_000, 1000),
  /** How long a verdict can be undone; it is published after that. 0 publishes at once. */
  MODERATION_UNDO_MS: intVar(30_000, 0),
  MODERATION_SESSION_TTL_MS: intVar(12 * 3600_000, 1000),
  /** `*` or comma-separated origins allowed to call the API from a browser (a UI on another host). */
  MODERATION_CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((v) => (v.trim() === '*' ? ('*' as const) : v.split(',').map((o) => o.trim()).filter(Boolean))),
  MODERATION_UI_DIR: z.string().default(DEFAULT_UI_DIR),
  MODERATION_HEARTBEAT_MS: intVar(15_000, 100),
});

export default defineFunction({
  name: 'moderation',
  description: 'Human moderation: opens cases, serves the moderator API and UI; scales from zero.',
  consumes: ['moderation-required'],
  produces: ['moderation-results'],
  scaleToZero: true,
  priority: 'latency',
  http: { portVariable: 'MODERATION_PORT', defaultPort: 8081 },
  env: EnvSchema,
  secrets: ['MODERATOR_TOKENS'],
  stores: ['cases', 'moderators', 'context', 'documents', 'shadow', 'decisionStats', 'exposure', 'termLists'],
  deploy: {
    minScale: 0,
    maxScale: 3,
    targetConcurrency: 20,
    zeroAfter: '30m',
    requests: { cpu: '100m', memory: '256Mi' },
    limits: { cpu: '500m', memory: '512Mi' },
    execTimeout: '30s',
    environment: { MODERATION_CORS_ORIGINS: '*' },
  },
  // Cases can wait while no instance runs (a crash, or a restart of make run): their deadlines must still pass.
  async pendingWork(stores) {
    return (await stores.cases.countPending()) > 0 || (await stores.cases.listUnpublished(1)).length > 0;
  },
  async start({ config, stores, publisher, log, metrics, now }) {
    const staticTokens = config.MODERATOR_TOKENS;
    if (staticTokens.size === 0 && (await stores.moderators.list()).length === 0) {
      log.warn('no moderator can sign in: set MODERATOR_TOKENS or create a lead with `npm run moderation:create-lead`');
    }

    // Work that keeps the instance up (see busy()): cases waiting for a moderator, and verdicts
    // waiting out their undo window or the outbox.
    let waiting = { pending: 0, awaitingPublish: 0 };
    const noteCounts = (c: QueueCounts) => {
      waiting = { pending: c.pending, awaitingPublish: c.awaitingPublish };
    };
    noteCounts(await stores.cases.counts(now()));

    // Queue counts are the same for every moderator and cost a scan of the pending cases: one
    // computation serves all requests until a change here (or a second, for other instances').
    const counts = new CountsCache(() => stores.cases.counts(now()), 1000);
    const feed = new LiveFeed({ log, heartbeatMs: config.MODERATION_HEARTBEAT_MS, counts: () => counts.get() });
    const changed = (change: QueueChange) => {
      counts.invalidate();
      feed.notify(change);
    };

    async function publishResult(result: ModerationResult): Promise<void> {
      await publisher.publish([encodeRecord(outbound('moderation-results', result), 'moderation', now())]);
      await stores.cases.markPublished(result.caseId);
      changed({ type: 'published', caseId: result.caseId, gameId: result.message.gameId });
    }

    const queueDepth = metrics.gauge({ name: 'sinbin_moderation_queue_depth', help: 'Cases waiting for a moderator, by game.', labelNames: ['game'] });
    const oldestAge = metrics.gauge({ name: 'sinbin_moderation_oldest_case_age_seconds', help: 'Age of the oldest waiting case, by game.', labelNames: ['game'] });
    const lapsed = metrics.counter({ name: 'sinbin_moderation_lapsed_total', help: "Cases past their deadline, by what the game's onDeadline rule gave them (hold: waiting longer).", labelNames: ['lapse', 'outcome'] });
    const gauged = new Set<string>();
    const gaugeCounts = (c: QueueCounts, at: Date) => {
      const seen = new Set<string>();
      for (const g of c.byGame) {
        seen.add(g.gameId);
        queueDepth.set({ game: g.gameId }, g.pending);
        oldestAge.set({ game: g.gameId }, Math.max(0, (at.getTime() - Date.parse(g.oldestOpenedAt)) / 1000));
      }
      // A game whose queue emptied reads 0, not its last depth.
      for (const g of gauged) if (!seen.has(g)) {
        queueDepth.set({ game: g }, 0);
        oldestAge.set({ game: g }, 0);
      }
      for (const g of seen) gauged.add(g);
    };

    const routes = [
      ...moderationRoutes({
        cases: stores.cases,
        moderators: stores.moderators,
        context: stores.context,
        documents: stores.documents,
        shadow: stores.shadow,
        decisionStats: stores.decisionStats,
        exposure: stores.exposure,
        termLists: stores.termLists,
        wellbeing: new WellbeingSource(stores.documents, log),
        knownCategories: () => CATEGORIES,
        metrics,
        staticTokens,
        feed,
        changed,
        counts: () => counts.get(),
        publish: publishResult,
        onCountsChanged: noteCounts,
        config: { leaseMs: config.MODERATION_LEASE_MS, undoMs: config.MODERATION_UNDO_MS, sessionTtlMs: config.MODERATION_SESSION_TTL_MS, corsOrigins: config.MODERATION_CORS_ORIGINS },
        log,
        now,
      }),
      ...uiRoutes(config.MODERATION_UI_DIR),
      moderationOpenApiRoute(),
    ];

    let sweeping = false;
    let lastPurge = 0;
    return {
      routes,
      async handle(delivery) {
        if (delivery.topic !== 'moderation-required') return [];
        const c = delivery.event;
        const history = await stores.cases.playerHistory(c.message.gameId, c.message.playerId, { exceptCaseId: c.caseId, limit: 0 });
        const { created } = await stores.cases.open(c, caseRank(c, history));
        if (created) {
          waiting.pending++;
          changed({ type: 'opened', caseId: c.caseId, gameId: c.message.gameId });
        }
        return [];
      },
      tick: {
        everyMs: config.MODERATION_SWEEP_MS,
        async run() {
          if (sweeping) return;
          sweeping = true;
          try {
            const at = now();
            for (const c of await stores.cases.listDue(at, 100)) {
              const step = onDeadlinePassed(c, at);
              if (step.kind === 'hold') {
                if (await stores.cases.hold(c.caseId, step.until, at)) {
                  lapsed.inc({ lapse: 'hold', outcome: 'held' });
                  changed({ type: 'held', caseId: c.caseId, gameId: c.message.gameId });
                }
              } else if ((await stores.cases.close(c.caseId, step.result, 'expired')) === 'closed') {
                lapsed.inc({ lapse: step.result.lapse ?? 'model', outcome: step.result.verdict });
                changed({ type: 'expired', caseId: c.caseId, gameId: c.message.gameId });
              }
            }
            for (const { caseId, gameId } of await stores.cases.releaseLapsed(at, 100)) changed({ type: 'lapsed', caseId, gameId });
            // Verdicts whose undo window has passed, expired cases, and anything a failed publish left.
            for (const result of await stores.cases.listUnpublished(100, at)) await publishResult(result);
            if (at.getTime() - lastPurge > 60_000) {
              lastPurge = at.getTime();
              await stores.moderators.purgeSessions(at);
              await stores.shadow.purge(new Date(at.getTime() - SHADOW_RETENTION_MS));
            }
            const current = await counts.get();
            noteCounts(current);
            gaugeCounts(current, at);
          } finally {
            sweeping = false;
          }
        },
      },
      // Scale to zero only when no case waits, no verdict waits to be published and no moderator
      // has the UI open (an open event stream).
      busy: () => waiting.pending > 0 || waiting.awaitingPublish > 0 || feed.size > 0,
      async stop() {
        feed.close();
      },
    };
  },
});
