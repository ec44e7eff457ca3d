// The context-aware deep analyzer: a fine-tuned pretrained encoder (all-MiniLM-L6-v2), read with
// @huggingface/transformers from local files only. It sees the message plus the channel's
// earlier lines, each marked as the speaker's own ([SELF]) or someone else's ([OTHER]). A message
// longer than the model's window is read in overlapping windows and scored by its worst one.

import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AutoModelForSequenceClassification, AutoTokenizer, env, LogLevel, Tensor } from '@huggingface/transformers';
import { z } from 'zod';
import { CATEGORIES, type CategoryScores, currentModelConfig, type ScoringInput, type ToxicityScore, type ToxicityScorer } from '@sinbin/contract';
import { DEEP_TEXT_FORMS } from './deep-text';
import { StackingSchema, stackedToxicity, type StackingParams } from './stacking';

export const DEEP_MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'] as const;

const InputConfigSchema = z.object({
  maxLen: z.number().int().min(8),
  messageMax: z.number().int().min(1),
  lineMax: z.number().int().min(1),
  contextLines: z.number().int().min(0),
  /** Long messages: windows of messageMax tokens this far apart; absent: cut after messageMax tokens. */
  windowStride: z.number().int().min(1).optional(),
  maxWindows: z.number().int().min(1).default(1),
});
export type DeepInputConfig = z.input<typeof InputConfigSchema>;

const DeepConfigSchema = z.object({
  model_type: z.string(),
  id2label: z.record(z.string(), z.string()),
  sinbin: z.object({
    version: z.string().min(1),
    format: z.literal('sinbin-deep-1'),
    input: InputConfigSchema,
    /** What the tokenizer reads (deep-text.ts); models before the light form did not say. */
    textNormalization: z.enum(['normalizeText', 'light']).default('normalizeText'),
    /** Cut for the stage's toxicity (0.5 when `stacking` folds the cut into its bias). */
    decisionThreshold: z.number().min(0).max(1),
    /** Final toxicity = sigmoid(a * transformer logit + b * fast logit + c); absent: the transformer's own probability. */
    stacking: StackingSchema.optional(),
    /** Deep verdicts less confident than this go to human review (chosen on validation data). */
    reviewBelowConfidence: z.number().min(0).max(1).optional(),
    /** Cut for the model used alone on all messages (decisionThreshold is tuned for the cascade band). */
    standaloneDecisionThreshold: z.number().min(0).max(1).optional(),
  }),
});

export interface SpecialIds {
  pad: number;
  cls: number;
  sep: number;
  self: number;
  other: number;
}

export interface DeepSequence {
  ids: number[];
  types: number[];
}

/**
 * Same layout as models/sinbin_models/deep_input.py:
 *   [CLS] message [SEP] ([SELF]|[OTHER] line)... [SEP], token type 1 for the context part.
 * The newest lines win when the length budget runs out; the kept lines stay oldest first.
 */
export function buildDeepInput(message: readonly number[], context: ReadonlyArray<{ same: boolean; ids: readonly number[] }>,
  sp: SpecialIds, cfg: DeepInputConfig): DeepSequence {
  const head = [sp.cls, ...message.slice(0, cfg.messageMax), sp.sep];
  let budget = cfg.maxLen - head.length - 1;
  const pieces: number[][] = [];
  const recent = cfg.contextLines > 0 ? context.slice(-cfg.contextLines) : [];
  for (let i = recent.length - 1; i >= 0 && budget >= 2; i--) {
    const line = recent[i]!;
    const piece = [line.same ? sp.self : sp.other, ...line.ids.slice(0, cfg.lineMax)].slice(0, budget);
    pieces.push(piece);
    budget -= piece.length;
  }
  if (pieces.length === 0) return { ids: head, types: head.map(() => 0) };
  const tail = [...pieces.reverse().flat(), sp.sep];
  return { ids: [...head, ...tail], types: [...head.map(() => 0), ...tail.map(() => 1)] };
}

/**
 * Where the windows of a message of n tokens start (models/sinbin_models/deep_input.py
 * message_windows): every `stride` tokens, the last window ending with the message; past
 * maxWindows, that many spread evenly from the first token to the last.
 */
export function messageWindows(n: number, size: number, stride: number | undefined, maxWindows: number): number[] {
  if (n <= size || stride === undefined || stride <= 0 || maxWindows <= 1) return [0];
  const last = n - size;
  const starts: number[] = [];
  for (let s = 0; s < last; s += stride) starts.push(s);
  starts.push(last);
  if (starts.length <= maxWindows) return starts;
  return Array.from({ length: maxWindows }, (_, i) => Math.floor((i * last) / (maxWindows - 1)));
}

