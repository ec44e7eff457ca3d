// The fast classifier served with onnxruntime-node: hashed n-gram ids in, toxicity and category
// probabilities out. Built for throughput: one ONNX call per batch, features written straight
// into the typed array the tensor wraps.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { z } from 'zod';
import {
  CATEGORIES,
  type CategoryScores,
  currentModelConfig,
  RoutingBandSchema,
  type RoutingThresholds,
  type ScoringInput,
  type ToxicityScore,
  type ToxicityScorer,
} from '@sinbin/contract';
import { normalizeForFeatures, writeFeatureIds, type HashingConfig } from './fast-features';
import { type LinearHead, readLinearHead } from './linear-head';
import { TokenSums } from './token-sums';
import { modelAlarm } from './rules';

export const FAST_MODEL_JSON = 'fast-model.json';

const FastModelMetaSchema = z.object({
  version: z.string().min(1),
  format: z.literal('sinbin-fast-1'),
  onnx: z.string().min(1),
  input: z.string().min(1),
  output: z.string().min(1),
  outputs: z.array(z.string()).min(1),
  paddingId: z.number().int().nonnegative(),
  hashing: z.object({
    scheme: z.literal('fnv1a32-utf16-fmix'),
    bucketBits: z.number().int().min(8).max(30),
    charMin: z.number().int().min(1),
    charMax: z.number().int().min(1),
    maxFeatures: z.number().int().min(1),
    seeds: z.object({ word: z.number().int(), collapsed: z.number().int(), bigram: z.number().int(), char: z.number().int() }),
  }),
  defaultThresholds: RoutingBandSchema,
  decisionThreshold: z.number().min(0).max(1),
  /** v2: the alarm head's cut (threat, self-harm encouragement, doxxing); the graph already floors toxicity at `floor`. */
  alarm: z.object({ cut: z.number().min(0).max(1), floor: z.number().min(0).max(1) }).optional(),
});

export type FastModelMeta = z.infer<typeof FastModelMetaSchema>;

export interface OnnxFastScorer extends ToxicityScorer {
  readonly kind: 'onnx-fast';
  /** Routing band chosen on validation data when the model was trained. */
  readonly defaultThresholds: RoutingThresholds;
  /** Single yes/no cut, for callers that need a binary verdict without a review band. */
  readonly decisionThreshold: number;
  readonly meta: FastModelMeta;
  /** As score, for texts already normalised by normalizeForFeatures: the caller keeps them for the rule layer. */
  scoreNormalized(normalized: readonly string[]): Promise<ToxicityScore[]>;
  /** Probabilities for raw texts, row-major [texts.length, meta.outputs.length]. */
  run(texts: readonly string[]): Promise<Float32Array>;
  /** Tokens read from the kept token sums and tokens summed so far; undefined where onnxruntime runs the graph. */
  tokenTable(): { hits: number; misses: number } | undefined;
  /** Releases the ONNX session. */
  close(): Promise<void>;
}

export interface FastScorerOptions {
  /** onnxruntime intra-op threads; 1 keeps one core per scorer. */
  intraOpNumThreads?: number;
  /** Messages per ONNX call; larger batches are split. */
  maxBatch?: number;
  /**
   * auto (default): the linear head computed in JavaScript when the graph is the one
   * fast_model.py exports (linear-head.ts), onnxruntime otherwise; onnx: always onnxruntime.
   */
  engine?: 'auto' | 'onnx';
}

export async function readFastModelMeta(modelDir: string): Promise<FastModelMeta> {
  const path = join(modelDir, FAST_MODEL_JSON);
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`fast model: cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new Error(`fast model: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = FastModelMetaSchema.safeParse(currentModelConfig(json as Record<string, unknown>));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`fast model: ${path} does not describe a sinbin fast model (${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'})`);
  }
  if (parsed.data.paddingId !== 2 ** parsed.data.hashing.bucketBits) {
    throw new Error(`fast model: ${path} paddingId ${parsed.data.paddingId} does not match bucketBits ${parsed.data.hashing.bucketBits}`);
  }
  return parsed.data;
}

