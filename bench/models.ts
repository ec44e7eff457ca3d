// Model benchmark on held-out data: the fast classifier, the deep analyzer and the cascade (one core
// each), next to the `obscenity` word filter and alt-profanity-check, on the same texts: F1 per
// source, review rate, msgs/s; `table` is the markdown models/README.md shows. Held-out = CONDA_train
// matches that models/sinbin_models/data.py puts in its test split, and the TweetEval offensive val file.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultModelDir } from '@sinbin/scoring';
import { loadOnnxFastScorer } from '@sinbin/scoring/fast';
import { loadTransformerDeepScorer } from '@sinbin/scoring/deep';
import { type ContextLine, MAX_TEXT_LENGTH, routeByThresholds, type ScoringInput } from '@sinbin/contract';
import { ALT_PROFANITY_CHECK, altProfanityCheck, obscenityPeer } from './peers';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONTEXT_LINES = 8;

interface Labelled extends ScoringInput {
  toxic: boolean;
}

export function modelsDataDir(): string {
  return resolve(process.env.SINBIN_DATA_DIR ?? join(REPO, '..', 'shared', 'data'));
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

function records(path: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  if (!header) return [];
  return rows.filter((r) => r.length === header.length).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** Same bucket as models/sinbin_models/data.py: md5 prefix of "match:<id>" in [0.9, 1] is the test split. */
export function isHeldOutMatch(matchId: string): boolean {
  const bucket = parseInt(createHash('md5').update(`match:${matchId}`).digest('hex').slice(0, 8), 16) / 0xffffffff;
  return bucket >= 0.9;
}

export const cleanConda = (s: string) => s.replaceAll('[SEPA]', ' ').split(/\s+/).filter(Boolean).join(' ');

/** Held-out CONDA messages with their conversation context (earlier lines of the conversation). */
export function condaHeldOut(dir: string): Labelled[] {
  const rows = [...records(join(dir, 'conda', 'CONDA_train.csv')), ...records(join(dir, 'conda', 'CONDA_test.csv'))];
  const byConversation = new Map<string, Record<string, string>[]>();
  for (const row of rows) {
    const list = byConversation.get(row.conversationId ?? '') ?? [];
    list.push(row);
    byConversation.set(row.conversationId ?? '', list);
  }
  const out: Labelled[] = [];
  for (const list of byConversation.values()) {
    list.sort((a, b) => Number(a.chatTime) - Number(b.chatTime) || Number(a.Id) - Number(b.Id));
    list.forEach((row, i) => {
      if (!row.intentClass || !isHeldOutMatch(row.matchId ?? '')) return;
      const context: ContextLine[] = list.slice(Math.max(0, i - CONTEXT_LINES), i).map((r) => ({ playerId: `slot-${r.playerSlot}`, text: cleanConda(r.utterance ?? '') }));
      out.push({ text: cleanConda(row.utterance ?? ''), playerId: `slot-${row.playerSlot}`, context, toxic: row.intentClass === 'E' || row.intentClass === 'I' });
    });
  }
  return out;
}

export function tweetEvalVal(dir: string): Labelled[] {
  const texts = readFileSync(join(dir, 'tweeteval', 'offensive', 'val_text.txt'), 'utf8').split('\n');
  const labels = readFileSync(join(dir, 'tweeteval', 'offensive', 'val_labels.txt'), 'utf8').split('\n');
  return labels.flatMap((l, i) => (l.trim() === '' ? [] : [{ text: texts[i] ?? '', toxic: l.trim() === '1' }]));
}

function quality(labels: boolean[], predicted: boolean[]) {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  labels.forEach((y, i) => {
    const p = predicted[i];
    if (p && y) tp++; else if (p) fp++; else if (y) fn++; else tn++;
  });
  const f1 = (a: number, b: number, c: number) => (a === 0 ? 0 : (2 * a) / (2 * a + b + c));
  return {
    n: labels.length,
    precision: round(tp / Math.max(1, tp + fp)),
    recall: round(tp / Math.max(1, tp + fn)),
    f1Toxic: round(f1(tp, fp, fn)),
    macroF1: round((f1(tp, fp, fn) + f1(tn, fn, fp)) / 2),
  };
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

async function timeIt<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

/** Repeats the message list until `total` messages, so short sets still give a stable rate. */
function repeatTo<T>(items: T[], total: number): T[] {
  return Array.from({ length: total }, (_, i) => items[i % items.length]!);
}

type Verdict = 'ok' | 'toxic' | 'review';
interface SystemRow {
  system: string;
  /** Per source: F1 (review counted as the model's provisional verdict), review rate, msgs/s. */
  sources: Record<string, ReturnType<typeof quality> & { reviewRate: number; msgsPerSecond: number }>;
}

function row(labels: boolean[], verdicts: Verdict[], provisional: boolean[], msgsPerSecond: number) {
  return { ...quality(labels, provisional), reviewRate: round(verdicts.filter((v) => v === 'review').length / Math.max(1, verdicts.length)), msgsPerSecond };
}

/** The markdown table models/README.md shows: one line per system, F1 / review / msgs/s per source. */
export function modelsTable(rows: SystemRow[], sourceNames: string[]): string[] {
  const head = `| system | ${sourceNames.map((s) => `${s} toxic-F1 | ${s} macro-F1 | ${s} review | ${s} msgs/s`).join(' | ')} |`;
  const rule = `|---|${sourceNames.map(() => '---:|---:|---:|---:').join('|')}|`;
  const cell = (r: SystemRow, s: string) => {
    const q = r.sources[s];
    return q ? `${q.f1Toxic} | ${q.macroF1} | ${(q.reviewRate * 100).toFixed(1)} % | ${q.msgsPerSecond.toLocaleString('en')}` : '– | – | – | –';
  };
  return [head, rule, ...rows.map((r) => `| ${r.system} | ${sourceNames.map((s) => cell(r, s)).join(' | ')} |`)];
}

export async function benchModels(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const dir = modelsDataDir();
  if (!existsSync(join(dir, 'conda', 'CONDA_train.csv'))) return { skipped: `data dir ${dir} not found (set SINBIN_DATA_DIR)` };
  const sources: Record<string, Labelled[]> = { conda: condaHeldOut(dir), tweeteval_offensive: tweetEvalVal(dir) };
  const names = Object.keys(sources);
  const result: Record<string, unknown> = { dataDir: dir, heldOut: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, v.length])), load: (await import('node:os')).loadavg().map((x) => round(x, 2)) };
  const rows: Record<'fast' | 'deep' | 'cascade' | 'obscenity' | 'apc', SystemRow> = {
    fast: { system: '', sources: {} }, deep: { system: '', sources: {} }, cascade: { system: '', sources: {} },
    obscenity: { system: 'obscenity 0.4 (npm word filter)', sources: {} }, apc: { system: `${ALT_PROFANITY_CHECK} (PyPI, TF-IDF + linear SVM; Python, batch)`, sources: {} },
  };
  const fast = await loadOnnxFastScorer(defaultModelDir('fast'), { intraOpNumThreads: 1, maxBatch: 4096 });
  const deep = await loadTransformerDeepScorer(defaultModelDir('deep'), { intraOpNumThreads: 1, maxBatch: 64 });
  const band = fast.defaultThresholds;
  const minConfidence = deep.reviewBelowConfidence ?? 0.2;
  rows.fast.system = `sinbin fast ${fast.version} (band ${band.okBelow}-${band.toxicFrom}: middle = review)`;
  // The held-out lines carry their conversation; the model reads as much of it as its config asks (0: none).
  const reads = deep.inputConfig.contextLines > 0 ? `${deep.inputConfig.contextLines} context lines` : 'the message alone';
  rows.deep.system = `sinbin deep ${deep.version} alone (cut ${deep.standaloneDecisionThreshold}, reads ${reads})`;
  rows.cascade.system = `sinbin cascade (fast band, deep on the middle, review below confidence ${minConfidence})`;
  const fastOut: Record<string, unknown> = { version: fast.version, thresholds: band, decisionThreshold: fast.decisionThreshold };
  const deepOut: Record<string, unknown> = { version: deep.version, standaloneDecisionThreshold: deep.standaloneDecisionThreshold, reviewBelowConfidence: deep.reviewBelowConfidence };
  const obscenity = obscenityPeer();
  for (const [name, msgs] of Object.entries(sources)) {
    const labels = msgs.map((m) => m.toxic);
    process.stderr.write(`bench models: ${name} (${msgs.length} messages)\n`);
    // Fast: one ONNX thread, batches of 4096, feature extraction included in the timing.
    const fastScores = await fast.score(msgs);
    const load = repeatTo(msgs.map((m) => ({ text: m.text })), opts.quick ? 50_000 : 300_000);
    await fast.score(load.slice(0, 4096)); // warm-up
    const [, fastSeconds] = await timeIt(async () => {
      for (let i = 0; i < load.length; i += 4096) await fast.score(load.slice(i, i + 4096));
    });
    const fastRate = Math.round(load.length / fastSeconds);
    const routes = fastScores.map((s) => routeByThresholds(s.toxicity, band));
    const fastVerdicts = routes.map((r): Verdict => (r === 'needs-analysis' ? 'review' : r));
    rows.fast.sources[name] = row(labels, fastVerdicts, fastScores.map((s) => s.toxicity >= fast.decisionThreshold), fastRate);
    fastOut[name] = { quality: quality(labels, fastScores.map((s) => s.toxicity >= fast.decisionThreshold)), msgsPerSecond: fastRate };

    // Deep alone, with conversation context, one intra-op thread.
    const sample = opts.quick ? msgs.slice(0, 600) : msgs;
    const [deepAlone, deepSeconds] = await timeIt(() => deep.score(sample));
    const deepRate = Math.round(sample.length / deepSeconds);
    const deepFlags = deepAlone.map((s) => s.toxicity >= deep.standaloneDecisionThreshold);
    rows.deep.sources[name] = row(sample.map((m) => m.toxic), deepFlags.map((f): Verdict => (f ? 'toxic' : 'ok')), deepFlags, deepRate);
    deepOut[name] = { quality: quality(sample.map((m) => m.toxic), deepFlags), msgsPerSecond: deepRate, withContext: sample.filter((m) => (m.context?.length ?? 0) > 0).length };

    // Cascade: the band's middle to the deep model (stacked with the fast score), as the pipeline routes.
    const middle = routes.flatMap((r, i) => (r === 'needs-analysis' ? [i] : []));
    const [deepMiddle, middleSeconds] = await timeIt(() => deep.score(middle.map((i) => ({ ...msgs[i]!, fastToxicity: fastScores[i]!.toxicity }))));
    const verdicts = [...fastVerdicts];
    const provisional = routes.map((r) => r === 'toxic');
    middle.forEach((i, k) => {
      const s = deepMiddle[k]!;
      provisional[i] = s.toxicity >= deep.decisionThreshold;
      verdicts[i] = (s.confidence ?? 0) < minConfidence ? 'review' : provisional[i] ? 'toxic' : 'ok';
    });
    const cascadeRate = Math.round(msgs.length / (msgs.length / fastRate + middleSeconds));
    rows.cascade.sources[name] = row(labels, verdicts, provisional, cascadeRate);

    // Peers on the same texts.
    const texts = msgs.map((m) => m.text);
    const o = obscenity(texts, opts.quick ? 20_000 : 100_000);
    rows.obscenity.sources[name] = row(labels, o.flagged.map((f): Verdict => (f ? 'toxic' : 'ok')), o.flagged, o.msgsPerSecond);
    const apc = await altProfanityCheck(texts);
    if (apc) rows.apc.sources[name] = row(labels, apc.flagged.map((f): Verdict => (f ? 'toxic' : 'ok')), apc.flagged, apc.msgsPerSecond);
  }
  // Latency of one message (its conversation passed along), as the deep-analyzer function sees a lone event.
  const singles = sources.conda!.slice(0, opts.quick ? 100 : 400);
  const latencies: number[] = [];
  for (const m of singles) {
    const [, seconds] = await timeIt(() => deep.score([m]));
    latencies.push(seconds * 1000);
  }
  latencies.sort((a, b) => a - b);
  deepOut.singleMessageLatencyMs = { p50: round(latencies[Math.floor(latencies.length * 0.5)]!, 2), p95: round(latencies[Math.floor(latencies.length * 0.95)]!, 2), p99: round(latencies[Math.floor(latencies.length * 0.99)]!, 2) };
  // The longest message the gateway accepts, read in windows: the deep model's worst single call.
  const longest = { text: sources.tweeteval_offensive!.map((m) => m.text).join(' ').slice(0, MAX_TEXT_LENGTH) };
  const longLatencies: number[] = [];
  for (let i = 0; i < (opts.quick ? 10 : 50); i++) longLatencies.push((await timeIt(() => deep.score([longest])))[1] * 1000);
  longLatencies.sort((a, b) => a - b);
  deepOut.longestMessageLatencyMs = {
    characters: longest.text.length, windows: deep.encode(longest).length,
    p50: round(longLatencies[Math.floor(longLatencies.length * 0.5)]!, 2), max: round(longLatencies.at(-1)!, 2),
  };
  await fast.close();
  await deep.close();
  result.fast = fastOut;
  result.deep = deepOut;
  const systems = [rows.fast, rows.deep, rows.cascade, rows.obscenity, ...(Object.keys(rows.apc.sources).length ? [rows.apc] : [])];
  result.systems = systems;
  if (!Object.keys(rows.apc.sources).length) result.altProfanityCheck = { skipped: 'its venv is missing: run bench/peers/setup.sh' };
  result.table = modelsTable(systems, names);
  return result;
}
