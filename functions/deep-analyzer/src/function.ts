// Wires the deep analyzer's core to the context-aware model. Scales from zero: the model loads
// on the instance's first event, which is the cold start the runtime measures.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { boolVar, defineFunction, intVar, outbound, type ToxicityScorer } from '@sinbin/contract';
import { type AttributedScore, batchingScorer, ChampionScorer, defaultModelDir, versionLoader } from '@sinbin/scoring';
import { loadDeepClassifier, loadTransformerDeepScorer } from '@sinbin/scoring/deep';
import { analysisResult, deepModelFor, scoringInput, type DeepCutoffs } from './core';

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
    /**
     * Which model reads French chat: `english` (default; the English deep model, trained with French
     * lines, reads it better on our French set) or `multilingual` (MULTILINGUAL_MODEL_DIR).
     */
    FRENCH_DEEP_MODEL: z.enum(['english', 'multilingual']).default('english'),
    /** The multilingual deep model (models/multilingual by default); loaded on the first French message it reads. */
    MULTILINGUAL_MODEL_DIR: z.string().optional(),
    /** Run the model in a worker thread (default), or on the event loop's thread. */
    MODEL_THREAD: boolVar(true),
    /** How often the registry is asked whether the `champion` alias moved (ms); 0 serves the bundled model only. */
    MODEL_REGISTRY_POLL_MS: intVar(10_000, 0),
    /** Score the `challenger` beside the champion, for agreement figures; results never change. */
    MODEL_SHADOW: boolVar(false),
    MODEL_CACHE_DIR: z.string().optional(),
  }),
  secrets: [],
  stores: ['registry', 'artefacts'],
  deploy: {
    minScale: 0,
    maxScale: 6,
    targetConcurrency: 1,
    zeroAfter: '15m',
    requests: { cpu: '1', memory: '1536Mi' },
    limits: { cpu: '2', memory: '3Gi' },
    execTimeout: '120s',
    environment: { DEEP_MODEL_DIR: '/home/app/models/deep', MULTILINGUAL_MODEL_DIR: '/home/app/models/multilingual' },
    model: ['deep', 'multilingual'],
  },
  async start({ config, stores, log, metrics, now }) {
    const model = await loadDeepClassifier({ modelDir: config.DEEP_MODEL_DIR, thread: config.MODEL_THREAD, log });
    const champion = new ChampionScorer({
      model: 'sinbin-deep',
      kind: 'deep',
      registry: stores.registry,
      artefacts: stores.artefacts,
      cacheDir: config.MODEL_CACHE_DIR ?? join(tmpdir(), `sinbin-model-cache-${process.pid}`),
      load: versionLoader('deep', loadTransformerDeepScorer, config.MODEL_THREAD),
      initial: model.scorer,
      log,
      metrics,
      shadow: config.MODEL_SHADOW,
    });
    // The bundled model serves from the first event; the champion is swapped in as soon as the registry answers.
    if (config.MODEL_REGISTRY_POLL_MS > 0) void champion.refresh();
    const scorer = batchingScorer(champion, 16);
    // With FRENCH_DEEP_MODEL=multilingual, French chat is read by the multilingual model, loaded once, on the first French message.
    let multilingual: Promise<{ scorer: ToxicityScorer; batched: ToxicityScorer }> | undefined;
    const frenchModel = () =>
      (multilingual ??= loadDeepClassifier({ modelDir: config.MULTILINGUAL_MODEL_DIR ?? defaultModelDir('multilingual'), thread: config.MODEL_THREAD, log }).then((m) => ({
        scorer: m.scorer,
        batched: batchingScorer(m.scorer, 16),
      })));
    return {
      async handle(delivery) {
        if (delivery.topic !== 'nlp-analysis-required') return [];
        const request = delivery.event;
        if (deepModelFor(request, config.FRENCH_DEEP_MODEL) === 'multilingual') {
          const french = await frenchModel();
          const [score] = await french.batched.score([scoringInput(request)]);
          return [outbound('nlp-analysis-results', analysisResult(request, score!, french.scorer.version, now(), deepCutoffsOf(french.scorer)))];
        }
        const [score] = (await scorer.score([scoringInput(request)])) as AttributedScore[];
        return [outbound('nlp-analysis-results', analysisResult(request, score!, score!.modelVersion, now(), deepCutoffsOf(score!.servedBy), score!.model))];
      },
      ...(config.MODEL_REGISTRY_POLL_MS > 0 ? { tick: { everyMs: config.MODEL_REGISTRY_POLL_MS, run: () => champion.refresh() } } : {}),
      async stop() {
        await champion.close();
        if (multilingual) await (await multilingual).scorer.close?.();
      },
    };
  },
});