/** The sequences the model reads for one message: one per window, each with the same context. */
export function buildDeepWindows(message: readonly number[], context: ReadonlyArray<{ same: boolean; ids: readonly number[] }>,
  sp: SpecialIds, cfg: DeepInputConfig): DeepSequence[] {
  return messageWindows(message.length, cfg.messageMax, cfg.windowStride, cfg.maxWindows ?? 1)
    .map((start) => buildDeepInput(message.slice(start, start + cfg.messageMax), context, sp, cfg));
}

export interface DeepScorerOptions {
  /** onnxruntime intra-op threads (1 = one core). */
  intraOpNumThreads?: number;
  /** Sequences per ONNX call. */
  maxBatch?: number;
}

export interface TransformerDeepScorer extends ToxicityScorer {
  readonly kind: 'transformer';
  /** Toxic at or above this; tuned for the messages the fast stage sends to analysis. */
  readonly decisionThreshold: number;
  /** Cut for scoring every message with this model alone. */
  readonly standaloneDecisionThreshold: number;
  /** Confidence below which a deep verdict should go to a human; undefined if the model has none. */
  readonly reviewBelowConfidence: number | undefined;
  /** How the transformer's logit and the input's fastToxicity make the toxicity; undefined: sigmoid of the logit. */
  readonly stacking: StackingParams | undefined;
  readonly inputConfig: DeepInputConfig;
  /** The token sequences the model reads for one input, one per window (for tests and debugging). */
  encode(input: ScoringInput): DeepSequence[];
  /** Releases the ONNX session. */
  close(): Promise<void>;
}

async function readDeepConfig(modelDir: string) {
  const path = join(modelDir, 'config.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`deep model: cannot read ${path}: ${(err as Error).message}`);
  }
  const parsed = DeepConfigSchema.safeParse(currentModelConfig(json as Record<string, unknown>));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`deep model: ${path} is not a sinbin deep model config (${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'})`);
  }
  return parsed.data;
}

async function assertFilesPresent(modelDir: string): Promise<void> {
  for (const file of DEEP_MODEL_FILES) {
    try {
      await readFile(join(modelDir, file), { flag: 'r' }).then(() => undefined);
    } catch (err) {
      throw new Error(`deep model: cannot read ${join(modelDir, file)}: ${(err as Error).message}`);
    }
  }
}

type Tokenizer = Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
type Model = Awaited<ReturnType<typeof AutoModelForSequenceClassification.from_pretrained>>;

export async function loadTransformerDeepScorer(modelDir: string, options: DeepScorerOptions = {}): Promise<TransformerDeepScorer> {
  const dir = resolve(modelDir);
  await assertFilesPresent(dir);
  const config = await readDeepConfig(dir);
  // Local files only: the model name is the folder, looked up under its parent.
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(dir) + '/';
  env.logLevel = LogLevel.ERROR;
  const name = basename(dir);
  let tokenizer: Tokenizer;
  let model: Model;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
  } catch (err) {
    throw new Error(`deep model: cannot load tokenizer from ${dir}: ${(err as Error).message}`);
  }
  try {
    model = await AutoModelForSequenceClassification.from_pretrained(name, {
      local_files_only: true,
      dtype: 'fp32',
      device: 'cpu',
      session_options: { intraOpNumThreads: options.intraOpNumThreads ?? 1, interOpNumThreads: 1, executionMode: 'sequential' },
    });
  } catch (err) {
    throw new Error(`deep model: cannot load ONNX model from ${dir}/onnx: ${(err as Error).message}`);
  }
  return new DeepScorer(tokenizer, model, config, options.maxBatch ?? 64);
}

