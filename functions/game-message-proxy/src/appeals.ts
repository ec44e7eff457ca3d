// POST /v1/decisions/{messageId}/appeal: the game relays a player's statement; the gateway files
// the appeal (one per decision, shared by every replica through the appeal store) and opens an
// appeal case in the moderation queue with the original message, its context, the models'
// readings and the statement. A moderator other than the one who decided reviews it; the
// decision manager applies the outcome (docs/appeals.md).
import {
  type AppealInfo,
  appealable,
  AppealRequestSchema,
  type AppealRecord,
  type AppealStore,
  apiError,
  encodeRecord,
  type FinalDecision,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  json,
  type LivePolicies,
  type Logger,
  type ModerationCase,
  outbound,
  PathIdSchema,
  type Publisher,
  type ReputationStore,
  resolveAppeals,
  stableId,
  type DecisionStore,
} from '@sinbin/contract';
import type { Caller } from './keys';

export interface AppealDeps {
  decisions: DecisionStore;
  appeals: AppealStore;
  reputation: ReputationStore;
  policies: LivePolicies;
  publisher: Publisher;
  authenticate: (req: HttpRequest) => Promise<Caller | HttpResponse>;
  log: Logger;
  now: () => Date;
}

export function appealInfo(a: AppealRecord): AppealInfo {
  const path = `/v1/decisions/${encodeURIComponent(a.messageId)}`;
  return {
    appealId: a.appealId,
    messageId: a.messageId,
    playerId: a.playerId,
    status: a.status,
    filedAt: a.filedAt,
    dueAt: a.dueAt,
    ...(a.decidedAt ? { decidedAt: a.decidedAt } : {}),
    links: { decision: path, appeal: `${path}/appeal` },
  };
}

/** The appeal case the moderation queue shows: the decision as it stood, its evidence, the statement. */
export function appealCase(decision: FinalDecision, record: AppealRecord, evidence: Awaited<ReturnType<ReputationStore['offence']>>): ModerationCase | undefined {
  const message = evidence?.evidence.message;
  if (!message) return undefined;
  const fast = evidence?.evidence.fast ?? { toxicity: decision.toxicity, categories: decision.categories, modelVersion: decision.modelVersion };
  const category = evidence?.offence.category;
  return {
    caseId: record.caseId,
    message,
    context: (evidence?.evidence.context ?? []).slice(-50),
    fast,
    ...(evidence?.evidence.deep ? { deep: evidence.evidence.deep } : {}),
    reason: 'appeal',
    // Nobody reviews it in time: the decision stands.
    provisionalVerdict: decision.verdict,
    dueAt: record.dueAt,
    openedAt: record.filedAt,
    onDeadline: { lapse: 'model' },
    appeal: {
      appealId: record.appealId,
      statement: record.statement,
      filedAt: record.filedAt,
      original: {
        verdict: decision.verdict,
        action: decision.action,
        decidedBy: decision.decidedBy,
        decidedAt: decision.decidedAt,
        toxicity: decision.toxicity,
        ...(category && category !== 'spam' ? { category } : {}),
        ...(decision.rule ? { rule: decision.rule } : {}),
      },
      ...(evidence?.evidence.moderatorId ? { decidedByModerator: evidence.evidence.moderatorId } : {}),
      ...(decision.limit ? { reason: decision.limit.reason } : decision.terms?.blocked.length ? { reason: `the game's block list: ${decision.terms.blocked.map((b) => b.term).join(', ')}`.slice(0, 300) } : {}),
    },
  };
}

export function appealRoutes(deps: AppealDeps): HttpRoute[] {
  const { decisions, appeals, reputation, policies, publisher, log, now } = deps;

  async function file(req: HttpRequest): Promise<HttpResponse> {
    const caller = await deps.authenticate(req);
    if ('status' in caller) return caller;
    const id = PathIdSchema.safeParse(req.params.messageId);
    if (!id.success) return apiError('invalid-body', `messageId ${id.error.issues[0]!.message}`);
    let raw: unknown;
    try {
      raw = JSON.parse(req.body.toString('utf8') || '{}');
    } catch {
      return apiError('invalid-json', 'the body is not valid JSON');
    }
    const parsed = AppealRequestSchema.safeParse(raw);
    if (!parsed.success) return apiError('invalid-appeal', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const messageId = id.data;
    // Keyed by game: another game's decision is indistinguishable from an unknown one.
    const decision = await decisions.get(caller.gameId, messageId);
    if (!decision) return apiError('not-found', 'no decision for this messageId in this game (pending or unknown)');
    if (parsed.data.playerId !== undefined && parsed.data.playerId !== decision.playerId) return apiError('invalid-appeal', 'playerId: the decision is about another player');
    const existing = await appeals.get(caller.gameId, messageId);
    if (existing) return apiError('already-appealed', `this decision was appealed at ${existing.filedAt} (${existing.status}): one appeal per decision`, { details: { appeal: appealInfo(existing) } });
    const cfg = resolveAppeals(policies.current().active.forGame(caller.gameId).appeals);
    const at = now();
    if (!cfg.enabled) return apiError('not-appealable', 'appeals are off for this game');
    if (!appealable(decision)) return apiError('not-appealable', 'the decision allowed the message: there is nothing to appeal');
    if (at.getTime() - Date.parse(decision.decidedAt) > cfg.windowDays * 86_400_000) return apiError('not-appealable', `the appeal window (${cfg.windowDays} days after the decision) has passed`);
    const evidence = await reputation.offence(caller.gameId, messageId);
    const record: AppealRecord = {
      appealId: stableId('appeal', caller.gameId, messageId),
      gameId: caller.gameId,
      messageId,
      playerId: decision.playerId,
      caseId: stableId('appeal-case', caller.gameId, messageId),
      statement: parsed.data.statement,
      filedAt: at.toISOString(),
      dueAt: new Date(at.getTime() + cfg.deadlineHours * 3_600_000).toISOString(),
      status: 'open',
    };
    const c = appealCase(decision, record, evidence);
    if (!c) return apiError('not-appealable', 'the evidence of this decision is no longer kept (past the reputation lookback)');
    const filed = await appeals.file(record);
    if (!filed.created) return apiError('already-appealed', 'this decision has an appeal already: one appeal per decision', { details: { appeal: appealInfo(filed.existing) } });
    try {
      await publisher.publish([encodeRecord(outbound('moderation-required', c), 'game-message-proxy', at)]);
    } catch (error) {
      // Nothing reached the queue: take the filing back so the game can retry.
      await appeals.withdraw(caller.gameId, messageId, record.appealId).catch(() => undefined);
      log.warn({ err: String(error), gameId: caller.gameId }, 'appeal case could not be published; asking the client to retry');
      return apiError('unavailable', 'the appeal could not be filed; retry later', { headers: { 'retry-after': '1' } });
    }
    log.info({ gameId: caller.gameId, messageId, appealId: record.appealId }, 'appeal filed');
    return json(201, appealInfo(record));
  }

  async function get(req: HttpRequest): Promise<HttpResponse> {
    const caller = await deps.authenticate(req);
    if ('status' in caller) return caller;
    const a = await appeals.get(caller.gameId, req.params.messageId!);
    return a ? json(200, appealInfo(a)) : apiError('not-found', 'no appeal of this decision');
  }

  return [
    { method: 'POST', path: '/v1/decisions/:messageId/appeal', handler: file },
    { method: 'GET', path: '/v1/decisions/:messageId/appeal', handler: get },
  ];
}
