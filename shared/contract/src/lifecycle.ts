// The model lifecycle's port and its pure rules: registered models with numbered versions and
// aliases (champion, challenger), tracked training runs, the artefact manifest each version
// carries, the promotion gate and the champion's history for rollback. MLflow serves the port on
// the real stack, a registry file on the embedded default (@sinbin/stores).
import { z } from 'zod';
import type { RoutingThresholds } from './scorer';
import { RoutingBandSchema } from './events';

export const MODEL_NAMES = ['sinbin-fast', 'sinbin-deep'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
export const ALIASES = ['champion', 'challenger'] as const;
export type ModelAlias = (typeof ALIASES)[number];

/** The kind of scorer a registered model's artefacts load as. */
export const modelKindOf = (name: string): 'fast' | 'deep' => (name.includes('deep') ? 'deep' : 'fast');

export interface ModelVersionRecord {
  name: string;
  /** 1, 2, 3, ... as MLflow numbers them, as a string. */
  version: string;
  /** Where the artefacts are: a key prefix in the model-artefacts bucket (`sinbin-fast/3/`). */
  source: string;
  runId?: string;
  createdAt: string;
  aliases: string[];
  tags: Record<string, string>;
}

export interface RegisteredModelRecord {
  name: string;
  aliases: Record<string, string>;
  tags: Record<string, string>;
}

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED';

export interface RunRecord {
  runId: string;
  experiment: string;
  name: string;
  status: RunStatus;
  params: Record<string, string>;
  /** The latest value of each metric. */
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

/**
 * Registered models, their versions and aliases, and the training runs behind them. Every call is
 * a remote call on the real stack: a failure throws (retry later), nothing is cached here.
 */
export interface ModelRegistry {
  startRun(experiment: string, name: string): Promise<string>;
  logParams(runId: string, params: Record<string, string>): Promise<void>;
  logMetrics(runId: string, metrics: Record<string, number>): Promise<void>;
  setRunTags(runId: string, tags: Record<string, string>): Promise<void>;
  /** Stores a file with the run (MLflow's artifact store: MinIO through its S3 support). */
  logArtifact(runId: string, path: string, body: string | Uint8Array): Promise<void>;
  listArtifacts(runId: string): Promise<string[]>;
  endRun(runId: string, status: Exclude<RunStatus, 'RUNNING'>): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Registers a new version (creating the model on first use); numbers follow on from the last. */
  createVersion(name: string, source: string, opts?: { runId?: string; tags?: Record<string, string> }): Promise<ModelVersionRecord>;
  getVersion(name: string, version: string): Promise<ModelVersionRecord | undefined>;
  listVersions(name: string): Promise<ModelVersionRecord[]>;
  getModel(name: string): Promise<RegisteredModelRecord | undefined>;
  setModelTag(name: string, key: string, value: string): Promise<void>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  byAlias(name: string, alias: string): Promise<ModelVersionRecord | undefined>;
}

/** The files a model version's prefix holds; `manifest.json` lists them. */
export const ArtefactManifestSchema = z.object({
  format: z.literal('sinbin-artefact-1'),
  model: z.string().min(1),
  kind: z.enum(['fast', 'deep']),
  /** The scorer's own version string (e.g. `fast-2026-11-24`), reported on decisions beside the registry version. */
  scorerVersion: z.string().min(1),
  /** Relative paths of every file, with their SHA-256 (hex) and size. */
  files: z.array(z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() })).min(1),
  createdAt: z.string().datetime({ offset: true }),
});
export type ArtefactManifest = z.infer<typeof ArtefactManifestSchema>;
export const MANIFEST_FILE = 'manifest.json';

/** `sinbin-fast/3/`: where a version's artefacts live in the model-artefacts bucket. */
export const versionPrefix = (name: string, version: string) => `${name}/${version}/`;

/** The champion's earlier versions, newest last, kept as a model tag so rollback can step back. */
export const CHAMPION_HISTORY_TAG = 'champion_history';

export function parseHistory(tag: string | undefined): string[] {
  return (tag ?? '').split(',').map((v) => v.trim()).filter((v) => /^\d+$/.test(v));
}

/** Where the champion goes on promote, and what the history becomes. */
export function promotion(current: string | undefined, history: string[], next: string): { champion: string; history: string[] } {
  if (current === next) return { champion: next, history };
  return { champion: next, history: current ? [...history, current].slice(-50) : history };
}

