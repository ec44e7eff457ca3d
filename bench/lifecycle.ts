// `npm run bench -- --only lifecycle`: the learning curve of the retraining loop, and its time.
// A fast model trained without CONDA (tweets and Davidson only; models/sinbin_models/retrain.py
// --from-scratch-without conda, cached) is registered as champion. CONDA's training matches (never
// its held-out ones) are replayed in order through the champion's scoring and routing; every
// message the champion sends to review is answered by a simulated moderator with CONDA's label and
// becomes a verdict in the training-data bucket, as the pipeline's sink writes it. After 500, 2,000
// and 5,000 verdicts `sinbin retrain --promote` runs (fine-tune, gate, register, promote if it
// passes). Reported: CONDA toxic-F1 and review rate of each champion on the held-out matches.
// Two curves in one run, as a pair: the default gate (one tolerance for every set) and a studio's
// gate config (per-set tolerances, docs/gate.example.json: its own game's chat counts more than
// the generic hand-written sets).
// The replay runs the scoring, routing, retraining and gating code of the pipeline in one process,
// not the running functions (the promotion-under-load test covers those).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_GATE, type GatePolicy, type RoutingThresholds, type ToxicityScorer, type TrainingExample } from '@sinbin/contract';
import { checkArtefact, downloadVersion, initModels, loaderOf, promote, registerVersion } from '@sinbin/scoring';
import { localLifecycleStores } from '@sinbin/stores';
import { exampleObjectBody, exampleObjectKey } from '../functions/training-data-sink/src/core';
import { buildGoldenSet, figures, GOLDEN_KEY } from '../cli/lifecycle/golden';
import { retrain } from '../cli/lifecycle/retrain';
import { lifecyclePython, readGateConfig } from '../cli/lifecycle/config';
import { cleanConda, condaHeldOut, isHeldOutMatch, modelsDataDir, parseCsv } from './models';

const REPO = resolve(import.meta.dirname, '..');
const CHECKPOINTS = [500, 2000, 5000];
const round = (x: number) => Math.round(x * 10_000) / 10_000;
const say = (line: string) => process.stderr.write(`lifecycle: ${line}\n`);

interface ReplayLine {
  text: string;
  toxic: boolean;
}

/** CONDA's labelled lines of the matches not held out, in match and chat order. */
function condaReplay(dir: string): ReplayLine[] {
  const [header, ...rows] = parseCsv(readFileSync(join(dir, 'conda', 'CONDA_train.csv'), 'utf8'));
  const col = (name: string) => header!.indexOf(name);
  const [m, t, id, u, c] = [col('matchId'), col('chatTime'), col('Id'), col('utterance'), col('intentClass')];
  return rows
    .filter((r) => r.length === header!.length && r[c] && !isHeldOutMatch(r[m]!))
    .sort((a, b) => a[m]!.localeCompare(b[m]!) || Number(a[t]) - Number(b[t]) || Number(a[id]) - Number(b[id]))
    .map((r) => ({ text: cleanConda(r[u]!), toxic: r[c] === 'E' || r[c] === 'I' }))
    .filter((r) => r.text.length > 0);
}

const thresholdsOf = (s: ToxicityScorer) => (s as ToxicityScorer & { defaultThresholds: RoutingThresholds }).defaultThresholds;

async function heldOutFigures(scorer: ToxicityScorer, heldOut: { text: string; toxic: boolean }[]) {
  const p: number[] = [];
  for (let i = 0; i < heldOut.length; i += 1024) p.push(...(await scorer.score(heldOut.slice(i, i + 1024))).map((s) => s.toxicity));
  const f = figures('conda', heldOut.map((h) => (h.toxic ? 1 : 0)), p, thresholdsOf(scorer));
  return { condaToxicF1: round(f.f1), reviewRate: round(f.reviewRate), n: f.n, thresholds: thresholdsOf(scorer) };
}

