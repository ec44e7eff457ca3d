// A discrete-time simulation of one function's backlog under a burst (a raid: the chat rate
// multiplied for a few minutes) with Knative's autoscaler (KPA) in front of it: the concurrency
// it observes averaged over a stable and a panic window, scale-from-zero and cold starts, and the
// ordered KafkaSource that keeps at most one delivery in flight per partition. Pure, 1 s steps.

export interface BurstScenario {
  /** Deliveries per second to the function before and after the burst. */
  baseRatePerS: number;
  /** Rate multiplier during the burst, its start and length. */
  burstFactor: number;
  burstStartS: number;
  burstLengthS: number;
  /** Simulated time in all. */
  durationS: number;
  /** What one ready replica serves per second at full use of its core. */
  perReplicaPerS: number;
  /** Time one delivery is in flight (CPU + I/O), for the concurrency Knative observes. */
  latencyMs: number;
  /** Knative target (in-flight per replica) and bounds. */
  target: number;
  minScale: number;
  maxScale: number;
  /** Partitions of the consumed topic: ordered delivery keeps one in flight on each. */
  partitions: number;
  /** Replicas at t = 0 (0: scaled to zero before the burst). */
  initialReplicas: number;
  /** Seconds from a scale-up decision to a ready replica (schedule, image, model load). */
  coldStartS: number;
  /** KPA windows (defaults 60 s and 10 % of it) and the panic threshold (200 %). */
  stableWindowS: number;
  panicWindowS: number;
  panicThreshold: number;
}

export const KNATIVE_DEFAULTS = { stableWindowS: 60, panicWindowS: 6, panicThreshold: 2 } as const;

export interface BurstStep {
  t: number;
  arrivalsPerS: number;
  servedPerS: number;
  backlog: number;
  ready: number;
  desired: number;
  panic: boolean;
}

export interface BurstResult {
  steps: BurstStep[];
  peakBacklog: number;
  peakBacklogAtS: number;
  /** First second after the burst began at which ready capacity met the burst's arrival rate (null: never). */
  capacityCaughtUpAtS: number | null;
  /** First second after the peak at which the backlog was back under one second of base traffic (null: not within the run). */
  drainedAtS: number | null;
  /** The longest a delivery waited in the backlog (first in, first out), whole seconds; to the run's end if never served. */
  worstWaitS: number;
  peakReplicas: number;
  /** Ready replicas could not serve the burst even at maxScale or the partitions' bound. */
  boundBy: 'replicas' | 'partitions' | 'maxScale' | null;
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

export function simulateBurst(s: BurstScenario): BurstResult {
  if (s.perReplicaPerS <= 0 || s.target <= 0 || s.partitions <= 0) throw new Error('perReplicaPerS, target and partitions must be positive');
  const perPartitionPerS = 1000 / s.latencyMs;
  const samples: number[] = [];
  // Replicas asked for, each with the second it becomes ready.
  let pods: number[] = Array.from({ length: s.initialReplicas }, () => 0);
  let backlog = 0;
  let panicUntil = -1;
  let desired = s.initialReplicas;
  const steps: BurstStep[] = [];
  // Cumulative arrivals and deliveries served, for the waits.
  const arrived: number[] = [];
  const servedSoFar: number[] = [];
  for (let t = 0; t < s.durationS; t++) {
    const inBurst = t >= s.burstStartS && t < s.burstStartS + s.burstLengthS;
    const arrivals = s.baseRatePerS * (inBurst ? s.burstFactor : 1);
    const ready = pods.filter((at) => at <= t).length;
    const capacity = Math.min(ready * s.perReplicaPerS, s.partitions * perPartitionPerS);
    const served = Math.min(backlog + arrivals, capacity);
    backlog = backlog + arrivals - served;
    arrived.push((arrived[t - 1] ?? 0) + arrivals);
    servedSoFar.push((servedSoFar[t - 1] ?? 0) + served);
    // In flight as the autoscaler sees it: one per partition with work waiting, else Little's law.
    const concurrency = Math.min(s.partitions, backlog + (arrivals * s.latencyMs) / 1000);
    samples.push(concurrency);
    const stable = mean(samples.slice(-s.stableWindowS));
    const panicAvg = mean(samples.slice(-s.panicWindowS));
    const wantStable = Math.ceil(stable / s.target);
    const wantPanic = Math.ceil(panicAvg / s.target);
    // The activator wakes a function at zero on its first request.
    if (wantPanic >= Math.max(1, pods.length) * s.panicThreshold || (pods.length === 0 && concurrency > 0)) panicUntil = t + s.stableWindowS;
    const panic = t < panicUntil;
    // In panic the KPA only scales up, to the panic window's demand.
    desired = panic ? Math.max(desired, wantPanic, wantStable) : wantStable;
    desired = Math.min(s.maxScale, Math.max(s.minScale, desired));
    if (desired > pods.length) pods = [...pods, ...Array.from({ length: desired - pods.length }, () => t + s.coldStartS)];
    else if (desired < pods.length) pods = pods.slice(0, desired);
    steps.push({ t, arrivalsPerS: arrivals, servedPerS: Math.round(served), backlog: Math.round(backlog), ready, desired, panic });
  }
  const peak = steps.reduce((best, x) => (x.backlog > best.backlog ? x : best), steps[0]!);
  const burstRate = s.baseRatePerS * s.burstFactor;
  const caught = steps.find((x) => x.t >= s.burstStartS && Math.min(x.ready * s.perReplicaPerS, s.partitions * perPartitionPerS) >= burstRate);
  const drained = steps.find((x) => x.t > peak.t && x.backlog <= s.baseRatePerS);
  // First in, first out: the delivery that arrived at t waits until the served count reaches the arrivals up to t.
  let worstWaitS = 0;
  let j = 0;
  for (let k = 0; k < steps.length; k++) {
    while (j < steps.length && servedSoFar[j]! < arrived[k]! - 0.5) j++;
    // Not served within the run: at least until its end.
    worstWaitS = Math.max(worstWaitS, (j < steps.length ? j : steps.length) - k);
  }
  let boundBy: BurstResult['boundBy'] = null;
  if (!caught) {
    const needed = Math.ceil(burstRate / s.perReplicaPerS);
    if (s.partitions * perPartitionPerS < burstRate) boundBy = 'partitions';
    else if (needed > s.maxScale) boundBy = 'maxScale';
    else boundBy = 'replicas';
  }
  return {
    steps,
    peakBacklog: peak.backlog,
    peakBacklogAtS: peak.t,
    capacityCaughtUpAtS: caught ? caught.t : null,
    drainedAtS: peak.backlog === 0 ? s.burstStartS : drained ? drained.t : null,
    worstWaitS,
    peakReplicas: Math.max(...steps.map((x) => x.ready)),
    boundBy,
  };
}
