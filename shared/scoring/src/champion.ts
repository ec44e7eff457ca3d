// Serves whatever version the registry names `champion`, and follows it without a restart: a
// poll sees the alias move, the new version is downloaded, checked (artefacts.ts), warmed, and
// swapped in at once; calls in flight finish on the old one, which is then closed. A version that
// fails its check is refused (once, loudly) and the running champion keeps serving; so does a
// registry or object store that is down. Optionally a challenger scores the same inputs in the
// shadow, never affecting a result: agreement, flips and latency are counted, as metrics and in
// the challenger's training run (at most every `shadowLogMs`, and when the challenger changes).
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger, Metrics, ModelRegistry, ObjectStore, ScoringInput, ToxicityScore, ToxicityScorer } from '@sinbin/contract';
import { checkArtefact, downloadVersion } from './artefacts';
import type { ModelKind, ModelLoader } from './load';
import { addBatch, emptyTally, shadowMetrics, type ShadowTally } from './shadow-figures';
import { startThreadScorer } from './thread-scorer';

export interface ChampionOptions {
  /** Registered model name, e.g. `sinbin-fast`. */
  model: string;
  kind: ModelKind;
  registry: ModelRegistry;
  artefacts: ObjectStore;
  /** Where versions are downloaded (<cacheDir>/<model>/<version>/). */
  cacheDir: string;
  load: ModelLoader;
  /** The scorer served until a champion is registered (the bundled model, or the lexicon). */
  initial: ToxicityScorer;
  log: Logger;
  metrics?: Metrics;
  /** Score the `challenger` alias beside the champion, without touching results. */
  shadow?: boolean;
  /** How often the shadow's figures are written to the challenger's run (default 60 s; 0: at every refresh). */
  shadowLogMs?: number;
  /** This process, in the run's artefact names (default <hostname>-<pid>). */
  replica?: string;
  /** Called after each swap (e.g. to log it to the registry). */
  onSwap?: (version: string) => void;
}

/** Per-score attribution: which version produced it (a swap may happen mid-call), and that scorer's settings. */
export interface AttributedScore extends ToxicityScore {
  model?: string;
  modelVersion: string;
  servedBy: ToxicityScorer;
}

interface Serving {
  scorer: ToxicityScorer;
  /** Registry version, or undefined for the initial (bundled) scorer. */
  version: string | undefined;
  inflight: number;
  retired: boolean;
  /** A challenger's training run (figures are written there), its figures, and how many were written. */
  runId?: string;
  tally?: ShadowTally;
  logged?: number;
  since?: string;
}

const WARM_LINES: ScoringInput[] = [{ text: 'gg wp' }, { text: 'ur trash noob', context: [{ text: 'mid missing' }] }, { text: 'nice ult' }];

export class ChampionScorer implements ToxicityScorer {
  private current: Serving;
  private challenger: Serving | undefined;
  private readonly refused = new Set<string>();
  private refreshing: Promise<void> | undefined;
  private readonly shadowCounter;
  private readonly shadowLatency;
  private readonly swaps;
  readonly shadowTotals = { scored: 0, agreed: 0, flipsToToxic: 0, flipsToOk: 0, failures: 0 };
  private lastShadowLog = 0;

