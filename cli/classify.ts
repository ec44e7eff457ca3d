// Offline evaluation: classifies a JSONL file of chat messages with the fast model alone or the
// fast -> deep cascade. Streams line by line in bounded batches; stdout stays empty (external
// checks read the output file), diagnostics go to stderr.
//
//   npm run -s classify -- --input in.jsonl --output out.jsonl [--stage fast|cascade]
//     [--fast-model DIR] [--deep-model DIR] [--multilingual-model DIR] [--languages en|en,fr]
//     [--french-to-analysis] [--alarms moderator|block|models] [--mild-taunts warn|allow|rules]
//     [--min-confidence X] [--ok-below X] [--toxic-from X] [--batch N]
//
// As the pipeline decides under the default policy: the fast model with the rule layer (alarms,
// mild taunts) and eld's language reading; the messages the fast band sends to analysis are read by
// the English deep model, French ones too (with --languages en,fr: by the multilingual model, and with
// --french-to-analysis every French message); alarms to a moderator (verdict `review`) unless --alarms says otherwise.

import {
  adoptFormerEnvAtStart,
  type Alarm,
  DEFAULT_POLICY,
  alarmNeedsModerator,
  CATEGORIES,
  type CategoryScores,
  type DetectedLanguage,
  routeFast,
  routeLanguage,
  type RoutedLanguage,
  type RoutingThresholds,
  type ScoringInput,
  type ToxicityScore,
} from '@sinbin/contract';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { defaultModelDir } from '@sinbin/scoring';
import { applyRules, detectLanguage, loadOnnxFastScorer, normalizeForFeatures, type OnnxFastScorer } from '@sinbin/scoring/fast';
import type { TransformerDeepScorer } from '@sinbin/scoring/deep';
import { ByteLines, NumberPieces, PairPieces, Pieces } from './byte-lines';
import { readLineChunks } from './lines';
import { parsePlainLine } from './plain-line';

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
  /** Under the chosen policy: `review` = a moderator decides (low confidence, or an alarm). */
  verdict: Verdict;
  toxicity: number;
  stage: 'fast' | 'deep';
  categories: CategoryScores;
  /** The fast path's own route (`ok` never happens with an alarm). */
  fastRoute: 'ok' | 'toxic' | 'needs-analysis';
  language: DetectedLanguage;
  /** The models that read it: `fr` = the multilingual model in the deep stage. */
  readAs: RoutedLanguage;
  alarm?: Alarm;
  mildTaunt?: true;
  /** The rule layer found an attack on a protected group (toxic route, category identity_hate). */
  identityAttack?: true;
  /** The rule layer found sexual harassment aimed at the reader (toxic route, category sexual). */
  sexualHarassment?: true;
  /** The models' verdict before the policy's alarm and mild-taunt rules. */
  modelVerdict: Verdict;
}

class InputError extends Error {}
class HelpRequested extends Error {}

const USAGE = `usage: sinbin classify --input in.jsonl --output out.jsonl [options]
  in.jsonl: one {"id": ..., "text": "..."} per line (optional: channelId, playerId, context [{playerId?, text}])
  out.jsonl: one line per input line: verdict ok|toxic|review, toxicity, categories, stage, fastRoute,
             language, readAs, alarm, mildTaunt, identityAttack, sexualHarassment,
             modelVerdict (before the policy)
options (policy defaults are the default game policy's):
  --stage fast|cascade              cascade (default): the fast band's middle read by the deep model
  --alarms moderator|block|models   threats, self-harm encouragement, doxxing (default ${DEFAULT_POLICY.alarms})
  --mild-taunts warn|allow|rules    "gg ez", "noob team" (default ${DEFAULT_POLICY.mildTaunts}: the verdict stands, a warning at most)
  --languages en|en,fr              en (default, as the pipeline): French read by the English models;
                                    en,fr: by the multilingual model (FRENCH_DEEP_MODEL=multilingual)
  --french-to-analysis              with --languages en,fr: every French message to the multilingual model
  --min-confidence X                review cut (default: the deep model's config)
  --ok-below X --toxic-from X       the fast route's band (default: the fast model's)
  --fast-model DIR --deep-model DIR --multilingual-model DIR
  --batch N                         lines scored at once (default 1024)`;

