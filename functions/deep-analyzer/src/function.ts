// Wires the deep analyzer's core to the context-aware model. Scales from zero: the model loads
// on the instance's first event, which is the cold start the runtime measures.
import { z } from 'zod';
import { parseEnv } from '@toxmod/shared/config';
import { defineFunction } from '@toxmod/shared/function';
import { outbound } from '@toxmod/shared/transport/record';
import { batchingScorer } from '@toxmod/shared/scoring/batching';
import { loadClassifier } from '@toxmod/shared/scoring/classifiers';
import { analysisResult, scoringInput } from './core';

const EnvSchema = z.object({ DEEP_MODEL_DIR: z.string().optional() });

export default defineFunction({
  name: 'deep-analyzer',
  consumes: ['nlp-analysis-required'],
  produces: ['nlp-analysis-results'],
  scaleToZero: true,
  async start({ env, log, now }) {
    const model = await loadClassifier('deep', parseEnv(EnvSchema, env).DEEP_MODEL_DIR, log);
    const scorer = batchingScorer(model.scorer, 16);
    return {
      async handle(delivery) {
        if (delivery.topic !== 'nlp-analysis-required') return [];
        const [score] = await scorer.score([scoringInput(delivery.event)]);
        return [outbound('nlp-analysis-results', analysisResult(delivery.event, score!, scorer.version, now()))];
      },
      async stop() {
        await model.scorer.close?.();
      },
    };
  },
});
