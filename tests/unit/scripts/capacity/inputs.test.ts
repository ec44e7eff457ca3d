import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUTS } from '../../../../scripts/capacity/defaults';
import { figuresFromBench, mergeInputs } from '../../../../scripts/capacity/inputs';

const run = (cpu: number, byPath: Record<string, number>) => ({ pipelineCpuMsPerMessage: cpu, decisionsByPath: byPath, loadAverage: { before: 9, after: 10 } });

describe('capacity inputs from bench JSON', () => {
  it.each([
    [
      '`bench -- load` (median of the durable runs)',
      { startedAt: '2026-12-06T09:00:00Z', load: { durable: { runs: [run(2, { fast: 80, deep: 15, deadline: 5 }), run(1.5, { fast: 90, deep: 10 }), run(3, { fast: 90, deep: 10 })] } } },
      { pipelineCpuMsPerMessage: 2, deepShare: 0.1, moderationShare: 0, limitedShare: 0 },
    ],
    ['`--only pipeline`', { pipeline: run(1.8, { fast: 840, deep: 130, deadline: 10, limits: 20 }) }, { pipelineCpuMsPerMessage: 1.8, deepShare: 0.14, moderationShare: 0.01, limitedShare: 0.02 }],
    ['`--only fastpath`', { fastPath: { fastModelInProcess: { msgsPerCpuSecond: 140_000 }, loadAverage: [5, 6] } }, { fastModelMsgsPerCpuSecond: 140_000 }],
    ['`--only models` (wall clock, one thread)', { models: { fast: { conda: { msgsPerSecond: 50_000 } }, deep: { conda: { msgsPerSecond: 600 } }, load: [1, 1, 1] } }, { fastModelMsgsPerCpuSecond: 50_000, deepModelMsgsPerCoreSecond: 600 }],
    ['`--only capacity` (CPU time)', { capacity: { fast: { msgsPerCpuSecond: 120_000 }, deep: { msgsPerCpuSecond: 400, modelLoadS: 1.5 }, loadAverage: [3, 4] } }, { fastModelMsgsPerCpuSecond: 120_000, deepModelMsgsPerCoreSecond: 400, deepModelLoadS: 1.5 }],
    ['an unrelated file', { kafka: { produce: 1 } }, {}],
  ])('%s', (_name, json, expected) => {
    expect(figuresFromBench(json, 'f.json').figures).toEqual(expected);
  });

  it('prefers CPU time over the models bench wall clock when a file holds both', () => {
    const { figures } = figuresFromBench({ capacity: { deep: { msgsPerCpuSecond: 400 } }, models: { deep: { conda: { msgsPerSecond: 170 } } } }, 'f.json');
    expect(figures.deepModelMsgsPerCoreSecond).toBe(400);
  });

  it('replaces only the figures a file gives, each with its file, date and load average', () => {
    const { inputs, found } = mergeInputs(DEFAULT_INPUTS, [{ file: 'fp.json', json: { startedAt: '2026-12-06T09:00:00Z', fastPath: { fastModelInProcess: { msgsPerCpuSecond: 99_000 }, loadAverage: [7, 8] } } }]);
    expect(found).toEqual(['fastModelMsgsPerCpuSecond']);
    expect(inputs.fastModelMsgsPerCpuSecond).toBe(99_000);
    expect(inputs.deepModelMsgsPerCoreSecond).toBe(DEFAULT_INPUTS.deepModelMsgsPerCoreSecond);
    expect(inputs.provenance.at(-1)).toEqual({ file: 'fp.json', startedAt: '2026-12-06T09:00:00Z', loadAverage: [7, 8], figure: 'fastModelMsgsPerCpuSecond = 99000 (in process)' });
    // A second file with the same figure replaces the first one's line.
    const again = mergeInputs(inputs, [{ file: 'fp2.json', json: { fastPath: { fastModelInProcess: { msgsPerCpuSecond: 98_000 } } } }]);
    expect(again.inputs.provenance.filter((p) => p.figure.startsWith('fastModelMsgsPerCpuSecond'))).toHaveLength(1);
  });
});
