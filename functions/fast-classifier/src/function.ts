// Wires the fast classifier's core to its ports: the scorer, the channel context store, policy.
import { z } from 'zod';
import { boolVar, defineFunction, intVar, LivePolicies, outbound, policyFileVar, type StoredContextLine } from '@sinbin/contract';
import { batchingScorer } from '@sinbin/scoring';
import { loadFastClassifier } from '@sinbin/scoring/fast';
import { channelKey, classify, CONTEXT_LINES, needsContext } from './core';

export default defineFunction({
  name: 'fast-classifier',
  description: 'Fast path: the ONNX classifier on every message, with the channel context.',
  consumes: ['raw-messages'],
  produces: ['classified-messages'],
  scaleToZero: false,
  priority: 'latency',
  env: z.object({
    FAST_MODEL_DIR: z.string().optional(),
    /** Run the model in a worker thread. Off by default: a batched run costs microseconds a message, less than the hop. */
    MODEL_THREAD: boolVar(false),
    // The seed of the policy versions; a game's routing band follows the active version.
    GAME_POLICIES_FILE: policyFileVar(),
    POLICY_REFRESH_MS: intVar(2000, 0),
  }),
  secrets: [],
  stores: ['context', 'documents'],
  deploy: {
    minScale: 2,
    maxScale: 12,
    targetConcurrency: 4,
    requests: { cpu: '500m', memory: '512Mi' },
    limits: { cpu: '1', memory: '1Gi' },
    execTimeout: '30s',
    environment: { FAST_MODEL_DIR: '/home/app/models/fast' },
    model: 'fast',
  },
  async start({ config, stores, log, metrics, now }) {
    const policyVersion = metrics.gauge({ name: 'sinbin_policy_version', help: 'The policy version this instance applies (active) or runs in shadow (0: none).', labelNames: ['fn', 'role'] });
    const policies = await LivePolicies.start({
      store: stores.documents,
      seed: config.GAME_POLICIES_FILE,
      log,
      refreshMs: config.POLICY_REFRESH_MS,
      now,
      onChange: (s) => policyVersion.set({ fn: 'fast-classifier', role: 'active' }, s.active.version),
    });
    const model = await loadFastClassifier({ modelDir: config.FAST_MODEL_DIR, thread: config.MODEL_THREAD, log });
    const scorer = batchingScorer(model.scorer);
    return {
      async handle(delivery) {
        if (delivery.topic !== 'raw-messages') return [];
        const message = delivery.event;
        const key = channelKey(message);
        const [score] = await scorer.score([{ text: message.text, playerId: message.playerId }]);
        const line = { messageId: message.messageId, playerId: message.playerId, text: message.text, sentAt: message.sentAt };
        const thresholds = policies.current().active.forGame(message.gameId).routing ?? model.thresholds;
        // Every line joins its channel's context; only a message going to analysis reads it back.
        let context: StoredContextLine[] = [];
        if (needsContext(score!, thresholds)) context = await stores.context.appendAndRecall(key, line, CONTEXT_LINES);
        else await stores.context.append(key, line);
        const classified = classify({ message, score: score!, modelVersion: scorer.version, thresholds, context, now: now() });
        // The model's own band travels along, so a candidate policy in shadow can re-route the message.
        return [outbound('classified-messages', { ...classified, modelThresholds: { okBelow: model.thresholds.okBelow, toxicFrom: model.thresholds.toxicFrom } })];
      },
      async stop() {
        policies.stop();
        await model.scorer.close?.();
      },
    };
  },
});
