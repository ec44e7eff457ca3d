// Wires the fast classifier's core to its ports: the scorer, the channel context store, policy,
// and the studios' term lists (a block-list term routes the message to a block; the model reads
// the message without its allow-list terms).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { boolVar, defineFunction, intVar, LivePolicies, outbound, policyFileVar, routeLanguage, type RoutingThresholds, type StoredContextLine, type ToxicityScorer } from '@sinbin/contract';
import { type AttributedScore, batchingScorer, ChampionScorer, versionLoader } from '@sinbin/scoring';
import { applyRules, detectLanguage, loadFastClassifier, loadOnnxFastScorer } from '@sinbin/scoring/fast';
import { LiveTermLists, matchTerms } from '@sinbin/scoring/terms';
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
    /** How often the registry is asked whether the `champion` alias moved (ms); 0 serves the bundled model only. */
    MODEL_REGISTRY_POLL_MS: intVar(10_000, 0),
    /** Score the `challenger` beside the champion, for agreement figures; results never change. */
    MODEL_SHADOW: boolVar(false),
    /** Where registered versions are downloaded (default: a folder of this process under the temp dir). */
    MODEL_CACHE_DIR: z.string().optional(),
    POLICY_REFRESH_MS: intVar(2000, 0),
    /**
     * Send every message not in English to the deep stage (read there as the deep-analyzer's
     * FRENCH_DEEP_MODEL says), instead of letting the fast model decide the clear ones by its band.
     * Off: on the French set the fast model's clear cases plus a deep model on the middle measured
     * better (models/multilingual/MODEL_CARD.md).
     */
    OTHER_LANGUAGES_TO_ANALYSIS: boolVar(false),
  }),
  secrets: [],
  stores: ['context', 'registry', 'artefacts', 'documents', 'termLists'],
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
    const termLists = await LiveTermLists.start({ store: stores.termLists, log, refreshMs: config.POLICY_REFRESH_MS });
    const model = await loadFastClassifier({ modelDir: config.FAST_MODEL_DIR, thread: config.MODEL_THREAD, log });
    // Serves the registry's champion once there is one, and follows the alias without a restart.
    const champion = new ChampionScorer({
      model: 'sinbin-fast',
      kind: 'fast',
      registry: stores.registry,
      artefacts: stores.artefacts,
      cacheDir: config.MODEL_CACHE_DIR ?? join(tmpdir(), `sinbin-model-cache-${process.pid}`),
      load: versionLoader('fast', loadOnnxFastScorer, config.MODEL_THREAD),
      initial: model.scorer,
      log,
      metrics,
      shadow: config.MODEL_SHADOW,
    });
    // The bundled model serves from the first event; the champion is swapped in as soon as the registry answers.
    if (config.MODEL_REGISTRY_POLL_MS > 0) void champion.refresh();
    const scorer = batchingScorer(champion);
    const thresholdsOf = (s: ToxicityScorer): RoutingThresholds =>
      'defaultThresholds' in s && typeof s.defaultThresholds === 'object' ? (s.defaultThresholds as RoutingThresholds) : model.thresholds;
    return {
      async handle(delivery) {
        if (delivery.topic !== 'raw-messages') return [];
        const message = delivery.event;
        const key = channelKey(message);
        const lists = termLists.forGame(message.gameId);
        const reading = lists ? matchTerms(lists, message.text) : undefined;
        // An allowed term can no longer be the reason for a block: the model and the rule layer read around it.
        const readAs = reading?.match?.allowed.length ? reading.readAs || ' ' : message.text;
        const [served] = (await scorer.score([{ text: readAs, playerId: message.playerId }])) as AttributedScore[];
        // The rule layer (alarms, mild taunts) and the language travel with the score; the deep
        // analyzer reads French with the multilingual model.
        const language = detectLanguage(message.text);
        const score = { ...served!, ...applyRules(readAs, served!), language };
        const analyse = config.OTHER_LANGUAGES_TO_ANALYSIS && routeLanguage(message.text, language) !== 'en';
        const line = { messageId: message.messageId, playerId: message.playerId, text: message.text, sentAt: message.sentAt };
        const modelBand = thresholdsOf(score.servedBy);
        const thresholds = policies.current().active.forGame(message.gameId).routing ?? modelBand;
        // Every line joins its channel's context; only a message going to analysis reads it back.
        let context: StoredContextLine[] = [];
        if (needsContext(score, thresholds, analyse)) context = await stores.context.appendAndRecall(key, line, CONTEXT_LINES);
        else await stores.context.append(key, line);
        const attribution = { modelVersion: score.modelVersion, ...(score.model ? { model: score.model } : {}) };
        const classified = classify({ message, score, ...attribution, thresholds, context, now: now(), analyse });
        const terms = reading?.match;
        // The model's own band travels along, so a candidate policy in shadow can re-route the message.
        return [
          outbound('classified-messages', {
            ...classified,
            // A studio's block-list term decides, whatever the model read.
            ...(terms?.blocked.length ? { route: 'toxic' as const } : {}),
            ...(terms ? { terms } : {}),
            modelThresholds: { okBelow: modelBand.okBelow, toxicFrom: modelBand.toxicFrom },
          }),
        ];
      },
      ...(config.MODEL_REGISTRY_POLL_MS > 0 ? { tick: { everyMs: config.MODEL_REGISTRY_POLL_MS, run: () => champion.refresh() } } : {}),
      async stop() {
        policies.stop();
        termLists.stop();
        await champion.close();
      },
    };
  },
});
