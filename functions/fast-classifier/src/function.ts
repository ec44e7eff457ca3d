// Wires the fast classifier's core to its ports: the scorer, the channel context store, policy.
import { z } from 'zod';
import { boolVar, defineFunction, outbound, policyFileVar, type StoredContextLine } from '@sinbin/contract';
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
    GAME_POLICIES_FILE: policyFileVar(),
  }),
  secrets: [],
  stores: ['context'],
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
  async start({ config, stores, log, now }) {
    const policies = config.GAME_POLICIES_FILE;
    const model = await loadFastClassifier({ modelDir: config.FAST_MODEL_DIR, thread: config.MODEL_THREAD, log });
    const scorer = batchingScorer(model.scorer);
    return {
      async handle(delivery) {
        if (delivery.topic !== 'raw-messages') return [];
        const message = delivery.event;
        const key = channelKey(message);
        const [score] = await scorer.score([{ text: message.text, playerId: message.playerId }]);
        const line = { messageId: message.messageId, playerId: message.playerId, text: message.text, sentAt: message.sentAt };
        const thresholds = policies.forGame(message.gameId).routing ?? model.thresholds;
        // Every line joins its channel's context; only a message going to analysis reads it back.
        let context: StoredContextLine[] = [];
        if (needsContext(score!, thresholds)) context = await stores.context.appendAndRecall(key, line, CONTEXT_LINES);
        else await stores.context.append(key, line);
        return [outbound('classified-messages', classify({ message, score: score!, modelVersion: scorer.version, thresholds, context, now: now() }))];
      },
      async stop() {
        await model.scorer.close?.();
      },
    };
  },
});
