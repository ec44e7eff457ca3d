// Wires the deep analyzer's core to the context-aware model. Scales from zero: the model loads
// on the instance's first event, which is the cold start the runtime measures.
import { z } from 'zod';
import { boolVar, parseEnv } from '@sinbin/shared/config';
import { defineFunction } from '@sinbin/shared/function';
import { outbound } from '@sinbin/shared/transport/record';
import { batchingScorer } from '@sinbin/shared/scoring/batching';
import { loadClassifier } from '@sinbin/shared/scoring/classifiers';
import { analysisResult, scoringInput, type DeepCutoffs } from './core';
import type { ToxicityScorer } from '@sinbin/shared/scoring/types';

/** The transformer states the cut-offs it was validated with; the lexicon fallback states none. */
function deepCutoffsOf(scorer: ToxicityScorer): DeepCutoffs {
  const s = scorer as ToxicityScorer & { decisionThreshold?: number; reviewBelowConfidence?: number };
  return {
    ...(typeof s.decisionThreshold === 'number' ? { toxicFrom: s.decisionThreshold } : {}),
    ...(typeof s.reviewBelowConfidence === 'number' ? { minConfidence: s.reviewBelowConfidence } : {}),
  };
}

const EnvSchema = z.object({
  DEEP_MODEL_DIR: z.string().optional(),
  /** Run the model in a worker thread (default), or on the event loop's thread. */
  MODEL_THREAD: boolVar(true),
});

export default defineFunction({
  name: 'deep-analyzer',
  consumes: ['nlp-analysis-required'],
  produces: ['nlp-analysis-results'],
  scaleToZero: true,
  async start({ env, log, now }) {
    const config = parseEnv(EnvSchema, env);
    const model = await loadClassifier('deep', config.DEEP_MODEL_DIR, log, { thread: config.MODEL_THREAD });
    const scorer = batchingScorer(model.scorer, 16);
    const cutoffs = deepCutoffsOf(model.scorer);
    return {
      async handle(delivery) {
        if (delivery.topic !== 'nlp-analysis-required') return [];
        const [score] = await scorer.score([scoringInput(delivery.event)]);
        return [outbound('nlp-analysis-results', analysisResult(delivery.event, score!, scorer.version, now(), cutoffs))];
      },
      async stop() {
        await model.scorer.close?.();
      },
    };
  },
});
