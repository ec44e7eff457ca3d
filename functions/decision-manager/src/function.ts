// Wires the decision manager's core to the ledger (one decision per message), the offence
// store (escalation) and the per-game policy book.
import { z } from 'zod';
import { type AnyOutbound, type ContextEntry, defineFunction, outbound, policyFileVar, stableId } from '@sinbin/contract';
import { chooseAction, finalDecision, onAnalysis, onClassified, onModeration, trainingExample, type DecisionDraft, type Step } from './core';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

export default defineFunction({
  name: 'decision-manager',
  description: 'Routes each classified message to a decision, the deep analyzer or a moderator, and applies the game\'s rules.',
  consumes: ['classified-messages', 'nlp-analysis-results', 'moderation-results'],
  produces: ['nlp-analysis-required', 'moderation-required', 'final-decisions', 'model-training-data'],
  scaleToZero: false,
  priority: 'latency',
  env: z.object({ GAME_POLICIES_FILE: policyFileVar() }),
  secrets: [],
  stores: ['ledger', 'offences'],
  deploy: {
    minScale: 2,
    maxScale: 12,
    targetConcurrency: 4,
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    execTimeout: '30s',
  },
  async start({ config, stores, log, metrics, now }) {
    const policies = config.GAME_POLICIES_FILE;
    const decisions = metrics.counter({ name: 'sinbin_final_decisions_total', help: 'Final decisions published, by path, verdict and action.', labelNames: ['path', 'verdict', 'action'] });
    const latency = metrics.histogram({ name: 'sinbin_decision_latency_seconds', help: 'Gateway receipt to final decision, by deciding path.', labelNames: ['path'], buckets: LATENCY_BUCKETS });

    async function decide(draft: DecisionDraft, context: ContextEntry[]): Promise<AnyOutbound[]> {
      const m = draft.message;
      const policy = policies.forGame(m.gameId);
      const at = now();
      const offences =
        draft.verdict === 'block' ? await stores.offences.record(m.gameId, m.playerId, m.messageId, at, policy.offenceWindowSeconds * 1000) : 0;
      const { action, rule } = chooseAction(draft, offences, policy);
      // Offences are recorded once per message, so a redelivery does not escalate. The ledger keeps
      // the first decision; a redelivery republishes that one (consumers dedupe by messageId), so
      // a crash between recording and publishing never loses it, nor decides a second time.
      const { decision, created } = await stores.ledger.putIfAbsent(finalDecision(draft, action, at));
      if (created) {
        decisions.inc({ path: decision.decidedBy, verdict: decision.verdict, action: decision.action.type });
        latency.observe({ path: decision.decidedBy }, decision.latencyMs / 1000);
        log.debug({ messageId: m.messageId, gameId: m.gameId, verdict: decision.verdict, action: action.type, rule }, 'decided');
      }
      const out: AnyOutbound[] = [outbound('final-decisions', decision)];
      const example = trainingExample(draft, context, stableId('example', m.gameId, m.messageId), at);
      if (example) out.push(outbound('model-training-data', example));
      return out;
    }

    async function follow(step: Step, context: ContextEntry[]): Promise<AnyOutbound[]> {
      switch (step.kind) {
        case 'decide':
          return decide(step.draft, context);
        case 'analyse':
          return [outbound('nlp-analysis-required', step.request)];
        case 'moderate':
          return [outbound('moderation-required', step.case)];
      }
    }

    return {
      async handle(delivery) {
        switch (delivery.topic) {
          case 'classified-messages':
            return follow(onClassified(delivery.event, now()), delivery.event.context);
          case 'nlp-analysis-results': {
            const m = delivery.event.message;
            return follow(onAnalysis(delivery.event, policies.forGame(m.gameId), stableId('case', m.gameId, m.messageId), now()), delivery.event.context);
          }
          case 'moderation-results':
            return decide(onModeration(delivery.event), delivery.event.context);
          default:
            return [];
        }
      },
      async stop() {},
    };
  },
});
