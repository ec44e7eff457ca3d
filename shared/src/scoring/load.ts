// Picks the model scorer a function runs with, and falls back to a given scorer (normally the
// lexicon) when the model files are missing or unreadable, saying exactly what went wrong.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOnnxFastScorer, type FastScorerOptions } from './onnx-fast';
import { loadTransformerDeepScorer, type DeepScorerOptions } from './transformer-deep';
import type { ToxicityScorer } from './types';

export type ModelKind = 'fast' | 'deep';

/** Repository root, from shared/src/scoring/. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function defaultModelDir(kind: ModelKind): string {
  return resolve(REPO_ROOT, 'models', kind);
}

export interface LoadScorerOptions {
  kind: ModelKind;
  /** Folder holding the exported model; defaults to `<repo>/models/<kind>`. */
  modelDir?: string;
  /** Scorer used when the model cannot be loaded. */
  fallback: ToxicityScorer;
  /** onnxruntime intra-op threads for the model session (default 1). */
  intraOpNumThreads?: number;
}

export interface LoadedScorer {
  scorer: ToxicityScorer;
  fellBack: boolean;
  /** Why the model was not used; set exactly when `fellBack` is true. */
  problem?: string;
}

export async function loadScorer(options: LoadScorerOptions): Promise<LoadedScorer> {
  const modelDir = resolve(options.modelDir ?? defaultModelDir(options.kind));
  const sessionOptions: FastScorerOptions & DeepScorerOptions = { intraOpNumThreads: options.intraOpNumThreads ?? 1 };
  try {
    const scorer = options.kind === 'fast'
      ? await loadOnnxFastScorer(modelDir, sessionOptions)
      : await loadTransformerDeepScorer(modelDir, sessionOptions);
    return { scorer, fellBack: false };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      scorer: options.fallback,
      fellBack: true,
      problem: `${options.kind} model at ${modelDir} could not be loaded, using ${options.fallback.kind} scorer ${options.fallback.version} instead: ${reason}`,
    };
  }
}
