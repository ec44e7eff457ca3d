// The model's inputs from benchmark JSON: the shapes `npm run bench -- load`, `--only pipeline`,
// `--only fastpath` and `--only models` print. Each figure found replaces the committed one and
// records which file, run date and load average it came from; the rest keep their provenance.
import type { CapacityInputs } from './model';

type Provenance = CapacityInputs['provenance'][number];
type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function at(root: unknown, path: string): unknown {
  let v: unknown = root;
  for (const part of path.split('.')) v = obj(v)?.[part];
  return v;
}

export interface BenchFigures {
  pipelineCpuMsPerMessage?: number;
  fastModelMsgsPerCpuSecond?: number;
  deepModelMsgsPerCoreSecond?: number;
  deepShare?: number;
  moderationShare?: number;
  limitedShare?: number;
  deepModelLoadS?: number;
}

/** One embedded pipeline run: CPU per message and the share of decisions by path. */
function pipelineRun(run: Json): { cpu?: number; deepShare?: number; moderationShare?: number; limitedShare?: number; load?: number } {
  const byPath = obj(run.decisionsByPath);
  const counts = byPath ? Object.values(byPath).map(num).filter((x): x is number => x !== undefined) : [];
  const total = counts.reduce((a, b) => a + b, 0);
  const deep = num(byPath?.deep) ?? 0;
  // A message decided on the deadline or by a moderator went through a case.
  const moderated = (num(byPath?.deadline) ?? 0) + (num(byPath?.moderator) ?? 0) + (num(byPath?.human) ?? 0);
  return {
    cpu: num(run.pipelineCpuMsPerMessage),
    // A moderated message went through the deep path first.
    ...(total > 0 ? { deepShare: (deep + moderated) / total, moderationShare: moderated / total, limitedShare: (num(byPath?.limits) ?? 0) / total } : {}),
    load: num(at(run, 'loadAverage.after')) ?? num(at(run, 'loadAverage.before')),
  };
}

const medianOf = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? undefined : s[Math.floor((s.length - 1) / 2)];
};

