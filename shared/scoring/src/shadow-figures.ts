// Pure core of the shadow's record: what a challenger scoring beside the champion has shown so
// far, as the metrics written to the challenger's training run (agreement, flips by the champion's
// label, latency of both on the same batches). The champion scorer feeds it; no I/O here.

/** Latency samples kept per role: the most recent ones, so a long shadow run stays bounded. */
export const LATENCY_SAMPLES = 2048;

export interface ShadowTally {
  scored: number;
  agreed: number;
  /** The champion read ok, the challenger toxic. */
  flipsToToxic: number;
  /** The champion read toxic, the challenger ok. */
  flipsToOk: number;
  /** Messages the champion read toxic / ok: what the flips are a share of. */
  championToxic: number;
  championOk: number;
  failures: number;
  /** Per batch, ms: the champion's and the challenger's time on the same batch. */
  championMs: number[];
  challengerMs: number[];
}

export const emptyTally = (): ShadowTally => ({ scored: 0, agreed: 0, flipsToToxic: 0, flipsToOk: 0, championToxic: 0, championOk: 0, failures: 0, championMs: [], challengerMs: [] });

/** Adds one batch: the two toxicities of each message at the decision cut (0.5) and both timings. */
export function addBatch(t: ShadowTally, champion: readonly number[], challenger: readonly number[], ms: { champion: number; challenger: number }): void {
  challenger.forEach((c, i) => {
    const a = (champion[i] ?? 0) >= 0.5;
    const b = c >= 0.5;
    t.scored++;
    if (a) t.championToxic++;
    else t.championOk++;
    if (a === b) t.agreed++;
    else if (b) t.flipsToToxic++;
    else t.flipsToOk++;
  });
  for (const [list, value] of [[t.championMs, ms.champion], [t.challengerMs, ms.challenger]] as const) {
    list.push(value);
    if (list.length > LATENCY_SAMPLES) list.splice(0, list.length - LATENCY_SAMPLES);
  }
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** The run metrics (MLflow keys) of a tally; shares are of the messages compared. */
export function shadowMetrics(t: ShadowTally): Record<string, number> {
  const share = (part: number, whole: number) => (whole === 0 ? 0 : r4(part / whole));
  return {
    'shadow.scored': t.scored,
    'shadow.agreement': share(t.agreed, t.scored),
    'shadow.flips_to_toxic': t.flipsToToxic,
    'shadow.flips_to_ok': t.flipsToOk,
    // By the champion's label: of the messages the champion read ok, how many the challenger would block; and the reverse.
    'shadow.flip_rate.ok': share(t.flipsToToxic, t.championOk),
    'shadow.flip_rate.toxic': share(t.flipsToOk, t.championToxic),
    'shadow.failures': t.failures,
    'shadow.batches': t.challengerMs.length,
    'shadow.champion_latency_p50_ms': r4(quantile(t.championMs, 0.5)),
    'shadow.champion_latency_p95_ms': r4(quantile(t.championMs, 0.95)),
    'shadow.challenger_latency_p50_ms': r4(quantile(t.challengerMs, 0.5)),
    'shadow.challenger_latency_p95_ms': r4(quantile(t.challengerMs, 0.95)),
  };
}
