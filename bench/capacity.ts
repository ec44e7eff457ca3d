// `npm run bench -- --only capacity`: the per-function figures the capacity model needs, quickly
// and in CPU (not wall) time, so a loaded machine moves them less: the fast and deep models'
// CPU per message, the resident memory of a process holding both, and how long the deep model takes to load
// (the model part of a cold start). Feed the JSON to `npm run capacity -- --bench`.
import { loadavg } from 'node:os';
import { defaultModelDir } from '@sinbin/scoring';
import { loadOnnxFastScorer } from '@sinbin/scoring/fast';
import { loadTransformerDeepScorer } from '@sinbin/scoring/deep';
import { condaHeldOut, modelsDataDir } from './models';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export async function benchCapacity(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const messages = condaHeldOut(modelsDataDir());
  const loadBefore = loadavg()[0]!;

  process.stderr.write('capacity 1/2: fast model\n');
  const fast = await loadOnnxFastScorer(defaultModelDir('fast'), { intraOpNumThreads: 1, maxBatch: 4096 });
  const fastLines = Array.from({ length: opts.quick ? 50_000 : 200_000 }, (_, i) => ({ text: messages[i % messages.length]!.text }));
  await fast.score(fastLines.slice(0, 4096));
  let c0 = cpuMs();
  for (let i = 0; i < fastLines.length; i += 4096) await fast.score(fastLines.slice(i, i + 4096));
  const fastCpuMs = (cpuMs() - c0) / fastLines.length;
  await fast.close();

  process.stderr.write('capacity 2/2: deep model (with context)\n');
  const t0 = performance.now();
  const deep = await loadTransformerDeepScorer(defaultModelDir('deep'), { intraOpNumThreads: 1, maxBatch: 64 });
  const deepLoadS = (performance.now() - t0) / 1000;
  const sample = messages.slice(0, opts.quick ? 400 : 1500);
  await deep.score(sample.slice(0, 32));
  c0 = cpuMs();
  const w0 = performance.now();
  await deep.score(sample);
  const deepCpuMs = (cpuMs() - c0) / sample.length;
  const deepWallMs = (performance.now() - w0) / sample.length;
  return {
    loadAverage: [round(loadBefore, 2), round(loadavg()[0]!, 2)],
    fast: { messages: fastLines.length, cpuMsPerMessage: round(fastCpuMs, 5), msgsPerCpuSecond: Math.round(1000 / fastCpuMs) },
    deep: { messages: sample.length, withContext: sample.filter((m) => (m.context?.length ?? 0) > 0).length, cpuMsPerMessage: round(deepCpuMs, 3), msgsPerCpuSecond: Math.round(1000 / deepCpuMs), wallMsPerMessage: round(deepWallMs, 3), modelLoadS: round(deepLoadS, 2) },
    // Both models loaded and used: what a process holding them keeps resident.
    processRssMiB: rssMiB(),
  };
}