/** The figures a bench file holds, and where each came from. */
export function figuresFromBench(json: unknown, file: string): { figures: BenchFigures; provenance: Provenance[] } {
  const root = obj(json) ?? {};
  const startedAt = typeof root.startedAt === 'string' ? root.startedAt : undefined;
  const figures: BenchFigures = {};
  const provenance: Provenance[] = [];
  const note = (figure: string, loadAverage?: number[] | number) => provenance.push({ file, ...(startedAt ? { startedAt } : {}), ...(loadAverage !== undefined ? { loadAverage } : {}), figure });

  // `load`: { load: { <log>: { runs: [...] } } }, the durable log preferred (the default); `--only pipeline`: { pipeline: run }.
  const loads = obj(root.load);
  const runs: Json[] = loads ? ((obj(loads.durable) ?? obj(Object.values(loads)[0]))?.runs as Json[] | undefined) ?? [] : obj(root.pipeline) ? [obj(root.pipeline)!] : [];
  const parsed = runs.filter((r) => obj(r) && !r.error).map(pipelineRun);
  const cpu = medianOf(parsed.map((r) => r.cpu).filter((x): x is number => x !== undefined));
  const loadAvg = parsed.map((r) => r.load).filter((x): x is number => x !== undefined);
  if (cpu !== undefined) {
    figures.pipelineCpuMsPerMessage = cpu;
    const cpus = parsed.map((r) => r.cpu).filter((x): x is number => x !== undefined);
    note(`pipelineCpuMsPerMessage = ${cpu} (median of ${cpus.length} run(s)${cpus.length > 1 ? `, range ${Math.min(...cpus)}–${Math.max(...cpus)}` : ''})`, loadAvg);
  }
  const deepShares = parsed.map((r) => r.deepShare).filter((x): x is number => x !== undefined);
  if (deepShares.length > 0) {
    figures.deepShare = Math.round(medianOf(deepShares)! * 10000) / 10000;
    figures.moderationShare = Math.round(medianOf(parsed.map((r) => r.moderationShare ?? 0))! * 10000) / 10000;
    figures.limitedShare = Math.round(medianOf(parsed.map((r) => r.limitedShare ?? 0))! * 10000) / 10000;
    note(`deepShare = ${figures.deepShare}, moderationShare = ${figures.moderationShare}, limitedShare = ${figures.limitedShare} (decisions by path)`, loadAvg);
  }

  // `--only fastpath`: { fastPath: { fastModelInProcess: { msgsPerCpuSecond } } }.
  const fastInProcess = num(at(root, 'fastPath.fastModelInProcess.msgsPerCpuSecond'));
  if (fastInProcess !== undefined) {
    figures.fastModelMsgsPerCpuSecond = fastInProcess;
    const range = at(root, 'fastPath.loadAverage');
    note(`fastModelMsgsPerCpuSecond = ${fastInProcess} (in process)`, Array.isArray(range) ? (range as number[]) : undefined);
  }

  // `--only capacity`: { capacity: { fast: { msgsPerCpuSecond }, deep: { msgsPerCpuSecond, modelLoadS }, loadAverage } }: CPU time, preferred.
  const capLoad = at(root, 'capacity.loadAverage');
  const capLoadAvg = Array.isArray(capLoad) ? (capLoad as number[]) : undefined;
  const capFast = num(at(root, 'capacity.fast.msgsPerCpuSecond'));
  if (capFast !== undefined) {
    figures.fastModelMsgsPerCpuSecond = capFast;
    note(`fastModelMsgsPerCpuSecond = ${capFast} (CPU time, in process)`, capLoadAvg);
  }
  const capDeep = num(at(root, 'capacity.deep.msgsPerCpuSecond'));
  if (capDeep !== undefined) {
    figures.deepModelMsgsPerCoreSecond = capDeep;
    note(`deepModelMsgsPerCoreSecond = ${capDeep} (CPU time, CONDA held-out with context, one ONNX thread)`, capLoadAvg);
  }
  const capLoadS = num(at(root, 'capacity.deep.modelLoadS'));
  if (capLoadS !== undefined) {
    figures.deepModelLoadS = capLoadS;
    note(`deepModelLoadS = ${capLoadS} (wall, on this machine)`, capLoadAvg);
  }

  // `--only models`: { models: { fast: { <source>: { msgsPerSecond } }, deep: { <source>: { msgsPerSecond } }, load } }.
  const modelsLoad = at(root, 'models.load');
  const deepRate = num(at(root, 'models.deep.conda.msgsPerSecond'));
  if (deepRate !== undefined && figures.deepModelMsgsPerCoreSecond === undefined) {
    figures.deepModelMsgsPerCoreSecond = deepRate;
    note(`deepModelMsgsPerCoreSecond = ${deepRate} (CONDA held-out, with context, one thread)`, Array.isArray(modelsLoad) ? (modelsLoad as number[]) : undefined);
  }
  if (figures.fastModelMsgsPerCpuSecond === undefined) {
    const fastRate = num(at(root, 'models.fast.conda.msgsPerSecond'));
    if (fastRate !== undefined) {
      figures.fastModelMsgsPerCpuSecond = fastRate;
      note(`fastModelMsgsPerCpuSecond = ${fastRate} (models bench, wall clock, one thread)`, Array.isArray(modelsLoad) ? (modelsLoad as number[]) : undefined);
    }
  }
  return { figures, provenance };
}

/** The committed inputs with every figure the bench files give replaced, provenance kept per figure. */
export function mergeInputs(base: CapacityInputs, files: { json: unknown; file: string }[]): { inputs: CapacityInputs; found: string[] } {
  let inputs = { ...base };
  const found: string[] = [];
  for (const { json, file } of files) {
    const { figures, provenance } = figuresFromBench(json, file);
    const keys = Object.keys(figures) as (keyof BenchFigures)[];
    if (keys.length === 0) continue;
    found.push(...keys);
    const replaced = new Set(keys);
    // A figure's old provenance line goes when the figure is replaced.
    const kept = inputs.provenance.filter((p) => !keys.some((k) => p.figure.startsWith(`${k} `) || (replaced.has('deepShare') && p.figure.startsWith('deepShare'))));
    inputs = { ...inputs, ...figures, provenance: [...kept, ...provenance] };
  }
  return { inputs, found };
}