  constructor(private readonly opts: ChampionOptions) {
    this.current = { scorer: opts.initial, version: undefined, inflight: 0, retired: false };
    this.shadowCounter = opts.metrics?.counter({ name: 'sinbin_shadow_scores_total', help: 'Challenger scores beside the champion, by outcome (agree, flip-to-toxic, flip-to-ok).', labelNames: ['model', 'outcome'] });
    this.shadowLatency = opts.metrics?.histogram({
      name: 'sinbin_shadow_latency_seconds',
      help: 'Scoring latency of champion and challenger on the same batch.',
      labelNames: ['model', 'role'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    });
    this.swaps = opts.metrics?.counter({ name: 'sinbin_model_swaps_total', help: 'Champion versions swapped in without a restart, or refused.', labelNames: ['model', 'outcome'] });
  }

  get kind(): ToxicityScorer['kind'] {
    return this.current.scorer.kind;
  }

  /** What serves now: the registry version, or the initial scorer's own version. */
  get version(): string {
    return this.current.version ?? this.current.scorer.version;
  }

  /** The registry version serving now (undefined before the first champion). */
  get registryVersion(): string | undefined {
    return this.current.version;
  }

  /** The scorer serving now, for its settings (thresholds, cut-offs). */
  get scorer(): ToxicityScorer {
    return this.current.scorer;
  }

  get challengerVersion(): string | undefined {
    return this.challenger?.version;
  }

  private attribution(s: Serving): { model?: string; modelVersion: string } {
    return s.version ? { model: this.opts.model, modelVersion: s.version } : { modelVersion: s.scorer.version };
  }

  /** Scores on the champion; each score says which version made it, and carries that scorer's settings. */
  async score(batch: readonly ScoringInput[]): Promise<AttributedScore[]> {
    const serving = this.current;
    serving.inflight++;
    const started = performance.now();
    try {
      const scores = await serving.scorer.score(batch);
      const championMs = performance.now() - started;
      if (this.challenger && !this.challenger.retired) void this.shadowScore(this.challenger, batch, scores, championMs);
      const who = this.attribution(serving);
      return scores.map((s) => ({ ...s, ...who, servedBy: serving.scorer }));
    } finally {
      serving.inflight--;
      if (serving.retired && serving.inflight === 0) void this.closeServing(serving);
    }
  }

  private async shadowScore(shadow: Serving, batch: readonly ScoringInput[], champion: ToxicityScore[], championMs: number): Promise<void> {
    shadow.inflight++;
    const started = performance.now();
    try {
      const scores = await shadow.scorer.score(batch);
      const ms = performance.now() - started;
      const model = this.opts.model;
      this.shadowLatency?.observe({ model, role: 'champion' }, championMs / 1000);
      this.shadowLatency?.observe({ model, role: 'challenger' }, ms / 1000);
      if (shadow.tally) addBatch(shadow.tally, champion.map((c) => c.toxicity), scores.map((c) => c.toxicity), { champion: championMs, challenger: ms });
      scores.forEach((s, i) => {
        const a = (champion[i]?.toxicity ?? 0) >= 0.5;
        const b = s.toxicity >= 0.5;
        const outcome = a === b ? 'agree' : b ? 'flip-to-toxic' : 'flip-to-ok';
        this.shadowTotals.scored++;
        if (outcome === 'agree') this.shadowTotals.agreed++;
        else if (outcome === 'flip-to-toxic') this.shadowTotals.flipsToToxic++;
        else this.shadowTotals.flipsToOk++;
        this.shadowCounter?.inc({ model, outcome });
      });
    } catch (error) {
      this.shadowTotals.failures++;
      if (shadow.tally) shadow.tally.failures++;
      this.opts.log.warn({ model: this.opts.model, version: shadow.version, err: String(error) }, 'shadow scoring failed; the champion is unaffected');
    } finally {
      shadow.inflight--;
      if (shadow.retired && shadow.inflight === 0) void this.closeServing(shadow);
    }
  }

  private async closeServing(s: Serving): Promise<void> {
    if (s === this.current) return;
    try {
      await s.scorer.close?.();
    } catch (error) {
      this.opts.log.warn({ err: String(error) }, 'closing a retired model failed');
    }
  }

  private retire(s: Serving | undefined): void {
    if (!s || s.retired) return;
    s.retired = true;
    if (s.inflight === 0) void this.closeServing(s);
  }

  /** Downloads, checks and warms a version; throws (and remembers the refusal) if it cannot serve. */
  private async prepare(version: string, source: string): Promise<ToxicityScorer> {
    const dir = join(this.opts.cacheDir, this.opts.model, version);
    await downloadVersion(this.opts.artefacts, source, dir);
    const scorer = await checkArtefact(this.opts.kind, dir, this.opts.load);
    await scorer.score(WARM_LINES);
    return scorer;
  }

  /** One look at the registry; swaps if the champion (or challenger) moved. Never throws. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const { model, registry, log } = this.opts;
    let champion, challenger;
    try {
      champion = await registry.byAlias(model, 'champion');
      challenger = this.opts.shadow ? await registry.byAlias(model, 'challenger') : undefined;
    } catch (error) {
      log.warn({ model, err: String(error) }, 'model registry unreachable; serving the models in memory, retrying later');
      return;
    }
    if (champion && champion.version !== this.current.version && !this.refused.has(champion.version)) {
      const next = await this.tryPrepare(champion.version, champion.source);
      if (next) {
        const old = this.current;
        this.current = { scorer: next, version: champion.version, inflight: 0, retired: false };
        this.retire(old);
        this.swaps?.inc({ model, outcome: 'swapped' });
        log.info({ model, from: old.version ?? old.scorer.version, to: champion.version }, 'champion swapped in without a restart');
        this.opts.onSwap?.(champion.version);
      }
    }
    const wanted = challenger && challenger.version !== this.current.version ? challenger : undefined;
    if (wanted?.version !== this.challenger?.version) {
      // The leaving challenger's last figures go to its run first.
      await this.logShadow(true);
      this.retire(this.challenger);
      this.challenger = undefined;
      if (wanted && !this.refused.has(wanted.version)) {
        const scorer = await this.tryPrepare(wanted.version, wanted.source);
        if (scorer) {
          this.challenger = { scorer, version: wanted.version, inflight: 0, retired: false, ...(wanted.runId ? { runId: wanted.runId } : {}), tally: emptyTally(), logged: 0, since: new Date().toISOString() };
          log.info({ model, version: wanted.version }, 'challenger scoring in the shadow');
        }
      }
    }
    await this.logShadow();
  }

  /**
   * Writes the challenger's shadow figures to its training run: metrics (the latest figures of
   * this replica) and `shadow/<replica>.json`. Never throws: a registry that is down is asked again
   * at a later refresh, and the figures keep adding up meanwhile.
   */
  private async logShadow(force = false): Promise<void> {
    const c = this.challenger;
    if (!c?.runId || !c.tally || c.tally.scored + c.tally.failures === c.logged) return;
    const now = Date.now();
    if (!force && now - this.lastShadowLog < (this.opts.shadowLogMs ?? 60_000)) return;
    const figures = shadowMetrics(c.tally);
    const replica = (this.opts.replica ?? `${hostname()}-${process.pid}`).replace(/[^A-Za-z0-9._-]/g, '_');
    try {
      await this.opts.registry.logMetrics(c.runId, figures);
      const record = { model: this.opts.model, challenger: c.version, champion: this.current.version ?? this.current.scorer.version, replica, since: c.since, updatedAt: new Date(now).toISOString(), figures };
      await this.opts.registry.logArtifact(c.runId, `shadow/${replica}.json`, JSON.stringify(record, null, 2));
      c.logged = c.tally.scored + c.tally.failures;
      this.lastShadowLog = now;
    } catch (error) {
      this.opts.log.warn({ model: this.opts.model, version: c.version, err: String(error) }, "could not write the shadow's figures to the challenger's run; trying again later");
    }
  }

  private async tryPrepare(version: string, source: string): Promise<ToxicityScorer | undefined> {
    try {
      return await this.prepare(version, source);
    } catch (error) {
      const name = (error as Error).name;
      // A corrupt or incompatible version is refused for good; an unreachable store is retried.
      if (name === 'ArtefactError') {
        this.refused.add(version);
        this.swaps?.inc({ model: this.opts.model, outcome: 'refused' });
        this.opts.log.error({ model: this.opts.model, version, problem: (error as Error).message }, 'model version refused; the running champion keeps serving');
      } else {
        this.opts.log.warn({ model: this.opts.model, version, err: String(error) }, 'could not fetch the model version; serving the models in memory, retrying later');
      }
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.logShadow(true);
    this.retire(this.challenger);
    const current = this.current;
    this.current = { ...current, retired: true };
    await current.scorer.close?.();
  }
}

/** A loader for registry versions: in a worker thread or not; a version that falls back to the lexicon is an error. */
export function versionLoader(kind: ModelKind, load: ModelLoader, thread: boolean): ModelLoader {
  if (!thread) return load;
  return async (modelDir) => {
    const scorer = await startThreadScorer({ kind, modelDir });
    if (scorer.fellBack) {
      await scorer.close?.();
      throw new Error(scorer.problem ?? `${kind} model at ${modelDir} did not load`);
    }
    return scorer;
  };
}
