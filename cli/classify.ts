// Offline evaluation: classifies a JSONL file of chat messages with the fast model alone or the
// fast -> deep cascade. Streams line by line in bounded batches; stdout stays empty (external
// checks read the output file), diagnostics go to stderr.
//
//   npm run -s classify -- --input in.jsonl --output out.jsonl [--stage fast|cascade]
//     [--fast-model DIR] [--deep-model DIR] [--min-confidence X] [--ok-below X] [--toxic-from X] [--batch N]

import { adoptFormerEnvAtStart, CATEGORIES, type CategoryScores, routeByThresholds, type RoutingThresholds, type ScoringInput } from '@sinbin/contract';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { defaultModelDir } from '@sinbin/scoring';
import { loadOnnxFastScorer, type OnnxFastScorer } from '@sinbin/scoring/fast';
import type { TransformerDeepScorer } from '@sinbin/scoring/deep';

adoptFormerEnvAtStart();

// Libraries must not write to stdout: route console output to stderr before anything loads.
console.log = console.error;
console.info = console.error;
console.warn = console.error;

/** Review cut used when neither --min-confidence nor the deep model's config gives one. */
const FALLBACK_MIN_CONFIDENCE = 0.2;

const InputLine = z.object({
  id: z.union([z.string(), z.number()]),
  text: z.string(),
  channelId: z.string().optional(),
  playerId: z.string().optional(),
  context: z.array(z.object({ playerId: z.string().optional(), text: z.string() })).optional(),
});
type InputLine = z.infer<typeof InputLine>;

type Verdict = 'ok' | 'toxic' | 'review';
interface OutputLine {
  id: string | number;
  verdict: Verdict;
  toxicity: number;
  stage: 'fast' | 'deep';
  categories: CategoryScores;
}

class InputError extends Error {}

interface Options {
  input: string;
  output: string;
  stage: 'fast' | 'cascade';
  fastModel: string;
  deepModel: string;
  minConfidence?: number;
  thresholds?: Partial<RoutingThresholds>;
  batch: number;
}

function parseNumber(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new InputError(`--${name} must be a number in [${min}, ${max}], got '${raw}'`);
  return value;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' }, output: { type: 'string' }, stage: { type: 'string', default: 'cascade' },
      'fast-model': { type: 'string' }, 'deep-model': { type: 'string' }, 'min-confidence': { type: 'string' },
      'ok-below': { type: 'string' }, 'toxic-from': { type: 'string' }, batch: { type: 'string' },
    },
    strict: true,
  });
  if (!values.input || !values.output) throw new InputError('usage: classify --input in.jsonl --output out.jsonl [--stage fast|cascade]');
  if (values.stage !== 'fast' && values.stage !== 'cascade') throw new InputError(`--stage must be 'fast' or 'cascade', got '${values.stage}'`);
  const okBelow = parseNumber('ok-below', values['ok-below'], 0, 1);
  const toxicFrom = parseNumber('toxic-from', values['toxic-from'], 0, 1);
  return {
    input: values.input,
    output: values.output,
    stage: values.stage,
    fastModel: values['fast-model'] ?? process.env.SINBIN_FAST_MODEL_DIR ?? defaultModelDir('fast'),
    deepModel: values['deep-model'] ?? process.env.SINBIN_DEEP_MODEL_DIR ?? defaultModelDir('deep'),
    minConfidence: parseNumber('min-confidence', values['min-confidence'], 0, 1),
    thresholds: { ...(okBelow !== undefined && { okBelow }), ...(toxicFrom !== undefined && { toxicFrom }) },
    batch: parseNumber('batch', values.batch, 1, 100_000) ?? 1024,
  };
}

/** The common line, `{"id": ..., "text": "..."}` and nothing else, checked without zod (it cost 4 % of a run). */
function isPlainLine(json: unknown): json is InputLine {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const line = json as Record<string, unknown>;
  let keys = 0;
  for (const _ in line) keys++;
  return keys === 2 && typeof line.text === 'string' && (typeof line.id === 'string' || typeof line.id === 'number');
}

