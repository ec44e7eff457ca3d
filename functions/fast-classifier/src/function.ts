// Wires the fast classifier's core to its ports: the scorer, the channel context store, policy.
import { z } from 'zod';
import { boolVar, parseEnv } from '@sinbin/shared/config';
import { defineFunction } from '@sinbin/shared/function';
import { loadPolicyBook } from '@sinbin/shared/policy';
import { outbound } from '@sinbin/shared/transport/record';
import { batchingScorer } from '@sinbin/shared/scoring/batching';
import { loadClassifier } from '@sinbin/shared/scoring/classifiers';
import type { StoredContextLine } from '@sinbin/shared/ports';
import { channelKey, classify, CONTEXT_LINES, needsContext } from './core';

const EnvSchema = z.object({
  FAST_MODEL_DIR: z.string().optional(),
  /** Run the model in a worker thread. Off by default: a batched run costs microseconds a message, less than the hop. */
  MODEL_THREAD: boolVar(false),
  GAME_POLICIES_FILE: z.string().optional(),
});

export default defineFunction({
  name: 'fast-classifier',
  consumes: ['raw-messages'],
  produces: ['classified-messages'],
  scaleToZero: false,
  async start({ env, stores, log, now }) {
    const config = parseEnv(EnvSchema, env);
    const policies = loadPolicyBook(config.GAME_POLICIES_FILE);
    const model = await loadClassifier('fast', config.FAST_MODEL_DIR, log, { thread: config.MODEL_THREAD });
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
