// Wires the decision manager's core to the ledger (one decision per message), the offence store
// (escalation), the versioned policies (the active one decides, a candidate may run in shadow)
// and the dashboard's decision tallies.
import { z } from 'zod';
import {
  type AnyOutbound,
  type ContextEntry,
  defineFunction,
  type FinalDecision,
  type GamePolicy,
  intVar,
  type ModerationResult,
  LivePolicies,
  outbound,
  type PlayerOffence,
  policyFileVar,
  reputationLookback,
  resolveReputation,
  standingOf,
  type ShadowComparison,
  stableId,
} from '@sinbin/contract';
import { FlushBuffer, TallyBuffer } from './buffers';
import { appealExample, applyTauntPolicy, categoryOffences, chooseAction, finalDecision, offenceOf, revisedDecision, onAnalysis, onClassified, onLimited, onModeration, trainingExample, warnedAsTaunt, type DecisionDraft, type Step } from './core';
import { candidateStep, comparison, wouldBeOutcome, type RealPath } from './shadow';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

export default defineFunction({
  name: 'decision-manager',
  description: 'Routes each classified message to a decision, the deep analyzer or a moderator, and applies the game\'s rules.',
  consumes: ['classified-messages', 'limited-messages', 'nlp-analysis-results', 'moderation-results'],
  produces: ['nlp-analysis-required', 'moderation-required', 'final-decisions', 'model-training-data'],
  scaleToZero: false,
  priority: 'latency',
  env: z.object({
    // The seed of the policy versions: read at start-up, then leads manage versions through the moderation API.
    GAME_POLICIES_FILE: policyFileVar(),
    /** How often the policy heads are read, so an activation reaches every replica (ms; 0: only at start). */
    POLICY_REFRESH_MS: intVar(2000, 0),
  }),
  secrets: [],
  stores: ['ledger', 'offences', 'documents', 'shadow', 'decisionStats', 'reputation', 'appeals'],
  deploy: {
    minScale: 2,
    maxScale: 12,
    targetConcurrency: 4,
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    execTimeout: '30s',
  },
  async start({ config, stores, log, metrics, now }) {
    const decisions = metrics.counter({ name: 'sinbin_final_decisions_total', help: 'Final decisions published, by path, verdict and action.', labelNames: ['path', 'verdict', 'action'] });
    const latency = metrics.histogram({ name: 'sinbin_decision_latency_seconds', help: 'Gateway receipt to final decision, by deciding path.', labelNames: ['path'], buckets: LATENCY_BUCKETS });
    const policyVersion = metrics.gauge({ name: 'sinbin_policy_version', help: 'The policy version this instance applies (active) or runs in shadow (0: none).', labelNames: ['fn', 'role'] });
    const shadowed = metrics.counter({
      name: 'sinbin_shadow_decisions_total',
      help: 'Decisions compared with a candidate policy in shadow, by what was done and what would have been.',
      labelNames: ['shadow_version', 'real_action', 'would_action'],
    });

    const policies = await LivePolicies.start({
      store: stores.documents,
      seed: config.GAME_POLICIES_FILE,
      log,
      refreshMs: config.POLICY_REFRESH_MS,
      now,
      onChange: (s) => {
        policyVersion.set({ fn: 'decision-manager', role: 'active' }, s.active.version);
        policyVersion.set({ fn: 'decision-manager', role: 'shadow' }, s.shadow?.version ?? 0);
      },
    });
    // Written off the hot path, a few times a second; a failed write is logged and dropped (these
    // feed the dashboard and the shadow report, never a decision).
    const tallies = new TallyBuffer((rows) => stores.decisionStats.add(rows), { everyMs: 2000, log });
    const comparisons = new FlushBuffer<ShadowComparison>((rows) => stores.shadow.record(rows), { everyMs: 1000, maxItems: 500, log, what: 'shadow comparisons' });

    async function decide(modelDraft: DecisionDraft, context: ContextEntry[], real: Omit<RealPath, 'message'> | undefined): Promise<AnyOutbound[]> {
      const m = modelDraft.message;
      const snapshot = policies.current();
      const policy = snapshot.active.forGame(m.gameId);
      const draft = applyTauntPolicy(modelDraft, policy);
      const at = now();
      const reputation = resolveReputation(policy.reputation);
      const since = reputationLookback(at, reputation);
      const windowMs = policy.offenceWindowSeconds * 1000;
      // A flood or spam limit, or a taunt the game only warns, is not an offence that escalates the
      // game's rules (reputation counts it, lightly).
      // The player's standing before this message (its other offences, decayed), for the rules to read:
      // read while the offence is recorded (two stores, no order between them), so one wait, not two.
      const [offences, record] = await Promise.all([
        draft.verdict === 'block' && draft.decidedBy !== 'limits' && !warnedAsTaunt(draft, policy) ? stores.offences.record(m.gameId, m.playerId, m.messageId, at, windowMs) : 0,
        // Back as far as the reputation's lookback or the rules' window, whichever is longer (minCategoryOffences reads it).
        draft.verdict === 'block' ? stores.reputation.player(m.gameId, m.playerId, new Date(Math.min(since.getTime(), at.getTime() - windowMs)), 1000).then((p) => p.offences) : undefined,
      ]);
      let standing: { standing: number; offences: number } | undefined;
      if (record) {
        const s = standingOf(record.filter((o) => o.messageId !== m.messageId && Date.parse(o.at) >= since.getTime()), at, reputation);
        standing = { standing: s.standing, offences: s.counted };
      }
      // The same offences by category, for rules on repeats of one kind ("a second attack on a group").
      const counts = { all: offences, ofCategory: offences === 0 || !record ? offences : categoryOffences(record, draft.category, m.messageId, at, windowMs) };
      const { action, rule } = chooseAction(draft, counts, policy, standing?.standing);
      // Offences are recorded once per message, so a redelivery does not escalate. The ledger keeps
      // the first decision; a redelivery republishes that one (consumers dedupe by messageId), so
      // a crash between recording and publishing never loses it, nor decides a second time.
      const { decision, created } = await stores.ledger.putIfAbsent(finalDecision(draft, action, at, { policyVersion: snapshot.active.version, rule, ...(standing ? { reputation: standing } : {}) }));
      // Reputation keeps the offence (once per messageId, so a redelivery is harmless) with what it was decided on.
      if (decision.verdict === 'block') {
        const evidence = { message: m, context, ...(real ? { fast: real.fast, ...(real.deep ? { deep: real.deep } : {}) } : {}), ...(real?.moderation?.moderatorId ? { moderatorId: real.moderation.moderatorId } : {}), ...(draft.limit ? { limit: draft.limit } : {}), ...(draft.terms ? { terms: draft.terms } : {}) };
        await stores.reputation.recordOffence(offenceOf(decision, draft), evidence, since);
      } else if (created) await stores.reputation.seen(m.gameId, m.playerId, at);
      if (created) {
        decisions.inc({ path: decision.decidedBy, verdict: decision.verdict, action: decision.action.type });
        latency.observe({ path: decision.decidedBy }, decision.latencyMs / 1000);
        tallies.add(decision, draft.category ?? null);
        log.debug({ messageId: m.messageId, gameId: m.gameId, verdict: decision.verdict, action: action.type, rule, policyVersion: snapshot.active.version }, 'decided');
        if (snapshot.shadow && real) await shadow(decision, draft, { ...real, message: m }, policy, snapshot.shadow.forGame(m.gameId), snapshot.active.version, snapshot.shadow.version, offences, record);
      }
      const out: AnyOutbound[] = [outbound('final-decisions', decision)];
      const example = trainingExample(draft, context, stableId('example', m.gameId, m.messageId), at);
      if (example) out.push(outbound('model-training-data', example));
      return out;
    }

    /** What the candidate would have done: recorded beside the decision, never published. */
    async function shadow(decision: FinalDecision, realDraft: DecisionDraft, real: RealPath, active: GamePolicy, candidate: GamePolicy, activeVersion: number, shadowVersion: number, realOffences: number, record: PlayerOffence[] | undefined): Promise<void> {
      try {
        const step = candidateStep(real, active, candidate);
        let applied: { action: FinalDecision['action']; rule: string } | undefined;
        if (step.kind === 'decide') {
          const m = real.message;
          // The player's real offences (a candidate's own extra blocks are not counted); this
          // message counts once if the candidate blocks it, whatever the active policy did.
          let offences = 0;
          let ofCategory = 0;
          if (step.draft.verdict === 'block') {
            const at = new Date(decision.decidedAt);
            const windowMs = candidate.offenceWindowSeconds * 1000;
            const sameWindow = candidate.offenceWindowSeconds === active.offenceWindowSeconds && realDraft.verdict === 'block';
            offences = sameWindow ? realOffences : (await stores.offences.count(m.gameId, m.playerId, at, windowMs)) + (realDraft.verdict === 'block' ? 0 : 1);
            ofCategory = offences;
            if (offences > 0) {
              // The real draft read the record only if it blocked; a candidate that blocks what was allowed reads it here.
              const history = record ?? (await stores.reputation.player(m.gameId, m.playerId, new Date(at.getTime() - windowMs), 1000)).offences;
              ofCategory = categoryOffences(history, step.draft.category, m.messageId, at, windowMs);
            }
          }
          applied = chooseAction(step.draft, { all: offences, ofCategory }, candidate);
        }
        const row = comparison(decision, activeVersion, shadowVersion, wouldBeOutcome(step, applied));
        shadowed.inc({ shadow_version: String(shadowVersion), real_action: row.real.action ?? 'pending', would_action: row.wouldBe.action ?? 'pending' });
        comparisons.add(row);
      } catch (error) {
        log.warn({ err: String(error), messageId: decision.messageId }, 'shadow comparison failed; the decision stands');
      }
    }

    const appealOutcomes = metrics.counter({ name: 'sinbin_appeals_decided_total', help: 'Appeals decided, by outcome (upheld, overturned, lapsed).', labelNames: ['outcome'] });

    /**
     * An appeal case's result: the outcome is recorded once; an overturn publishes decision.revised
     * (the message allowed, the sanction lifted), takes the offence out of the player's reputation
     * and escalation, and an upheld or overturned appeal becomes a weighted training label.
     */
    async function onAppeal(e: ModerationResult): Promise<AnyOutbound[]> {
      const m = e.message;
      const at = now();
      const outcome = e.appealOutcome!;
      if (await stores.appeals.resolve(m.gameId, m.messageId, outcome, e.moderatorId, at)) appealOutcomes.inc({ outcome });
      const out: AnyOutbound[] = [];
      if (outcome === 'overturned' && e.appeal && e.moderatorId) {
        const original = await stores.ledger.get(m.gameId, m.messageId);
        if (original) {
          // A redelivery finds the revision stored and publishes that one again (consumers keep the highest).
          const revised = original.revision ? original : revisedDecision(original, e.appeal, e.moderatorId, at);
          if (!original.revision) await stores.ledger.revise(revised);
          await stores.reputation.overturn(m.gameId, m.messageId, at);
          await stores.offences.forget(m.gameId, m.playerId, m.messageId);
          out.push(outbound('final-decisions', revised));
          log.info({ messageId: m.messageId, gameId: m.gameId, appealId: e.appeal.appealId }, 'appeal overturned the decision');
        }
      }
      const example = appealExample(e, stableId('appeal-example', m.gameId, m.messageId), at);
      if (example) out.push(outbound('model-training-data', example));
      return out;
    }

    async function follow(step: Step, context: ContextEntry[], real: Omit<RealPath, 'message'>): Promise<AnyOutbound[]> {
      switch (step.kind) {
        case 'decide':
          return decide(step.draft, context, real);
        case 'analyse':
          return [outbound('nlp-analysis-required', step.request)];
        case 'moderate':
          return [outbound('moderation-required', step.case)];
      }
    }

    return {
      async handle(delivery) {
        switch (delivery.topic) {
          case 'classified-messages': {
            const e = delivery.event;
            return follow(onClassified(e, policies.current().active.forGame(e.message.gameId), now()), e.context, { fast: e.fast, route: e.route, ...(e.modelThresholds ? { modelBand: e.modelThresholds } : {}) });
          }
          case 'limited-messages': {
            // No model read it, so there is no path a candidate policy in shadow could re-route.
            return decide(onLimited(delivery.event), [], undefined);
          }
          case 'nlp-analysis-results': {
            const e = delivery.event;
            const m = e.message;
            const policy = policies.current().active.forGame(m.gameId);
            return follow(onAnalysis(e, policy, stableId('case', m.gameId, m.messageId), now()), e.context, { fast: e.fast, route: 'needs-analysis', deep: e.deep });
          }
          case 'moderation-results': {
            const e = delivery.event;
            if (e.appealOutcome) return onAppeal(e);
            return decide(onModeration(e), e.context, { fast: e.fast, route: 'needs-analysis', ...(e.deep ? { deep: e.deep } : {}), moderation: e });
          }
          default:
            return [];
        }
      },
      async stop() {
        policies.stop();
        await Promise.all([tallies.close(), comparisons.close()]);
      },
    };
  },
});
