// Wires the deep analyzer's core to the context-aware model. Scales from zero: the model loads
// on the instance's first event, which is the cold start the runtime measures.
import { z } from 'zod';
import { boolVar, defineFunction, outbound, type ToxicityScorer } from '@sinbin/contract';
import { batchingScorer } from '@sinbin/scoring';
import { loadDeepClassifier } from '@sinbin/scoring/deep';
import { analysisResult, scoringInput, type DeepCutoffs } from './core';

/** The transformer states the cut-offs it was validated with; the lexicon fallback states none. */
function deepCutoffsOf(scorer: ToxicityScorer): DeepCutoffs {
  const s = scorer as ToxicityScorer & { decisionThreshold?: number; reviewBelowConfidence?: number };
  return {
    ...(typeof s.decisionThreshold === 'number' ? { toxicFrom: s.decisionThreshold } : {}),
    ...(typeof s.reviewBelowConfidence === 'number' ? { minConfidence: s.reviewBelowConfidence } : {}),
  };
}

export default defineFunction({
  name: 'deep-analyzer',
  description: 'Context-aware transformer for ambiguous messages; scales from zero.',
  consumes: ['nlp-analysis-required'],
  produces: ['nlp-analysis-results'],
  scaleToZero: true,
  priority: 'background',
  env: z.object({
    DEEP_MODEL_DIR: z.string().optional(),
    /** Run the model in a worker thread (default), or on the event loop's thread. */
    MODEL_THREAD: boolVar(true),
  }),
  secrets: [],
  stores: [],
  deploy: {
    minScale: 0,
    maxScale: 6,
    targetConcurrency: 1,
    zeroAfter: '15m',
    requests: { cpu: '1', memory: '1536Mi' },
    limits: { cpu: '2', memory: '3Gi' },
    execTimeout: '120s',
    environment: { DEEP_MODEL_DIR: '/home/app/models/deep' },
    model: 'deep',
  },
  async start({ config, log, now }) {
    const model = await loadDeepClassifier({ modelDir: config.DEEP_MODEL_DIR, thread: config.MODEL_THREAD, log });
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