export async function loadOnnxFastScorer(modelDir: string, options: FastScorerOptions = {}): Promise<OnnxFastScorer> {
  const meta = await readFastModelMeta(modelDir);
  const onnxPath = join(modelDir, meta.onnx);
  if ((options.engine ?? 'auto') === 'auto') {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(onnxPath);
    } catch (err) {
      throw new Error(`fast model: cannot read ONNX graph ${onnxPath}: ${(err as Error).message}`);
    }
    let head;
    try {
      head = readLinearHead(bytes, meta);
    } catch (err) {
      throw new Error(`fast model: cannot load ONNX graph ${onnxPath}: not a readable ONNX file (${(err as Error).message})`);
    }
    if (head) return new FastScorer({ head }, meta, options.maxBatch ?? 4096);
  }
  // Loaded only for a graph the linear head does not cover: the native module is most of the start-up.
  const ort = await import('onnxruntime-node');
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnxPath, {
      intraOpNumThreads: options.intraOpNumThreads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw new Error(`fast model: cannot load ONNX graph ${onnxPath}: ${(err as Error).message}`);
  }
  if (!session.inputNames.includes(meta.input) || !session.outputNames.includes(meta.output)) {
    await session.release();
    throw new Error(`fast model: ${onnxPath} lacks input '${meta.input}' or output '${meta.output}'`);
  }
  return new FastScorer({ session, ort }, meta, options.maxBatch ?? 4096);
}

/** Rows per ONNX call after sorting a batch by feature count. */
const ROWS_PER_CALL = 512;

/** Column of each category in the model output; -1 where the model has no such head. */
function categoryColumns(outputs: readonly string[]): number[] {
  return CATEGORIES.map((c) => outputs.indexOf(c));
}

class FastScorer implements OnnxFastScorer {
  readonly kind = 'onnx-fast' as const;
  readonly version: string;
  readonly defaultThresholds: RoutingThresholds;
  readonly decisionThreshold: number;
  private readonly hashing: HashingConfig;
  private readonly toxicityColumn: number;
  private readonly categoryColumns: number[];
  private readonly alarmColumn: number;
  private readonly scratch: Int32Array;
  private readonly counts: Int32Array;

  private readonly session: Ort.InferenceSession | undefined;
  private readonly ort: typeof Ort | undefined;
  private readonly head: LinearHead | undefined;
  private readonly tokenSums: TokenSums | undefined;

  constructor(engine: { head: LinearHead } | { session: Ort.InferenceSession; ort: typeof Ort }, readonly meta: FastModelMeta, private readonly maxBatch: number) {
    this.head = 'head' in engine ? engine.head : undefined;
    this.tokenSums = this.head ? new TokenSums(this.head, meta.hashing) : undefined;
    this.session = 'session' in engine ? engine.session : undefined;
    this.ort = 'ort' in engine ? engine.ort : undefined;
    this.version = meta.version;
    this.defaultThresholds = { ...meta.defaultThresholds };
    this.decisionThreshold = meta.decisionThreshold;
    this.hashing = meta.hashing;
    this.toxicityColumn = meta.outputs.indexOf('toxicity');
    if (this.toxicityColumn < 0) throw new Error('fast model: outputs list has no "toxicity"');
    this.categoryColumns = categoryColumns(meta.outputs);
    this.alarmColumn = meta.alarm ? meta.outputs.indexOf('alarm') : -1;
    // Id rows for onnxruntime's calls; the linear head in JavaScript sums token by token instead.
    this.scratch = new Int32Array(this.head ? 0 : maxBatch * meta.hashing.maxFeatures);
    this.counts = new Int32Array(this.head ? 0 : maxBatch);
  }

  score(batch: readonly ScoringInput[]): Promise<ToxicityScore[]> {
    return this.scoreNormalized(batch.map((m) => normalizeForFeatures(m.text)));
  }