interface Options {
  input: string;
  output: string;
  stage: 'fast' | 'cascade';
  fastModel: string;
  deepModel: string;
  multilingualModel: string;
  languages: RoutedLanguage[];
  /** Every French message to the multilingual model, not only the fast band's middle (measured worse). */
  otherLanguagesToAnalysis: boolean;
  alarms: 'moderator' | 'block' | 'models';
  mildTaunts: 'allow' | 'warn' | 'rules';
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
      'multilingual-model': { type: 'string' }, languages: { type: 'string', default: 'en' },
      alarms: { type: 'string', default: DEFAULT_POLICY.alarms }, 'french-to-analysis': { type: 'boolean', default: false },
      'mild-taunts': { type: 'string', default: DEFAULT_POLICY.mildTaunts }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) throw new HelpRequested();
  if (!values.input || !values.output) throw new InputError(`--input and --output are required\n${USAGE}`);
  if (values.stage !== 'fast' && values.stage !== 'cascade') throw new InputError(`--stage must be 'fast' or 'cascade', got '${values.stage}'`);
  const languages = values.languages.split(',').map((l) => l.trim());
  if (!languages.includes('en') || languages.some((l) => l !== 'en' && l !== 'fr')) throw new InputError(`--languages must be 'en' or 'en,fr', got '${values.languages}'`);
  if (!['moderator', 'block', 'models'].includes(values.alarms)) throw new InputError(`--alarms must be moderator, block or models, got '${values.alarms}'`);
  if (!['allow', 'warn', 'rules'].includes(values['mild-taunts'])) throw new InputError(`--mild-taunts must be allow, warn or rules, got '${values['mild-taunts']}'`);
  const okBelow = parseNumber('ok-below', values['ok-below'], 0, 1);
  const toxicFrom = parseNumber('toxic-from', values['toxic-from'], 0, 1);
  return {
    input: values.input,
    output: values.output,
    stage: values.stage,
    fastModel: values['fast-model'] ?? process.env.SINBIN_FAST_MODEL_DIR ?? defaultModelDir('fast'),
    deepModel: values['deep-model'] ?? process.env.SINBIN_DEEP_MODEL_DIR ?? defaultModelDir('deep'),
    multilingualModel: values['multilingual-model'] ?? process.env.SINBIN_MULTILINGUAL_MODEL_DIR ?? defaultModelDir('multilingual'),
    languages: languages as RoutedLanguage[],
    otherLanguagesToAnalysis: values['french-to-analysis'],
    alarms: values.alarms as Options['alarms'],
    mildTaunts: values['mild-taunts'] as Options['mildTaunts'],
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
  const plain = parsePlainLine(raw);
  if (plain) return plain;
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

/** A deep stage: the model and the review cut it is read with. */
interface DeepStage {
  scorer: TransformerDeepScorer;
  minConfidence: number;
}

function deepVerdict(toxicity: number, confidence: number, deep: DeepStage): Verdict {
  if (confidence < deep.minConfidence) return 'review';
  return toxicity >= deep.scorer.decisionThreshold ? 'toxic' : 'ok';
}

/** The policy's alarm and mild-taunt rules on the models' verdict (decision-manager does the same). */
function policyVerdict(model: Verdict, fast: ToxicityScore, alarmToModerator: boolean, options: Options): Verdict {
  if (fast.alarm && options.alarms === 'block') return 'toxic';
  if (alarmToModerator) return 'review';
  if (model !== 'ok' && fast.mildTaunt && !fast.alarm && options.mildTaunts === 'allow') return 'ok';
  return model;
}

async function classifyBatch(lines: InputLine[], fast: OnnxFastScorer, deep: Record<RoutedLanguage, DeepStage | undefined>,
  thresholds: RoutingThresholds, options: Options): Promise<OutputLine[]> {
  const cascade = options.stage === 'cascade';
  const routeFrench = options.languages.includes('fr');
  // Normalised once: the fast model's features and the rule layer read the same text.
  const normalized = lines.map((l) => normalizeForFeatures(l.text));
  const modelScores = await fast.scoreNormalized(normalized);
  const fastScores: ToxicityScore[] = new Array<ToxicityScore>(lines.length);
  const out: OutputLine[] = new Array<OutputLine>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.text;
    const s = applyRules(text, modelScores[i]!, normalized[i]);
    fastScores[i] = s;
    const language = detectLanguage(text);
    const readAs: RoutedLanguage = routeFrench ? routeLanguage(text, language) : 'en';
    const fastRoute = routeFast(s, thresholds, { analyse: cascade && readAs !== 'en' && options.otherLanguagesToAnalysis });
    const modelVerdict: Verdict = fastRoute === 'needs-analysis' ? 'review' : fastRoute;
    const line: OutputLine = { id: lines[i]!.id, verdict: policyVerdict(modelVerdict, s, false, options), toxicity: s.toxicity, stage: 'fast', categories: s.categories, fastRoute, language, readAs, modelVerdict };
    if (s.alarm) line.alarm = s.alarm;
    if (s.mildTaunt) line.mildTaunt = true;
    if (s.identityAttack) line.identityAttack = true;
    if (s.sexualHarassment) line.sexualHarassment = true;
    out[i] = line;
  }
  if (!cascade) return out;
  for (const language of options.languages) {
    const stage = deep[language];
    if (!stage) continue;
    // Analysis: the fast band's middle, and (alarms: moderator) every alarm, read before a moderator sees it.
    const pending = out.flatMap((o, i) => (o.readAs === language && (o.fastRoute === 'needs-analysis' || (o.alarm && options.alarms === 'moderator')) ? [i] : []));
    if (pending.length === 0) continue;
    // As in deep-analyzer: the deep stage also gets the fast score (a stacked model combines both).
    const deepScores = await stage.scorer.score(pending.map((i) => ({ ...toScoringInput(lines[i]!), fastToxicity: fastScores[i]!.toxicity })));
    pending.forEach((i, k) => {
      const s = deepScores[k]!;
      const modelVerdict = deepVerdict(s.toxicity, s.confidence ?? 0, stage);
      const f = fastScores[i]!;
      const toModerator = f.alarm !== undefined && options.alarms === 'moderator' && alarmNeedsModerator(f.alarm);
      out[i] = { ...out[i]!, verdict: policyVerdict(modelVerdict, f, toModerator, options), toxicity: s.toxicity, stage: 'deep', categories: s.categories, modelVerdict };
    });
  }
  return out;
}