function parseLine(raw: string, lineNumber: number): InputLine {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new InputError(`line ${lineNumber}: not valid JSON (${(err as Error).message})`);
  }
  if (isPlainLine(json)) return json;
  const parsed = InputLine.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`line ${lineNumber}: ${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function toScoringInput(line: InputLine): ScoringInput {
  return { text: line.text, ...(line.playerId !== undefined && { playerId: line.playerId }), ...(line.context && { context: line.context }) };
}

function deepVerdict(toxicity: number, confidence: number, deep: TransformerDeepScorer, minConfidence: number): Verdict {
  if (confidence < minConfidence) return 'review';
  return toxicity >= deep.decisionThreshold ? 'toxic' : 'ok';
}

async function classifyBatch(lines: InputLine[], fast: OnnxFastScorer, deep: TransformerDeepScorer | undefined,
  thresholds: RoutingThresholds, minConfidence: number): Promise<OutputLine[]> {
  const inputs = lines.map(toScoringInput);
  const fastScores = await fast.score(inputs);
  const out: OutputLine[] = fastScores.map((s, i) => {
    const route = routeByThresholds(s.toxicity, thresholds);
    const verdict: Verdict = route === 'needs-analysis' ? 'review' : route;
    return { id: lines[i]!.id, verdict, toxicity: s.toxicity, stage: 'fast', categories: s.categories };
  });
  if (!deep) return out;
  const pending = out.flatMap((o, i) => (o.verdict === 'review' ? [i] : []));
  if (pending.length === 0) return out;
  // As in deep-analyzer: the deep stage also gets the fast score (a stacked model combines both).
  const deepScores = await deep.score(pending.map((i) => ({ ...inputs[i]!, fastToxicity: fastScores[i]!.toxicity })));
  pending.forEach((i, k) => {
    const s = deepScores[k]!;
    out[i] = { id: lines[i]!.id, verdict: deepVerdict(s.toxicity, s.confidence ?? 0, deep, minConfidence), toxicity: s.toxicity, stage: 'deep', categories: s.categories };
  });
  return out;
}

/**
 * A probability with six decimals, written from an integer: JSON.stringify's shortest round-trip
 * form of a float32 widened to a double (17 digits) was 15 % of a `--stage fast` run.
 */
export function sixDecimals(p: number): string {
  const n = Math.round(p * 1e6);
  if (!(n > 0)) return '0';
  if (n >= 1e6) return '1';
  const digits = String(n);
  return `0.${'000000'.slice(digits.length)}${digits}`;
}

function outputLine(l: OutputLine): string {
  let categories = '';
  for (const c of CATEGORIES) categories += `${categories ? ',' : ''}"${c}":${sixDecimals(l.categories[c])}`;
  return `{"id":${JSON.stringify(l.id)},"verdict":"${l.verdict}","toxicity":${sixDecimals(l.toxicity)},"stage":"${l.stage}","categories":{${categories}}}`;
}

async function writeLines(stream: WriteStream, lines: OutputLine[]): Promise<void> {
  let chunk = '';
  for (const l of lines) chunk += `${outputLine(l)}\n`;
  if (!stream.write(chunk)) await once(stream, 'drain');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const fast = await loadOnnxFastScorer(options.fastModel);
  const thresholds = { ...fast.defaultThresholds, ...options.thresholds };
  if (thresholds.okBelow > thresholds.toxicFrom) throw new InputError('--ok-below must not exceed --toxic-from');
  // The transformer's code loads only for the cascade: `--stage fast` never pays for it.
  const deep = options.stage === 'cascade' ? await (await import('@sinbin/scoring/deep')).loadTransformerDeepScorer(options.deepModel) : undefined;
  // The deep model's config carries the review cut chosen on validation data.
  const minConfidence = options.minConfidence ?? deep?.reviewBelowConfidence ?? FALLBACK_MIN_CONFIDENCE;
  process.stderr.write(`classify: stage ${options.stage}, ${fast.version}${deep ? ` + ${deep.version}` : ''}, okBelow ${thresholds.okBelow}, toxicFrom ${thresholds.toxicFrom}${deep ? `, minConfidence ${minConfidence}` : ''}\n`);

  const output = createWriteStream(options.output);
  const reader = createInterface({ input: createReadStream(options.input, 'utf8'), crlfDelay: Infinity });
  let batch: InputLine[] = [];
  let lineNumber = 0;
  let written = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await writeLines(output, await classifyBatch(batch, fast, deep, thresholds, minConfidence));
    written += batch.length;
    batch = [];
  };
  try {
    for await (const raw of reader) {
      lineNumber++;
      if (raw.trim() === '') continue;
      batch.push(parseLine(raw, lineNumber));
      if (batch.length >= options.batch) await flush();
    }
    await flush();
  } finally {
    reader.close();
    output.end();
    await once(output, 'close');
    await fast.close();
    await deep?.close();
  }
  process.stderr.write(`classify: wrote ${written} lines to ${options.output}\n`);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`classify: error: ${message}\n`);
  process.exitCode = err instanceof InputError ? 2 : 1;
});