  async scoreNormalized(normalized: readonly string[]): Promise<ToxicityScore[]> {
    const results: ToxicityScore[] = [];
    for (let start = 0; start < normalized.length; start += this.maxBatch) {
      const part = normalized.slice(start, start + this.maxBatch);
      const probs = await this.runNormalized(part);
      for (let i = 0; i < part.length; i++) results.push(this.toScore(probs, i));
    }
    return results;
  }

  /** Probabilities for raw texts, row-major [texts.length, outputs]. Exposed for benchmarks. */
  run(texts: readonly string[]): Promise<Float32Array> {
    return this.runNormalized(texts.map((text) => normalizeForFeatures(text)));
  }

  private async runNormalized(texts: readonly string[]): Promise<Float32Array> {
    const stride = this.meta.outputs.length;
    if (this.tokenSums) {
      const probs = new Float32Array(texts.length * stride);
      for (let i = 0; i < texts.length; i++) this.tokenSums.score(texts[i] ?? '', probs, i * stride);
      return probs;
    }
    const { maxFeatures } = this.hashing;
    for (let i = 0; i < texts.length; i++) {
      this.counts[i] = writeFeatureIds(texts[i] ?? '', this.hashing, this.scratch, i * maxFeatures);
    }
    // Rows are padded to the longest row of their ONNX call; calling per group of similar length
    // keeps one long tweet from padding a whole batch of short chat lines.
    const order = Array.from({ length: texts.length }, (_, i) => i).sort((a, b) => (this.counts[a] ?? 0) - (this.counts[b] ?? 0));
    const probs = new Float32Array(texts.length * stride);
    for (let start = 0; start < order.length; start += ROWS_PER_CALL) {
      const rows = order.slice(start, start + ROWS_PER_CALL);
      const group = await this.runRows(rows);
      rows.forEach((row, k) => probs.set(group.subarray(k * stride, (k + 1) * stride), row * stride));
    }
    return probs;
  }

  private async runRows(rows: readonly number[]): Promise<Float32Array> {
    const { maxFeatures } = this.hashing;
    const width = Math.max(1, this.counts[rows[rows.length - 1] ?? 0] ?? 1);
    const ids = new Int32Array(rows.length * width).fill(this.meta.paddingId);
    rows.forEach((row, k) => {
      const n = this.counts[row] ?? 0;
      ids.set(this.scratch.subarray(row * maxFeatures, row * maxFeatures + n), k * width);
    });
    const out = await this.session!.run({ [this.meta.input]: new this.ort!.Tensor('int32', ids, [rows.length, width]) });
    const tensor = out[this.meta.output];
    if (!tensor) throw new Error(`fast model: missing output ${this.meta.output}`);
    return tensor.data as Float32Array;
  }

  private toScore(probs: Float32Array, row: number): ToxicityScore {
    const stride = this.meta.outputs.length;
    const base = row * stride;
    // One literal of a fixed shape, keys in CATEGORIES' order (a test holds them to it).
    const categories: CategoryScores = {
      insult: this.category(probs, base, 0),
      profanity: this.category(probs, base, 1),
      identity_hate: this.category(probs, base, 2),
      threat: this.category(probs, base, 3),
      sexual: this.category(probs, base, 4),
      self_harm: this.category(probs, base, 5),
      severe_toxicity: this.category(probs, base, 6),
    };
    const alarmed = this.alarmColumn >= 0 && (probs[base + this.alarmColumn] ?? 0) >= (this.meta.alarm?.cut ?? 1);
    // The alarm key added only when set (no conditional spread): one object per message.
    const score: ToxicityScore = { toxicity: probs[base + this.toxicityColumn] ?? 0, categories };
    if (alarmed) score.alarm = modelAlarm(categories);
    return score;
  }

  /** The k-th category of CATEGORIES in row `base`; 0 where the model has no such head. */
  private category(probs: Float32Array, base: number, k: number): number {
    const col = this.categoryColumns[k]!;
    return col >= 0 ? (probs[base + col] ?? 0) : 0;
  }

  tokenTable(): { hits: number; misses: number } | undefined {
    return this.tokenSums && { hits: this.tokenSums.hits, misses: this.tokenSums.misses };
  }

  async close(): Promise<void> {
    await this.session?.release();
  }
}