/** The base model without CONDA, trained once and kept in the cache. */
function baseWithoutConda(python: string): { dir: string; trainedNow: boolean; seconds?: number } {
  const dir = join(process.env.SINBIN_CACHE ?? join(homedir(), '.cache', 'sinbin'), 'bench-lifecycle', 'base-without-conda');
  if (existsSync(join(dir, 'fast-model.json'))) return { dir, trainedNow: false };
  say(`training the base model without CONDA into ${dir} (once; a few minutes)`);
  const t0 = performance.now();
  execFileSync(python, ['-m', 'sinbin_models.retrain', '--base', join(REPO, 'models', 'fast'), '--examples', '/dev/null', '--out', dir, '--from-scratch-without', 'conda'], {
    cwd: join(REPO, 'models'),
    env: { ...process.env, PYTHONPATH: join(REPO, 'models') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { dir, trainedNow: true, seconds: round((performance.now() - t0) / 1000) };
}

export async function benchLifecycle(opts: { quick?: boolean; gateConfig?: string } = {}): Promise<Record<string, unknown>> {
  const dataDir = modelsDataDir();
  if (!existsSync(join(dataDir, 'conda', 'CONDA_train.csv'))) return { skipped: `data dir ${dataDir} not found (set SINBIN_DATA_DIR)` };
  const python = lifecyclePython();
  const base = baseWithoutConda(python);
  const heldOut = condaHeldOut(dataDir).map((h) => ({ text: h.text, toxic: h.toxic }));
  const replay = condaReplay(dataDir);
  const checkpoints = opts.quick ? [200, 500] : CHECKPOINTS;
  const gateFile = resolve(REPO, opts.gateConfig ?? 'docs/gate.example.json');
  const gates: [string, GatePolicy][] = [
    ['default', DEFAULT_GATE],
    ['studio', readGateConfig(gateFile, DEFAULT_GATE)],
  ];
  say(`${replay.length} CONDA training-match lines to replay, ${heldOut.length} held-out lines; retrain at ${checkpoints.join(', ')} verdicts; gates: ${gates.map(([g]) => g).join(', ')}`);
  const curves: Record<string, unknown> = {};
  for (const [name, policy] of gates) {
    say(`--- gate "${name}": ${JSON.stringify(policy)}`);
    curves[name] = { gate: policy, ...(await curve({ python, baseDir: base.dir, heldOut, replay, checkpoints, policy, label: name })) };
  }
  return {
    method: 'offline replay of CONDA training matches through the champion\'s scoring and routing; review cases answered from CONDA labels; sinbin retrain --promote at each checkpoint; figures on CONDA held-out matches (fast model alone, toxicity >= 0.5; review = the fast routing band); one curve per gate, each from the same base',
    base: { trainedWithout: ['conda'], trainedNow: base.trainedNow, ...(base.seconds ? { trainSeconds: base.seconds } : {}) },
    gateConfig: gateFile.slice(REPO.length + 1),
    curves,
  };
}

/** One learning curve: fresh stores, the base as champion, the replay, a retrain at each checkpoint under `policy`. */
async function curve(a: { python: string; baseDir: string; heldOut: ReplayLine[]; replay: ReplayLine[]; checkpoints: number[]; policy: GatePolicy; label: string }) {
  const { python, heldOut, replay, checkpoints } = a;
  const stores = localLifecycleStores(mkdtempSync(join(tmpdir(), 'sinbin-bench-lifecycle-')));
  // The gate's golden set without CONDA: the held-out matches are what the curve reports, never what selects.
  const golden = buildGoldenSet().rows.filter((r) => r.source !== 'conda');
  await stores.artefacts.put(GOLDEN_KEY, `${golden.map((r) => JSON.stringify(r)).join('\n')}\n`, 'application/x-ndjson');
  const v1 = await registerVersion(stores, 'sinbin-fast', a.baseDir, { tags: { origin: 'bench-base-without-conda', base: 'self' } });
  await promote(stores, 'sinbin-fast', v1.version);
  await initModels(stores, ['sinbin-fast']);
  const loadChampion = async (alias = 'champion') => {
    const v = (await stores.registry.byAlias('sinbin-fast', alias))!;
    const dir = join(mkdtempSync(join(tmpdir(), 'sinbin-bench-champion-')), 'v');
    await downloadVersion(stores.artefacts, v.source, dir);
    return { version: v.version, scorer: await checkArtefact('fast', dir, await loaderOf('fast')) };
  };
  let champion = await loadChampion();
  const start = { version: champion.version, ...(await heldOutFigures(champion.scorer, heldOut)) };
  say(`[${a.label}] start (without CONDA): CONDA toxic-F1 ${start.condaToxicF1}, review ${(start.reviewRate * 100).toFixed(1)} %`);
  const rounds: Record<string, unknown>[] = [];
  let verdicts = 0;
  let next = 0;
  let replayed = 0;
  const t0 = performance.now();
  for (let i = 0; i < replay.length && next < checkpoints.length; i += 256) {
    const part = replay.slice(i, i + 256);
    const scores = await champion.scorer.score(part);
    const band = thresholdsOf(champion.scorer);
    for (let k = 0; k < part.length && next < checkpoints.length; k++) {
      replayed++;
      const p = scores[k]!.toxicity;
      if (p < band.okBelow || p >= band.toxicFrom) continue;
      // The simulated moderator answers from CONDA's label.
      const n = i + k;
      const e: TrainingExample = {
        exampleId: `bench-ex-${n}`,
        messageId: `conda-${n}`,
        gameId: 'dota2',
        playerId: `p-${n % 10}`,
        language: 'en',
        text: part[k]!.text,
        context: [],
        label: part[k]!.toxic ? 'toxic' : 'ok',
        ...(part[k]!.toxic ? { category: 'insult' as const } : {}),
        source: 'moderator',
        createdAt: new Date().toISOString(),
      };
      await stores.trainingData.put(exampleObjectKey(e), exampleObjectBody(e), 'application/x-ndjson');
      verdicts++;
      if (verdicts === checkpoints[next]) {
        const elapsed = (performance.now() - t0) / 1000;
        say(`[${a.label}] ${verdicts} verdicts after ${replayed} replayed lines (${(elapsed / 60).toFixed(1)} min); retraining (${checkpoints.length - next} retrains left)`);
        const result = await retrain(stores, { model: 'sinbin-fast', python, now: new Date(), retentionDays: 365, promote: true, gate: a.policy, log: (l) => say(`  ${l}`) });
        await champion.scorer.close?.();
        champion = await loadChampion();
        const figuresNow = await heldOutFigures(champion.scorer, heldOut);
        // The challenger's own figures, whether or not the gate let it through.
        const challenger = result.promoted ? undefined : await loadChampion('challenger');
        const challengerFigures = challenger ? { version: challenger.version, ...(await heldOutFigures(challenger.scorer, heldOut)) } : { version: champion.version, ...figuresNow };
        await challenger?.scorer.close?.();
        rounds.push({
          verdicts,
          replayedLines: replayed,
          retrainSeconds: round(result.seconds.total),
          trainSeconds: round(result.seconds.train),
          gate: result.gate.passed ? 'passed' : `failed: ${result.gate.reasons.join('; ')}`,
          promoted: result.promoted,
          champion: { version: champion.version, ...figuresNow },
          challenger: challengerFigures,
          trainingSet: result.counts,
        });
        say(`[${a.label}] champion version ${champion.version}: CONDA toxic-F1 ${figuresNow.condaToxicF1}, review ${(figuresNow.reviewRate * 100).toFixed(1)} %; challenger ${challengerFigures.version}: ${challengerFigures.condaToxicF1}, review ${(challengerFigures.reviewRate * 100).toFixed(1)} % (gate ${result.gate.passed ? 'passed' : 'failed'})`);
        next++;
      }
    }
  }
  await champion.scorer.close?.();
  return { start, rounds, verdictsReached: verdicts, linesReplayed: replayed };
}