/** The previous champion, or why there is none. */
export function rollback(current: string | undefined, history: string[]): { champion: string; history: string[] } | { error: string } {
  const rest = [...history];
  while (rest.length > 0) {
    const previous = rest.pop()!;
    if (previous !== current) return { champion: previous, history: rest };
  }
  return { error: current ? `no earlier champion to roll back to (champion is version ${current})` : 'no champion to roll back' };
}

/** Figures of one model on one evaluation set. */
export interface EvalFigures {
  /** F1 of the toxic class (CONDA's measure) or macro-F1 (TweetEval's). */
  f1: number;
  /** Share sent to review (needs analysis, or to a moderator). */
  reviewRate: number;
  n: number;
}

/** A set's own tolerances: what it may lose in F1 and gain in review share against the champion. */
export interface SetTolerance {
  /** Negative: the challenger must gain at least that much F1 on this set. */
  f1?: number;
  reviewRate?: number;
}

export interface GatePolicy {
  /** How much F1 a challenger may lose against the champion on any set. */
  f1Tolerance: number;
  /** How much more it may send to review (absolute share). */
  reviewTolerance: number;
  /** Per-message scoring budget (ms, p95) the challenger must stay within. */
  latencyBudgetMs: number;
  /**
   * Per-set tolerances over the two above: a set's name (`recent-verdicts`, `tweeteval`, `conda`)
   * or a prefix ending in `*` (`eval-*`). The exact name wins, then the longest prefix.
   */
  sets?: Record<string, SetTolerance>;
}

export const DEFAULT_GATE: GatePolicy = { f1Tolerance: 0.01, reviewTolerance: 0.02, latencyBudgetMs: 5 };

const tolerance = z.number().min(-1).max(1);
const setPattern = z.string().regex(/^[A-Za-z0-9._-]+\*?$/, 'a set name, or a prefix ending in * (eval-*)');

/** GATE_CONFIG_FILE: the gate a deployment wants; what it leaves out stays at DEFAULT_GATE (or the GATE_* variables). */
export const GateConfigSchema = z
  .object({
    f1Tolerance: tolerance.optional(),
    reviewTolerance: tolerance.optional(),
    latencyBudgetMs: z.number().positive().optional(),
    sets: z.record(setPattern, z.object({ f1: tolerance.optional(), reviewRate: tolerance.optional() }).strict()).optional(),
  })
  .strict();
export type GateConfig = z.infer<typeof GateConfigSchema>;

