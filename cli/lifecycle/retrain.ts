// `sinbin retrain`: from the training-data bucket to a registered, gated challenger. Reads and
// selects the examples, fine-tunes the fast model's heads from the base model (Python,
// models/sinbin_models/retrain.py), checks the result as registration requires, scores challenger
// and champion on the golden set and on held-out recent verdicts, applies the gate, and logs
// everything to one tracked run (MLflow on the real stack): params, data snapshot, metrics per
// source, the gate's verdict and figures, artefacts. The version is registered as `challenger`;
// with `promote`, one that passes the gate becomes champion.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_GATE, type EvalFigures, gate, type GatePolicy, type GateVerdict, modelKindOf, type ObjectStore, type RoutingThresholds, type ToxicityScorer } from '@sinbin/contract';
import { ensureGoldenSet, evaluate, type GoldenRow } from './golden';
import { checkArtefact, downloadVersion, initModels, type Lifecycle, loaderOf, promote, registerVersion } from '@sinbin/scoring';
import { DEFAULT_SELECT, loadExamples, selectTrainingSet, type TrainingSet } from './training-data';

const REPO = resolve(import.meta.dirname, '..', '..');
export const EXPERIMENT = 'sinbin-retrain';

export interface RetrainOptions {
  model: string;
  /** Python of the lifecycle virtualenv (infra/local/mlflow.sh python). */
  python: string;
  now: Date;
  retentionDays: number;
  gate?: GatePolicy;
  /** Promote a challenger that passes the gate. */
  promote?: boolean;
  /** Gold training examples needed to retrain at all. */
  minGold?: number;
  priorStrength?: number;
  deepWeight?: number;
  log: (line: string) => void;
}

export interface RetrainResult {
  runId: string;
  version?: string;
  gate: GateVerdict;
  promoted: boolean;
  counts: TrainingSet['counts'];
  challenger: Record<string, EvalFigures>;
  champion: Record<string, EvalFigures>;
  latencyMs: { challenger: number; champion: number };
  /** The fast routing band each carries: the challenger keeps its base model's (models/sinbin_models/routing.py). */
  routing: { challenger: RoutingThresholds; champion: RoutingThresholds; base: string };
  seconds: { total: number; train: number };
}

function runPython(python: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(python, ['-m', 'sinbin_models.retrain', ...args], { cwd: join(REPO, 'models'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONPATH: join(REPO, 'models') } });
    let tail = '';
    child.stderr.on('data', (c: Buffer) => {
      const text = c.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) log(`  ${line.trim()}`);
    });
    child.stdout.resume();
    child.on('error', (e) => fail(new Error(`cannot run ${python}: ${e.message} (install it with: bash infra/local/mlflow.sh install)`)));
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`retraining failed (exit ${code}):\n${tail}`))));
  });
}

const flat = (prefix: string, figures: Record<string, EvalFigures>) =>
  Object.fromEntries(Object.entries(figures).flatMap(([source, f]) => [[`${prefix}.${source}.f1`, f.f1], [`${prefix}.${source}.review_rate`, f.reviewRate]]));

function modelCard(model: string, version: string, r: Omit<RetrainResult, 'runId' | 'promoted' | 'version'>, base: string): string {
  const rows = Object.entries(r.challenger).map(([s, f]) => `| ${s} | ${f.n} | ${f.f1.toFixed(4)} | ${(r.champion[s]?.f1 ?? NaN).toFixed(4)} | ${(f.reviewRate * 100).toFixed(2)} % |`);
  return [
    `# ${model}: retrained challenger (${version})`,
    '',
    `Fine-tuned from ${model} version ${base}: the hashed n-gram features are unchanged; each head was refit on moderators' verdicts, pulled towards the base weights (models/sinbin_models/retrain.py).`,
    '',
    `Training examples: ${r.counts.train} (gold ${r.counts.gold}, deep ${r.counts.deep} at reduced weight), validation ${r.counts.val}, held out for the gate ${r.counts.holdout}; dropped: ${r.counts.expired} expired, ${r.counts.erased} erased, ${r.counts.duplicates} duplicates.`,
    '',
    '| set | n | F1 (challenger) | F1 (champion) | review |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Latency, one message, p95: ${r.latencyMs.challenger.toFixed(3)} ms (champion ${r.latencyMs.champion.toFixed(3)} ms).`,
    '',
    `Routing (fast path): ok below ${r.routing.challenger.okBelow}, toxic from ${r.routing.challenger.toxicFrom}, kept from version ${r.routing.base} ` +
      `(the champion routes with ${r.routing.champion.okBelow} / ${r.routing.champion.toxicFrom}). A retrain does not choose the band: \`python -m sinbin_models evaluate\` does, for the whole cascade.`,
    '',
    `Gate: ${r.gate.passed ? 'passed' : `failed: ${r.gate.reasons.join('; ')}`}.`,
    '',
  ].join('\n');
}

