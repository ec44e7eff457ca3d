// The fixed golden set every challenger and champion is scored on, kept in the model-artefacts
// bucket (golden/golden-set.jsonl) so every retrain uses the same lines: the project's hand-written
// evaluation sets (models/eval) and, when the data sets are at hand when it is first written, a
// fixed sample of CONDA's held-out matches and the TweetEval offensive held-out file. Third-party
// lines live only in the store, never in the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EvalFigures, ObjectStore, RoutingThresholds, ScoringInput, ToxicityScorer } from '@sinbin/contract';
import { routingBandOf } from '@sinbin/scoring';
import { condaHeldOut, modelsDataDir, tweetEvalVal } from '../../bench/models';

export const GOLDEN_KEY = 'golden/golden-set.jsonl';
const REPO = resolve(import.meta.dirname, '..', '..');

export interface GoldenRow extends ScoringInput {
  source: string;
  label: 0 | 1;
}

/** Sources whose measure is macro-F1 (TweetEval's); the others use toxic-class F1. */
const MACRO_F1_SOURCES = new Set(['tweeteval']);

function evalSets(): GoldenRow[] {
  const dir = join(REPO, 'models', 'eval');
  const rows: GoldenRow[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    const source = `eval-${file.replace(/\.jsonl$/, '')}`;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { text: string; label: string };
      rows.push({ source, text: r.text, label: r.label === 'toxic' ? 1 : 0 });
    }
  }
  return rows;
}

/** Every n-th line, so the sample is fixed and spread over the whole set. */
const spread = <T>(items: T[], max: number) => (items.length <= max ? items : items.filter((_, i) => i % Math.ceil(items.length / max) === 0));

export function buildGoldenSet(opts: { condaMax?: number } = {}): { rows: GoldenRow[]; sources: Record<string, number> } {
  const rows = evalSets();
  const dataDir = modelsDataDir();
  if (existsSync(join(dataDir, 'conda', 'CONDA_train.csv'))) {
    for (const m of spread(condaHeldOut(dataDir), opts.condaMax ?? 3000)) rows.push({ source: 'conda', text: m.text, ...(m.context ? { context: m.context } : {}), label: m.toxic ? 1 : 0 });
    for (const m of tweetEvalVal(dataDir)) rows.push({ source: 'tweeteval', text: m.text, label: m.toxic ? 1 : 0 });
  }
  const sources: Record<string, number> = {};
  for (const r of rows) sources[r.source] = (sources[r.source] ?? 0) + 1;
  return { rows, sources };
}

/** The stored golden set, written once from buildGoldenSet when missing. */
export async function ensureGoldenSet(store: ObjectStore): Promise<{ rows: GoldenRow[]; created: boolean }> {
  const stored = await store.get(GOLDEN_KEY);
  if (stored) return { rows: Buffer.from(stored).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as GoldenRow), created: false };
  const { rows } = buildGoldenSet();
  await store.put(GOLDEN_KEY, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`, 'application/x-ndjson');
  return { rows, created: true };
}

function f1(tp: number, fp: number, fn: number): number {
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** One set's figures at the decision cut (0.5) and the routing band. A set without positives scores its specificity as F1. */
export function figures(source: string, labels: readonly number[], toxicity: readonly number[], band: RoutingThresholds): EvalFigures {
  let tp = 0, fp = 0, fn = 0, tn = 0, review = 0;
  labels.forEach((y, i) => {
    const p = toxicity[i] ?? 0;
    const predicted = p >= 0.5;
    if (predicted && y) tp++;
    else if (predicted) fp++;
    else if (y) fn++;
    else tn++;
    if (p >= band.okBelow && p < band.toxicFrom) review++;
  });
  const n = labels.length;
  let score: number;
  if (MACRO_F1_SOURCES.has(source)) score = (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2;
  else if (tp + fn === 0) score = n === 0 ? 0 : tn / n;
  else score = f1(tp, fp, fn);
  return { f1: score, reviewRate: n === 0 ? 0 : review / n, n };
}

/** The routing band a scorer carries (a fast model's defaultThresholds); a scorer without one routes nothing to the deep model. */
export const thresholdsOf = (s: ToxicityScorer): RoutingThresholds => routingBandOf(s) ?? { okBelow: 0.5, toxicFrom: 0.5 };

/** Per-source figures of a scorer, the routing band they were read with, and its single-message latency (p95, ms, over up to 200 lines). */
export async function evaluate(scorer: ToxicityScorer, rows: readonly GoldenRow[]): Promise<{ bySource: Record<string, EvalFigures>; routing: RoutingThresholds; latencyP95Ms: number }> {
  const bySource: Record<string, EvalFigures> = {};
  const sources = [...new Set(rows.map((r) => r.source))].sort();
  for (const source of sources) {
    const set = rows.filter((r) => r.source === source);
    const scores: number[] = [];
    for (let i = 0; i < set.length; i += 512) scores.push(...(await scorer.score(set.slice(i, i + 512))).map((s) => s.toxicity));
    bySource[source] = figures(source, set.map((r) => r.label), scores, thresholdsOf(scorer));
  }
  const sample = rows.slice(0, 200);
  const times: number[] = [];
  for (const r of sample) {
    const t0 = performance.now();
    await scorer.score([r]);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { bySource, routing: thresholdsOf(scorer), latencyP95Ms: times[Math.floor(times.length * 0.95)] ?? 0 };
}
