// @sinbin/scoring: the parts every scorer shares. Model loaders live in their own entries,
// @sinbin/scoring/fast and @sinbin/scoring/deep, so a fast-only import pulls no transformer code.
export { createLexiconScorer, LEXICON_THRESHOLDS } from './lexicon';
export { normalizeText } from './normalize';
export { batchingScorer } from './batching';
export { defaultModelDir, type ModelKind } from './load';
export type { ClassifierOptions, LoadedClassifier } from './classifiers';
export { ChampionScorer, versionLoader, type AttributedScore, type ChampionOptions } from './champion';
export { ArtefactError, buildManifest, checkArtefact, downloadVersion, EXPECTED_LABELS, uploadVersion } from './artefacts';
export { loaderOf, type ModelLoader } from './load';
export { initModels, listModels, promote, recheck, registerVersion, rollbackChampion, routingBandOf, type Lifecycle } from './registry-ops';