async function loadVersion(lc: Lifecycle, model: string, source: string, dir: string): Promise<ToxicityScorer> {
  await downloadVersion(lc.artefacts, source, dir);
  const kind = modelKindOf(model);
  return checkArtefact(kind, dir, await loaderOf(kind));
}

export async function retrain(lc: Lifecycle & { trainingData: ObjectStore }, o: RetrainOptions): Promise<RetrainResult> {
  if (modelKindOf(o.model) !== 'fast') throw new Error(`${o.model}: retraining the deep model is not supported by sinbin retrain yet (make train trains it from scratch); retrain sinbin-fast`);
  const started = performance.now();
  const policy = o.gate ?? DEFAULT_GATE;
  // Without a champion there is nothing to fine-tune from: the bundled model becomes version 1.
  await initModels(lc, [o.model]);
  const runId = await lc.registry.startRun(EXPERIMENT, `${o.model} retrain ${o.now.toISOString()}`);
  o.log(`run ${runId} started`);
  const work = mkdtempSync(join(tmpdir(), 'sinbin-retrain-'));
  const opened: ToxicityScorer[] = [];
  try {
    o.log('reading training data');
    const loaded = await loadExamples(lc.trainingData, (done, total) => {
      if (done === total || done % 50 === 0) o.log(`  objects ${done}/${total}`);
    });
    const set = selectTrainingSet(loaded.examples, loaded.erasures, { ...DEFAULT_SELECT, ...(o.deepWeight !== undefined ? { deepWeight: o.deepWeight } : {}), now: o.now, retentionDays: o.retentionDays });
    o.log(`examples: ${JSON.stringify(set.counts)}`);
    const goldTrain = set.rows.filter((r) => r.split === 'train' && r.source !== 'deep').length;
    if (goldTrain < (o.minGold ?? 20)) throw new Error(`only ${goldTrain} gold training examples (moderator verdicts, appeals); at least ${o.minGold ?? 20} are needed to retrain`);

    const champion = (await lc.registry.byAlias(o.model, 'champion'))!;
    const baseVersion = champion.tags.base && champion.tags.base !== 'self' ? champion.tags.base : champion.version;
    const base = (await lc.registry.getVersion(o.model, baseVersion)) ?? champion;
    await downloadVersion(lc.artefacts, base.source, join(work, 'base'));
    writeFileSync(join(work, 'examples.jsonl'), set.rows.filter((r) => r.split !== 'holdout').map((r) => JSON.stringify(r)).join('\n') + '\n');
    const trainStarted = performance.now();
    o.log(`fine-tuning ${o.model} from version ${base.version}`);
    await runPython(o.python, ['--base', join(work, 'base'), '--examples', join(work, 'examples.jsonl'), '--out', join(work, 'challenger'), '--version', `fast-r${runId.slice(0, 8)}`, ...(o.priorStrength !== undefined ? ['--prior-strength', String(o.priorStrength)] : [])], o.log);
    const trainSeconds = (performance.now() - trainStarted) / 1000;

    o.log('checking and scoring challenger and champion on the golden set and recent verdicts');
    const golden = await ensureGoldenSet(lc.artefacts);
    const holdout: GoldenRow[] = set.rows.filter((r) => r.split === 'holdout').map((r) => ({ source: 'recent-verdicts', text: r.text, label: r.label }));
    const rows = [...golden.rows, ...holdout];
    const kind = modelKindOf(o.model);
    const challengerScorer = await checkArtefact(kind, join(work, 'challenger'), await loaderOf(kind));
    opened.push(challengerScorer);
    const championScorer = await loadVersion(lc, o.model, champion.source, join(work, 'champion'));
    opened.push(championScorer);
    const c = await evaluate(challengerScorer, rows);
    const b = await evaluate(championScorer, rows);
    const verdict = gate(c.bySource, b.bySource, c.latencyP95Ms, policy, { challenger: c.routing, champion: b.routing });
    o.log(`routing: ok below ${c.routing.okBelow}, toxic from ${c.routing.toxicFrom} (champion ${b.routing.okBelow} / ${b.routing.toxicFrom})`);
    o.log(`gate: ${verdict.passed ? 'passed' : `failed: ${verdict.reasons.join('; ')}`}`);

    const routing = { challenger: c.routing, champion: b.routing, base: base.version };
    const partial = { gate: verdict, counts: set.counts, challenger: c.bySource, champion: b.bySource, latencyMs: { challenger: c.latencyP95Ms, champion: b.latencyP95Ms }, routing, seconds: { total: 0, train: trainSeconds } };
    await lc.registry.logParams(runId, {
      model: o.model,
      base_version: base.version,
      champion_version: champion.version,
      retention_days: String(o.retentionDays),
      deep_weight: String(o.deepWeight ?? DEFAULT_SELECT.deepWeight),
      prior_strength: String(o.priorStrength ?? 5),
      'gate.f1_tolerance': String(policy.f1Tolerance),
      'gate.review_tolerance': String(policy.reviewTolerance),
      'gate.latency_budget_ms': String(policy.latencyBudgetMs),
      ...(policy.sets ? { 'gate.sets': JSON.stringify(policy.sets).slice(0, 500) } : {}),
      'data.objects': String(loaded.snapshot.length),
      'data.rows': String(loaded.examples.length),
      'golden.rows': String(golden.rows.length),
      'routing.ok_below': String(c.routing.okBelow),
      'routing.toxic_from': String(c.routing.toxicFrom),
    });
    await lc.registry.logMetrics(runId, {
      ...Object.fromEntries(Object.entries(set.counts).map(([k, v]) => [`examples.${k}`, v])),
      ...flat('challenger', c.bySource),
      ...flat('champion', b.bySource),
      'challenger.latency_p95_ms': c.latencyP95Ms,
      'champion.latency_p95_ms': b.latencyP95Ms,
      'train.seconds': trainSeconds,
      'gate.passed': verdict.passed ? 1 : 0,
    });
    await lc.registry.setRunTags(runId, { 'gate.verdict': verdict.passed ? 'passed' : 'failed', 'gate.reasons': verdict.reasons.join('; ') || 'none', model: o.model });
    await lc.registry.logArtifact(runId, 'data-snapshot.json', JSON.stringify({ objects: loaded.snapshot, erasures: loaded.erasures.length, unreadable: loaded.unreadable, counts: set.counts }, null, 2));
    await lc.registry.logArtifact(runId, 'gate.json', JSON.stringify(verdict, null, 2));
    await lc.registry.logArtifact(runId, 'eval-report.json', JSON.stringify({ challenger: c, champion: b }, null, 2));
    await lc.registry.logArtifact(runId, 'retrain-report.json', await readFile(join(work, 'challenger', 'retrain-report.json')));
    const card = modelCard(o.model, `run ${runId.slice(0, 8)}`, partial, base.version);
    writeFileSync(join(work, 'challenger', 'MODEL_CARD.md'), card);
    writeFileSync(join(work, 'challenger', 'eval-report.json'), JSON.stringify({ challenger: c, champion: b, gate: verdict }, null, 2));
    await lc.registry.logArtifact(runId, 'MODEL_CARD.md', card);

    const version = await registerVersion(lc, o.model, join(work, 'challenger'), {
      runId,
      // The band goes on as registerVersion's routing_band tag, read from the challenger as it was checked.
      tags: { gate: verdict.passed ? 'passed' : 'failed', base: base.version },
    });
    await lc.registry.setAlias(o.model, 'challenger', version.version);
    o.log(`registered ${o.model} version ${version.version} as challenger`);
    let promoted = false;
    if (o.promote && verdict.passed) {
      await promote(lc, o.model, version.version);
      promoted = true;
      o.log(`promoted ${o.model} version ${version.version} to champion`);
    }
    await lc.registry.endRun(runId, 'FINISHED');
    return { runId, version: version.version, promoted, ...partial, seconds: { total: (performance.now() - started) / 1000, train: trainSeconds } };
  } catch (error) {
    await lc.registry.setRunTags(runId, { error: String((error as Error).message ?? error).slice(0, 500) }).catch(() => undefined);
    await lc.registry.endRun(runId, 'FAILED').catch(() => undefined);
    throw error;
  } finally {
    for (const s of opened) await s.close?.();
  }
}
