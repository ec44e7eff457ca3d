// Loads a model scorer from its folder, and falls back to a given scorer (normally the lexicon)
// when the model files are missing or unreadable, saying exactly what went wrong. Each model kind
// brings its own loader (fast.ts, deep.ts), so loading one never pulls in the other's code.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ToxicityScorer } from '@sinbin/contract';

export type ModelKind = 'fast' | 'deep';

/** Repository root, from shared/scoring/src/. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The bundled model folder; `multilingual` is a deep model (same format and loader) for chat that is not English. */
export function defaultModelDir(kind: ModelKind | 'multilingual'): string {
  return resolve(REPO_ROOT, 'models', kind);
}

export interface SessionOptions {
  /** onnxruntime intra-op threads for the model session (default 1). */
  intraOpNumThreads?: number;
}

export type ModelLoader = (modelDir: string, options: SessionOptions) => Promise<ToxicityScorer>;

export interface LoadScorerOptions {
  kind: ModelKind;
  load: ModelLoader;
  /** Folder holding the exported model; defaults to `<repo>/models/<kind>`. */
  modelDir?: string;
  /** Scorer used when the model cannot be loaded. */
  fallback: ToxicityScorer;
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
  try {
    return { scorer: await options.load(modelDir, { intraOpNumThreads: options.intraOpNumThreads ?? 1 }), fellBack: false };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      scorer: options.fallback,
      fellBack: true,
      problem: `${options.kind} model at ${modelDir} could not be loaded, using ${options.fallback.kind} scorer ${options.fallback.version} instead: ${reason}`,
    };
  }
}

/** The loader of a model kind, imported only when asked for (the scorer thread loads either). */
export async function loaderOf(kind: ModelKind): Promise<ModelLoader> {
  if (kind === 'fast') return (await import('./onnx-fast')).loadOnnxFastScorer;
  return (await import('./transformer-deep')).loadTransformerDeepScorer;
}
