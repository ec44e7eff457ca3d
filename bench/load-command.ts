// `npm run bench -- load`: the embedded default under single-message POSTs, the figures the
// throughput target is about (POST p50/p99/p999 from the schedule, accepted/s, undecided 1 s after
// the load stops, CPU per message in the pipeline and in the load generator), as JSON; with
// `--compare previous.json`, each figure beside the previous run's and the change.
import { readFileSync, writeFileSync } from 'node:fs';
import { BENCH_LOGS, type BenchLog, benchPipeline } from './pipeline';

export interface LoadCommandOptions {
  logs: BenchLog[];
  rate: number;
  durationS: number;
  batch: number;
  clients: number;
  seed: number;
  /** Runs of each log, one after the other (the machine is noisy: give ranges). */
  runs: number;
  out?: string;
  compare?: string;
}

/** The figures compared between runs, by path in a run's JSON; lower is better unless marked. */
const COMPARED: { path: string; higherIsBetter?: boolean }[] = [
  { path: 'acceptedPerS', higherIsBetter: true },
  { path: 'postLatencyMs.p50' },
  { path: 'postLatencyMs.p99' },
  { path: 'postLatencyMs.p999' },
  { path: 'undecidedAfter1s' },
  { path: 'fastPathDecisionLatencyMs.p99' },
  { path: 'pipelineCpuMsPerMessage' },
  { path: 'loadGeneratorCpuMsPerMessage' },
];

function at(run: unknown, path: string): number | undefined {
  let v: unknown = run;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Median of each compared figure over a log's runs. */
function medians(runs: unknown[]): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  for (const { path } of COMPARED) {
    const values = runs.map((r) => at(r, path)).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    out[path] = values.length > 0 ? values[Math.floor((values.length - 1) / 2)] : undefined;
  }
  return out;
}

function ranges(runs: unknown[]): Record<string, [number, number] | undefined> {
  const out: Record<string, [number, number] | undefined> = {};
  for (const { path } of COMPARED) {
    const values = runs.map((r) => at(r, path)).filter((v): v is number => v !== undefined);
    out[path] = values.length > 0 ? [Math.min(...values), Math.max(...values)] : undefined;
  }
  return out;
}

export function compareLoad(current: Record<string, { median: Record<string, number | undefined> }>, previous: Record<string, { median: Record<string, number | undefined> }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [log, now] of Object.entries(current)) {
    const before = previous[log];
    if (!before) continue;
    const figures: Record<string, unknown> = {};
    for (const { path, higherIsBetter } of COMPARED) {
      const a = before.median[path];
      const b = now.median[path];
      if (a === undefined || b === undefined) continue;
      const change = a === 0 ? undefined : Math.round(((b - a) / a) * 1000) / 10;
      figures[path] = { previous: a, now: b, changePercent: change, better: b === a ? 'same' : (b > a) === Boolean(higherIsBetter) ? 'now' : 'previous' };
    }
    out[log] = figures;
  }
  return out;
}

export async function loadCommand(opts: LoadCommandOptions): Promise<Record<string, unknown>> {
  const unknown = opts.logs.filter((l) => !BENCH_LOGS.includes(l));
  if (unknown.length > 0) throw new Error(`--log: unknown ${unknown.join(', ')} (durable, nosync, memory)`);
  const byLog: Record<string, { runs: unknown[]; median: Record<string, number | undefined>; range: Record<string, [number, number] | undefined> }> = {};
  const total = opts.logs.length * opts.runs;
  let n = 0;
  const began = Date.now();
  // Interleaved (durable, memory, durable, memory...) so a change in the machine's load falls on every log alike.
  for (let run = 0; run < opts.runs; run++) {
    for (const log of opts.logs) {
      n++;
      const eta = n > 1 ? ` (about ${Math.round((((Date.now() - began) / (n - 1)) * (total - n + 1)) / 1000)} s left)` : ` (about ${(opts.durationS + 25) * total} s in all)`;
      process.stderr.write(`load ${n}/${total}: ${log} log, ${opts.rate} msg/s in POSTs of ${opts.batch} from ${opts.clients} clients for ${opts.durationS} s${eta}\n`);
      const result = await benchPipeline({ rate: opts.rate, durationS: opts.durationS, batch: opts.batch, clients: opts.clients, seed: opts.seed, log }).catch((error: unknown) => ({ log, error: String(error) }));
      (byLog[log] ??= { runs: [], median: {}, range: {} }).runs.push(result);
    }
  }
  for (const entry of Object.values(byLog)) {
    const ok = entry.runs.filter((r) => !(r as { error?: string }).error);
    entry.median = medians(ok);
    entry.range = ranges(ok);
  }
  const figures: Record<string, unknown> = { load: byLog };
  if (opts.compare) {
    const previous = JSON.parse(readFileSync(opts.compare, 'utf8')) as { load?: Record<string, { median: Record<string, number | undefined> }> };
    if (!previous.load) throw new Error(`--compare ${opts.compare}: no "load" figures in it (a file written by npm run bench -- load)`);
    figures.comparison = { with: opts.compare, ...compareLoad(byLog, previous.load) };
  }
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(figures, null, 2)}\n`);
  return figures;
}
