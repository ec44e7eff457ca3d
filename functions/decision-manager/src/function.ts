// Wires the decision manager's core to the ledger (one decision per message), the offence
// store (escalation) and the per-game policy book.
import { z } from 'zod';
import { parseEnv } from '@sinbin/shared/config';
import type { ContextLineSchema } from '@sinbin/shared/events';
import { defineFunction } from '@sinbin/shared/function';
import { stableId } from '@sinbin/shared/ids';
import { metrics } from '@sinbin/shared/metrics';
import { loadPolicyBook } from '@sinbin/shared/policy';
import { outbound, type AnyOutbound } from '@sinbin/shared/transport/record';
import { chooseAction, finalDecision, onAnalysis, onClassified, onModeration, trainingExample, type DecisionDraft, type Step } from './core';

const EnvSchema = z.object({ GAME_POLICIES_FILE: z.string().optional() });

export default defineFunction({
  name: 'decision-manager',
  consumes: ['classified-messages', 'nlp-analysis-results', 'moderation-results'],
  produces: ['nlp-analysis-required', 'moderation-required', 'final-decisions', 'model-training-data'],
  scaleToZero: false,
  async start({ env, stores, log, now }) {
    const policies = loadPolicyBook(parseEnv(EnvSchema, env).GAME_POLICIES_FILE);

    async function decide(draft: DecisionDraft, context: z.infer<typeof ContextLineSchema>[]): Promise<AnyOutbound[]> {
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
        metrics.decisions.inc({ path: decision.decidedBy, verdict: decision.verdict, action: decision.action.type });
        metrics.decisionLatency.observe({ path: decision.decidedBy }, decision.latencyMs / 1000);
        log.debug({ messageId: m.messageId, gameId: m.gameId, verdict: decision.verdict, action: action.type, rule }, 'decided');
      }
      const out: AnyOutbound[] = [outbound('final-decisions', decision)];
      const example = trainingExample(draft, context, stableId('example', m.gameId, m.messageId), at);
      if (example) out.push(outbound('model-training-data', example));
      return out;
    }

    async function follow(step: Step, context: z.infer<typeof ContextLineSchema>[]): Promise<AnyOutbound[]> {
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