function specialIds(tokenizer: Tokenizer): SpecialIds {
  const id = (token: string): number => {
    const found = tokenizer.convert_tokens_to_ids([token])[0];
    if (typeof found !== 'number' || found < 0) throw new Error(`deep model: tokenizer has no ${token} token`);
    return found;
  };
  return { pad: id('[PAD]'), cls: id('[CLS]'), sep: id('[SEP]'), self: id('[SELF]'), other: id('[OTHER]') };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** How far the probability sits from the decision cut, scaled to [0, 1] on its side of the cut. */
export function confidenceOf(toxicity: number, decision: number): number {
  return toxicity >= decision ? (toxicity - decision) / (1 - decision) : (decision - toxicity) / decision;
}
const TOKEN_CACHE_LIMIT = 50_000;

class DeepScorer implements TransformerDeepScorer {
  readonly kind = 'transformer' as const;
  readonly version: string;
  readonly decisionThreshold: number;
  readonly standaloneDecisionThreshold: number;
  readonly reviewBelowConfidence: number | undefined;
  readonly stacking: StackingParams | undefined;
  readonly inputConfig: DeepInputConfig;
  private readonly special: SpecialIds;
  private readonly labels: string[];
  private readonly prepare: (text: string) => string;
  // Context lines recur in every following message of a channel; tokenise each once.
  private readonly tokenCache = new Map<string, number[]>();

  constructor(private readonly tokenizer: Tokenizer, private readonly model: Model,
    config: Awaited<ReturnType<typeof readDeepConfig>>, private readonly maxBatch: number) {
    this.version = config.sinbin.version;
    this.decisionThreshold = config.sinbin.decisionThreshold;
    this.reviewBelowConfidence = config.sinbin.reviewBelowConfidence;
    this.stacking = config.sinbin.stacking;
    this.standaloneDecisionThreshold = config.sinbin.standaloneDecisionThreshold ?? config.sinbin.decisionThreshold;
    this.inputConfig = config.sinbin.input;
    this.prepare = DEEP_TEXT_FORMS[config.sinbin.textNormalization];
    this.special = specialIds(tokenizer);
    this.labels = Object.keys(config.id2label).sort((a, b) => Number(a) - Number(b)).map((k) => config.id2label[k]!);
    if (this.labels[0] !== 'toxicity') throw new Error('deep model: first output must be "toxicity"');
  }

  private tokens(text: string): number[] {
    const prepared = this.prepare(text);
    let ids = this.tokenCache.get(prepared);
    if (ids === undefined) {
      ids = prepared === '' ? [] : this.tokenizer.encode(prepared, { add_special_tokens: false });
      if (this.tokenCache.size >= TOKEN_CACHE_LIMIT) this.tokenCache.clear();
      this.tokenCache.set(prepared, ids);
    }
    return ids;
  }

  encode(input: ScoringInput): DeepSequence[] {
    const context = (input.context ?? []).map((line) => ({
      same: input.playerId !== undefined && line.playerId === input.playerId,
      ids: this.tokens(line.text),
    }));
    return buildDeepWindows(this.tokens(input.text), context, this.special, this.inputConfig);
  }

  async score(batch: readonly ScoringInput[]): Promise<ToxicityScore[]> {
    const sequences: DeepSequence[] = [];
    const owners: number[] = [];
    batch.forEach((input, i) => {
      for (const seq of this.encode(input)) {
        sequences.push(seq);
        owners.push(i);
      }
    });
    // Calls of similar lengths: every row is padded to the longest of its call, and on chat lines
    // that padding cost more than the calls saved (a batch in arrival order scored slower than
    // one message at a time). Padding never changes a row's score; the order only groups them.
    const order = sequences.map((_, i) => i).sort((a, b) => sequences[a]!.ids.length - sequences[b]!.ids.length);
    // A message's logits are the highest of its windows', label by label.
    const worst = batch.map(() => new Float32Array(this.labels.length).fill(-Infinity));
    for (let start = 0; start < order.length; start += this.maxBatch) {
      const rows = order.slice(start, start + this.maxBatch);
      const logits = await this.run(rows.map((i) => sequences[i]!));
      rows.forEach((i, k) => {
        const into = worst[owners[i]!]!;
        for (let c = 0; c < into.length; c++) into[c] = Math.max(into[c]!, logits[k]![c]!);
      });
    }
    return worst.map((logits, i) => this.toScore(logits, batch[i]!));
  }

  private toScore(logits: Float32Array, input: ScoringInput): ToxicityScore {
    const logit = logits[0]!;
    const toxicity = this.stacking ? stackedToxicity(logit, input.fastToxicity, this.stacking) : sigmoid(logit);
    const categories = {} as CategoryScores;
    for (const c of CATEGORIES) {
      const col = this.labels.indexOf(c);
      categories[c] = col >= 0 ? sigmoid(logits[col]!) : 0;
    }
    return { toxicity, categories, confidence: confidenceOf(toxicity, this.decisionThreshold) };
  }

  /** The model's logits, one row per sequence. */
  private async run(sequences: DeepSequence[]): Promise<Float32Array[]> {
    const width = Math.max(...sequences.map((s) => s.ids.length));
    const n = sequences.length;
    const ids = new BigInt64Array(n * width).fill(BigInt(this.special.pad));
    const mask = new BigInt64Array(n * width);
    const types = new BigInt64Array(n * width);
    sequences.forEach((s, row) => {
      for (let j = 0; j < s.ids.length; j++) {
        ids[row * width + j] = BigInt(s.ids[j]!);
        mask[row * width + j] = 1n;
        types[row * width + j] = BigInt(s.types[j]!);
      }
    });
    const dims = [n, width];
    const output = await this.model({
      input_ids: new Tensor('int64', ids, dims),
      attention_mask: new Tensor('int64', mask, dims),
      token_type_ids: new Tensor('int64', types, dims),
    });
    const data = (output.logits as Tensor).data as Float32Array;
    const labels = this.labels.length;
    if (data.length !== n * labels) throw new Error(`deep model: ${data.length / n} outputs per message, config.json names ${labels} labels`);
    return sequences.map((_, row) => data.subarray(row * labels, (row + 1) * labels));
  }

  async close(): Promise<void> {
    await this.model.dispose();
  }
}