// The fixed parts of an output line, encoded once. A line reads
// {"id":…,"verdict":"…","toxicity":…,"stage":"…","categories":{…},"fastRoute":"…",
//  "language":{"code":"…","confidence":…},"readAs":"…"[,"alarm":…][,"mildTaunt":true][,"identityAttack":true][,"sexualHarassment":true],"modelVerdict":"…"}
// Neighbouring fixed parts are one piece (the stage with the first category's key, the route with
// the language code, readAs with the model verdict when nothing comes between): fewer copies.
const PIECES = {
  id: Buffer.from('{"id":'),
  verdict: new Pieces(',"verdict":"', '","toxicity":'),
  stage: new Pieces(',"stage":"', `","categories":{"${CATEGORIES[0]}":`),
  categories: CATEGORIES.map((c) => Buffer.from(`,"${c}":`)),
  // Language codes are ISO codes or `und`, and a confidence is finite: nothing to escape.
  routeAndCode: new PairPieces('},"fastRoute":"', '","language":{"code":"', '","confidence":'),
  readAsAndVerdict: new PairPieces('},"readAs":"', '","modelVerdict":"', '"}\n'),
  readAs: new Pieces('},"readAs":"', '"'),
  alarm: Buffer.from(',"alarm":'),
  mildTaunt: Buffer.from(',"mildTaunt":true'),
  identityAttack: Buffer.from(',"identityAttack":true'),
  sexualHarassment: Buffer.from(',"sexualHarassment":true'),
  modelVerdict: new Pieces(',"modelVerdict":"', '"}\n'),
};

/** A confidence is rounded to three decimals: at most 1,001 values. */
const CONFIDENCES = new NumberPieces();

