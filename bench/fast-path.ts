// `npm run bench -- --only fastpath`: `classify --stage fast` as a whole process on N chat lines
// (200,000 by default) against the `obscenity` keyword filter doing the same work as its own
// process (bench/obscenity-classify.ts: same JSONL in, a verdict per line out), in the same run,
// alternating which goes first. classify starts as `npm run classify` does, from its bundle
// (cli/sinbin.mjs; built here first, so it is fresh); the filter's harness is bundled by esbuild
// too, so neither pays for compiling TypeScript. Also: each one's start-up alone (a one-line
// input), and where the fast model's time goes in process (normalisation, scoring).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { defaultModelDir } from '@sinbin/scoring';
import { loadOnnxFastScorer, normalizeForFeatures } from '@sinbin/scoring/fast';
import { buildClassifyBundle } from '../cli/bundle';
import { loadChatLines } from './chat-sample';

export interface FastPathOptions {
  lines: number;
  runs: number;
}

interface ProcessTimes {
  wallS: number;
  cpuS: number;
}

/** Runs a command under bash's `time`: wall and user+system CPU seconds of the whole process. */
function timed(args: string[], errFile: string): Promise<ProcessTimes> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>${JSON.stringify(errFile)}`, 'bash', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const [wall, user, sys] = (err.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
      if (code !== 0 || wall === undefined || Number.isNaN(wall)) reject(new Error(`${args.join(' ')} failed (${code}): ${err}${readFileSync(errFile, 'utf8').slice(-500)}`));
      else resolve({ wallS: wall, cpuS: Math.round((user! + sys!) * 1000) / 1000 });
    });
  });
}

const range = (xs: number[]) => [Math.min(...xs), Math.max(...xs)] as [number, number];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * The fast model in process: normalisation, then scoring (the token sums of token-sums.ts, or
 * onnxruntime). The first pass over the distinct sample starts with an empty token table, as a
 * process does; the rest of the lines repeat the sample, so the table holds their tokens already.
 */
async function inProcess(texts: readonly string[], distinct: number): Promise<Record<string, unknown>> {
  const scorer = await loadOnnxFastScorer(defaultModelDir('fast'));
  // CPU seconds of this process: on a shared machine wall time mostly measures the neighbours.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  // Normalised twice, timed the second time: the first pass also pays for compiling and for growing the heap.
  texts.map((text) => normalizeForFeatures(text));
  const t = cpu();
  const normalized = texts.map((text) => normalizeForFeatures(text));
  const normaliseS = cpu() - t;
  const scoreRange = async (from: number, to: number) => {
    const start = cpu();
    for (let i = from; i < to; i += 1024) await scorer.scoreNormalized(normalized.slice(i, Math.min(i + 1024, to)));
    return cpu() - start;
  };
  const first = Math.min(distinct, texts.length);
  const firstS = await scoreRange(0, first);
  const firstTable = scorer.tokenTable();
  const restS = await scoreRange(first, texts.length);
  const table = scorer.tokenTable();
  await scorer.close();
  const hitRate = (x: { hits: number; misses: number } | undefined) => (x ? round(x.hits / Math.max(1, x.hits + x.misses), 3) : null);
  const scoreS = firstS + restS;
  return {
    messages: texts.length,
    // Messages per CPU second (normalisation and scoring): what one core would do.
    msgsPerCpuSecond: Math.round(texts.length / (normaliseS + scoreS)),
    firstPass: { messages: first, scoreMsgsPerCpuSecond: Math.round(first / firstS), tokenHitRate: hitRate(firstTable) },
    tokenHitRate: hitRate(table),
    cpuSeconds: { total: round(normaliseS + scoreS, 3), normalise: round(normaliseS, 3), score: round(scoreS, 3) },
  };
}

export async function benchFastPath(opts: FastPathOptions): Promise<Record<string, unknown>> {
  const { lines: sample, source } = loadChatLines();
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-fastpath-'));
  const input = join(dir, 'in.jsonl');
  const texts = Array.from({ length: opts.lines }, (_, i) => sample[i % sample.length]!);
  writeFileSync(input, texts.map((text, id) => JSON.stringify({ id, text })).join('\n') + '\n');
  const one = join(dir, 'one.jsonl');
  writeFileSync(one, `${JSON.stringify({ id: 0, text: 'gg wp' })}\n`);
  const err = join(dir, 'stderr.txt');
  await buildClassifyBundle(process.cwd());
  // Inside the checkout (dist/ is ignored), so that `obscenity` resolves from node_modules.
  const obscenityBundle = join('dist', 'bench', 'obscenity-classify.mjs');
  await build({ entryPoints: ['bench/obscenity-classify.ts'], outfile: obscenityBundle, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  const cmd = {
    classify: (file: string) => [process.execPath, 'cli/sinbin.mjs', 'classify', '--stage', 'fast', '--input', file, '--output', join(dir, 'classify.jsonl')],
    obscenity: (file: string) => [process.execPath, obscenityBundle, '--input', file, '--output', join(dir, 'obscenity.jsonl')],
  };
  // The launcher says on stderr when it falls back to tsx: a figure of that run would not be the bundle's.
  const ranBundle = () => {
    if (readFileSync(err, 'utf8').includes('starts through tsx')) throw new Error('classify ran through tsx, not its bundle');
  };
  const runs: { classify: ProcessTimes; obscenity: ProcessTimes; classifyStartup: ProcessTimes; obscenityStartup: ProcessTimes; loadAverage: number }[] = [];
  const began = Date.now();
  for (let r = 0; r < opts.runs; r++) {
    const eta = r > 0 ? `, about ${Math.round((((Date.now() - began) / r) * (opts.runs - r)) / 1000)} s left` : '';
    process.stderr.write(`fastpath ${r + 1}/${opts.runs}: classify --stage fast and obscenity on ${opts.lines} lines${eta}\n`);
    const loadAverage = loadavg()[0]!;
    // Alternate the order, so neither always meets the machine's busier moment.
    const order = r % 2 === 0 ? (['classify', 'obscenity'] as const) : (['obscenity', 'classify'] as const);
    const got: Partial<Record<'classify' | 'obscenity' | 'classifyStartup' | 'obscenityStartup', ProcessTimes>> = {};
    for (const name of order) {
      got[`${name}Startup`] = await timed(cmd[name](one), err);
      got[name] = await timed(cmd[name](input), err);
      if (name === 'classify') ranBundle();
    }
    runs.push({ ...(got as Required<typeof got>), loadAverage: round(loadAverage) });
  }
  const ratio = (key: 'wallS' | 'cpuS') => runs.map((r) => round(r.obscenity[key] / r.classify[key]));
  const figure = (name: 'classify' | 'obscenity' | 'classifyStartup' | 'obscenityStartup', key: 'wallS' | 'cpuS') => {
    const xs = runs.map((r) => r[name][key]);
    return { median: median(xs), range: range(xs) };
  };
  return {
    lines: opts.lines,
    textSource: source,
    started: { classify: 'node cli/sinbin.mjs classify (bundle)', obscenity: 'esbuild bundle of bench/obscenity-classify.ts' },
    runs,
    // How many times faster the fast stage is than the keyword filter, whole process, start-up included.
    speedupWall: { median: median(ratio('wallS')), range: range(ratio('wallS')) },
    speedupCpu: { median: median(ratio('cpuS')), range: range(ratio('cpuS')) },
    classifyWallS: figure('classify', 'wallS'),
    classifyCpuS: figure('classify', 'cpuS'),
    obscenityWallS: figure('obscenity', 'wallS'),
    obscenityCpuS: figure('obscenity', 'cpuS'),
    startupCpuS: { classify: figure('classifyStartup', 'cpuS'), obscenity: figure('obscenityStartup', 'cpuS') },
    loadAverage: range(runs.map((r) => r.loadAverage)),
    fastModelInProcess: await inProcess(texts, sample.length),
  };
}