/** The gate config's problems as lines, or the policy it makes over `base`. */
export function gatePolicyFrom(document: unknown, base: GatePolicy = DEFAULT_GATE): { policy: GatePolicy } | { problems: string[] } {
  const parsed = GateConfigSchema.safeParse(document);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`) };
  const c = parsed.data;
  return {
    policy: {
      f1Tolerance: c.f1Tolerance ?? base.f1Tolerance,
      reviewTolerance: c.reviewTolerance ?? base.reviewTolerance,
      latencyBudgetMs: c.latencyBudgetMs ?? base.latencyBudgetMs,
      ...(c.sets || base.sets ? { sets: { ...base.sets, ...c.sets } } : {}),
    },
  };
}

/** The tolerances that apply to one set: its exact entry, else the longest matching prefix, else the defaults. */
export function tolerancesFor(set: string, policy: GatePolicy): { f1: number; reviewRate: number; from: string } {
  const entries = Object.entries(policy.sets ?? {});
  const exact = entries.find(([p]) => p === set);
  const prefix = entries
    .filter(([p]) => p.endsWith('*') && set.startsWith(p.slice(0, -1)))
    .sort((a, b) => b[0].length - a[0].length)[0];
  const [from, own] = exact ?? prefix ?? ['default', {}];
  return { f1: own.f1 ?? policy.f1Tolerance, reviewRate: own.reviewRate ?? policy.reviewTolerance, from };
}

export interface GateCheck {
  set: string;
  /** `okBelow` / `toxicFrom`: the routing band the challenger carries (set `routing`), which must be the champion's. */
  measure: 'f1' | 'reviewRate' | 'latencyP95Ms' | 'okBelow' | 'toxicFrom';
  champion: number | null;
  challenger: number;
  limit: number;
  /** The tolerance that made the limit, and where it came from (`default`, the set, or its prefix). */
  tolerance?: number;
  toleranceFrom?: string;
  passed: boolean;
}

/** The routing bands (fast okBelow / toxicFrom) of the two models the gate compared. */
export interface GateRouting {
  challenger: RoutingThresholds;
  champion?: RoutingThresholds;
}

export interface GateVerdict {
  passed: boolean;
  checks: GateCheck[];
  /** The band each model routes with, when the caller gave them: what promoting the challenger would route by. */
  routing?: GateRouting;
  /** One line per failed check, for people and the run's tags. */
  reasons: string[];
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * A challenger passes if on every set it is not worse than the champion beyond the tolerance, and
 * its latency is within budget. A set the champion was not scored on (no champion yet) only has to
 * exist; an empty set is skipped and said so. Given the routing bands, the challenger must carry
 * the champion's: the band decides what the fast path blocks and how much the deep model reads,
 * and is chosen for the whole cascade (`python -m sinbin_models evaluate`), not by a retrain, so a
 * challenger that moves it fails with the figures rather than changing the routing unnoticed.
 */
export function gate(
  challenger: Record<string, EvalFigures>,
  champion: Record<string, EvalFigures> | undefined,
  latencyP95Ms: number,
  policy: GatePolicy,
  routing?: GateRouting,
): GateVerdict {
  const checks: GateCheck[] = [];
  for (const [set, c] of Object.entries(challenger)) {
    if (c.n === 0) continue;
    const base = champion?.[set];
    const t = tolerancesFor(set, policy);
    const own = { toleranceFrom: t.from };
    const f1Limit = base ? base.f1 - t.f1 : 0;
    checks.push({ set, measure: 'f1', champion: base ? r4(base.f1) : null, challenger: r4(c.f1), limit: r4(f1Limit), tolerance: t.f1, ...own, passed: c.f1 >= f1Limit });
    const reviewLimit = base ? base.reviewRate + t.reviewRate : 1;
    checks.push({ set, measure: 'reviewRate', champion: base ? r4(base.reviewRate) : null, challenger: r4(c.reviewRate), limit: r4(reviewLimit), tolerance: t.reviewRate, ...own, passed: c.reviewRate <= reviewLimit });
  }
  checks.push({ set: 'latency', measure: 'latencyP95Ms', champion: null, challenger: r4(latencyP95Ms), limit: policy.latencyBudgetMs, passed: latencyP95Ms <= policy.latencyBudgetMs });
  if (routing?.champion) {
    for (const bound of ['okBelow', 'toxicFrom'] as const) {
      const want = routing.champion[bound];
      checks.push({ set: 'routing', measure: bound, champion: want, challenger: routing.challenger[bound], limit: want, passed: Math.abs(routing.challenger[bound] - want) < 1e-9 });
    }
  }
  const reasons = checks
    .filter((c) => !c.passed)
    .map((c) =>
      c.measure === 'latencyP95Ms'
        ? `latency p95 ${c.challenger} ms is over the budget of ${c.limit} ms`
        : c.set === 'routing'
          ? `routing: ${c.measure} ${c.challenger} differs from the champion's ${c.champion} (the band is chosen for the whole cascade by python -m sinbin_models evaluate)`
          : `${c.set}: ${c.measure} ${c.challenger} vs champion ${c.champion} (limit ${c.limit})`,
    );
  return { passed: reasons.length === 0, checks, reasons, ...(routing ? { routing } : {}) };
}

// --- Admin API (the gateway's /admin/v1/models) -------------------------------------------------

const versionNumber = z.union([z.string().regex(/^\d+$/, 'a version number'), z.number().int().positive()]).transform(String);

export const ModelPromoteRequestSchema = z
  .object({
    version: versionNumber,
    /** The champion the caller saw; the move is refused (409) if another move came first. */
    expectedChampion: versionNumber.optional(),
  })
  .strict();
export const ModelRollbackRequestSchema = z.object({ expectedChampion: versionNumber.optional() }).strict();

export const ChampionMoveResponseSchema = z.object({ model: z.string(), champion: z.string(), previous: z.string().nullable() });
export type ChampionMoveResponse = z.infer<typeof ChampionMoveResponseSchema>;

export const ModelsResponseSchema = z.object({
  models: z.array(
    z.object({
      model: z.string(),
      /** Earlier champions, oldest first: what rollback steps back through. */
      history: z.array(z.string()),
      versions: z.array(
        z.object({
          version: z.string(),
          aliases: z.array(z.string()),
          scorer: z.string().optional(),
          /** A fast model's routing band (what it allows below, blocks from); absent for deep models and for versions registered before the band was tagged. */
          band: RoutingBandSchema.optional(),
          gate: z.string().optional(),
          runId: z.string().optional(),
          createdAt: z.string().optional(),
        }),
      ),
    }),
  ),
});
export type ModelsResponse = z.infer<typeof ModelsResponseSchema>;