function writeLine(out: ByteLines, l: OutputLine): void {
  out.bytes(PIECES.id);
  if (typeof l.id === 'number') out.number(l.id);
  else out.text(JSON.stringify(l.id));
  out.bytes(PIECES.verdict.of(l.verdict));
  out.probability(l.toxicity);
  out.bytes(PIECES.stage.of(l.stage));
  out.probability(l.categories[CATEGORIES[0]]);
  for (let i = 1; i < CATEGORIES.length; i++) {
    out.bytes(PIECES.categories[i]!);
    out.probability(l.categories[CATEGORIES[i]!]);
  }
  out.bytes(PIECES.routeAndCode.of(l.fastRoute, l.language.code));
  out.bytes(CONFIDENCES.of(l.language.confidence));
  if (!l.alarm && !l.mildTaunt && !l.identityAttack && !l.sexualHarassment) {
    out.bytes(PIECES.readAsAndVerdict.of(l.readAs, l.modelVerdict));
    return;
  }
  out.bytes(PIECES.readAs.of(l.readAs));
  if (l.alarm) {
    out.bytes(PIECES.alarm);
    out.text(JSON.stringify(l.alarm));
  }
  if (l.mildTaunt) out.bytes(PIECES.mildTaunt);
  if (l.identityAttack) out.bytes(PIECES.identityAttack);
  if (l.sexualHarassment) out.bytes(PIECES.sexualHarassment);
  out.bytes(PIECES.modelVerdict.of(l.modelVerdict));
}

async function writeLines(stream: WriteStream, lines: OutputLine[], out: ByteLines): Promise<void> {
  for (const l of lines) writeLine(out, l);
  if (!stream.write(out.take())) await once(stream, 'drain');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const fast = await loadOnnxFastScorer(options.fastModel);
  const thresholds = { ...fast.defaultThresholds, ...options.thresholds };
  if (thresholds.okBelow > thresholds.toxicFrom) throw new InputError('--ok-below must not exceed --toxic-from');
  // The transformer's code loads only for the cascade: `--stage fast` never pays for it.
  const deep: Record<RoutedLanguage, DeepStage | undefined> = { en: undefined, fr: undefined };
  if (options.stage === 'cascade') {
    const { loadTransformerDeepScorer } = await import('@sinbin/scoring/deep');
    // Each deep model's config carries the review cut chosen on validation data.
    const stage = async (dir: string): Promise<DeepStage> => {
      const scorer = await loadTransformerDeepScorer(dir);
      return { scorer, minConfidence: options.minConfidence ?? scorer.reviewBelowConfidence ?? FALLBACK_MIN_CONFIDENCE };
    };
    deep.en = await stage(options.deepModel);
    if (options.languages.includes('fr')) deep.fr = await stage(options.multilingualModel);
  }
  const describe = (d: DeepStage | undefined) => (d ? ` + ${d.scorer.version} (minConfidence ${d.minConfidence})` : '');
  process.stderr.write(`classify: stage ${options.stage}, ${fast.version}${describe(deep.en)}${deep.fr ? `, French:${describe(deep.fr)}` : ''}, okBelow ${thresholds.okBelow}, toxicFrom ${thresholds.toxicFrom}, alarms ${options.alarms}, mild taunts ${options.mildTaunts}\n`);

  const output = createWriteStream(options.output);
  const bytes = new ByteLines();
  let batch: InputLine[] = [];
  let lineNumber = 0;
  let written = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await writeLines(output, await classifyBatch(batch, fast, deep, thresholds, options), bytes);
    written += batch.length;
    batch = [];
  };
  try {
    for await (const chunk of readLineChunks(options.input)) {
      for (const raw of chunk) {
        lineNumber++;
        if (raw.trim() === '') continue;
        batch.push(parseLine(raw, lineNumber));
        if (batch.length >= options.batch) await flush();
      }
    }
    await flush();
  } finally {
    output.end();
    await once(output, 'close');
    await fast.close();
    await deep.en?.scorer.close();
    await deep.fr?.scorer.close();
  }
  process.stderr.write(`classify: wrote ${written} lines to ${options.output}\n`);
}

main().catch((err: unknown) => {
  if (err instanceof HelpRequested) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`classify: error: ${message}\n`);
  process.exitCode = err instanceof InputError ? 2 : 1;
});
