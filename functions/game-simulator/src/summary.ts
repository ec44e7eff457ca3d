// Pure arithmetic for the run's summary: latency percentiles and agreement with CONDA's labels.
import type { Label } from './conda';

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1]! : null),
    mean: round(sorted.length ? sorted.reduce((s, x) => s + x, 0) / sorted.length : null),
  };
}

/** One labelled unit (a CONDA row): its label and the verdicts of its messages so far. */
export interface LabelledOutcome {
  label: Label;
  /** One entry per message of the row; undefined while that message has no decision. */
  verdicts: ('allow' | 'block' | undefined)[];
}

export interface Agreement {
  /** Rows whose every message was decided; the rest are left out of the counts. */
  evaluated: number;
  skippedUndecided: number;
  toxic: number;
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
  /** Of blocked rows, the share CONDA labels toxic (E or I). */
  precision: number | null;
  /** Of toxic rows, the share blocked. */
  recall: number | null;
  f1: number | null;
}

/** A row counts as blocked when any of its messages was blocked (split mode sends several). */
export function agreement(outcomes: Iterable<LabelledOutcome>): Agreement {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let skipped = 0;
  for (const o of outcomes) {
    if (o.verdicts.length === 0 || o.verdicts.some((v) => v === undefined)) {
      skipped++;
      continue;
    }
    const blocked = o.verdicts.includes('block');
    const toxic = o.label === 'toxic';
    if (blocked && toxic) tp++;
    else if (blocked) fp++;
    else if (toxic) fn++;
    else tn++;
  }
  const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = precision === null || recall === null || precision + recall === 0 ? null : Math.round(((2 * precision * recall) / (precision + recall)) * 1000) / 1000;
  return {
    evaluated: tp + fp + fn + tn,
    skippedUndecided: skipped,
    toxic: tp + fn,
    truePositive: tp,
    falsePositive: fp,
    falseNegative: fn,
    trueNegative: tn,
    precision,
    recall,
    f1,
  };
}

/** Counts values into a plain object, keys in first-seen order. */
export function tally(values: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; `fallbackMs` when absent or bad. */
export function retryAfterMs(header: string | null | undefined, nowMs: number, fallbackMs = 1000, maxMs = 30_000): number {
  if (!header) return fallbackMs;
  const value = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return fallbackMs;
    ms = at - nowMs;
  }
  return Math.min(maxMs, Math.max(0, ms));
}
