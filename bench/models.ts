// Model benchmark on held-out data: the fast classifier and the deep analyzer (one core each),
// next to the `obscenity` word filter, for speed and per-source quality. Held-out = CONDA_train
// matches that models/sinbin_models/data.py puts in its test split, and the TweetEval offensive val file.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import { defaultModelDir } from '@sinbin/scoring';
import { loadOnnxFastScorer } from '@sinbin/scoring/fast';
import { loadTransformerDeepScorer } from '@sinbin/scoring/deep';
import type { ContextLine, ScoringInput } from '@sinbin/contract';

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

export async function benchModels(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const dir = modelsDataDir();
  if (!existsSync(join(dir, 'conda', 'CONDA_train.csv'))) return { skipped: `data dir ${dir} not found (set SINBIN_DATA_DIR)` };
  const sources: Record<string, Labelled[]> = { conda: condaHeldOut(dir), tweeteval_offensive: tweetEvalVal(dir) };
  const result: Record<string, unknown> = { dataDir: dir, heldOut: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, v.length])) };

  // Fast classifier: one ONNX thread, batches of 4096, feature extraction included in the timing.
  const fast = await loadOnnxFastScorer(defaultModelDir('fast'), { intraOpNumThreads: 1, maxBatch: 4096 });
  const fastOut: Record<string, unknown> = { version: fast.version, thresholds: fast.defaultThresholds, decisionThreshold: fast.decisionThreshold };
  for (const [name, msgs] of Object.entries(sources)) {
    const scores = await fast.score(msgs);
    const load = repeatTo(msgs.map((m) => ({ text: m.text })), opts.quick ? 50_000 : 300_000);
    await fast.score(load.slice(0, 4096)); // warm-up
    const [, seconds] = await timeIt(async () => {
      for (let i = 0; i < load.length; i += 4096) await fast.score(load.slice(i, i + 4096));
    });
    fastOut[name] = { quality: quality(msgs.map((m) => m.toxic), scores.map((s) => s.toxicity >= fast.decisionThreshold)), msgsPerSecond: Math.round(load.length / seconds) };
  }
  await fast.close();
  result.fast = fastOut;

  // Deep analyzer with conversation context, one intra-op thread.
  const deep = await loadTransformerDeepScorer(defaultModelDir('deep'), { intraOpNumThreads: 1, maxBatch: 64 });
  const deepOut: Record<string, unknown> = { version: deep.version, standaloneDecisionThreshold: deep.standaloneDecisionThreshold };
  for (const [name, msgs] of Object.entries(sources)) {
    const sample = opts.quick ? msgs.slice(0, 600) : msgs;
    const [scores, seconds] = await timeIt(() => deep.score(sample));
    deepOut[name] = {
      quality: quality(sample.map((m) => m.toxic), scores.map((s) => s.toxicity >= deep.standaloneDecisionThreshold)),
      msgsPerSecond: Math.round(sample.length / seconds),
      withContext: sample.filter((m) => (m.context?.length ?? 0) > 0).length,
    };
  }
  // Latency of one message with context, as the deep-analyzer function sees a lone event.
  const singles = sources.conda!.slice(0, opts.quick ? 100 : 400);
  const latencies: number[] = [];
  for (const m of singles) {
    const [, seconds] = await timeIt(() => deep.score([m]));
    latencies.push(seconds * 1000);
  }
  latencies.sort((a, b) => a - b);
  deepOut.singleMessageLatencyMs = { p50: round(latencies[Math.floor(latencies.length * 0.5)]!, 2), p95: round(latencies[Math.floor(latencies.length * 0.95)]!, 2) };
  await deep.close();
  result.deep = deepOut;

  // The obscenity npm filter: a word list with obfuscation-aware matching, as a baseline.
  const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  const obscenityOut: Record<string, unknown> = {};
  for (const [name, msgs] of Object.entries(sources)) {
    const flagged = msgs.map((m) => matcher.hasMatch(m.text));
    const load = repeatTo(msgs.map((m) => m.text), opts.quick ? 20_000 : 100_000);
    const [, seconds] = await timeIt(async () => { for (const t of load) matcher.hasMatch(t); });
    obscenityOut[name] = { quality: quality(msgs.map((m) => m.toxic), flagged), msgsPerSecond: Math.round(load.length / seconds) };
  }
  result.obscenity = obscenityOut;
  return result;
}
