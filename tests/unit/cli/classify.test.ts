import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, DEFAULT_POLICY } from '@sinbin/contract';
import { FIXTURES, REPO } from '../scoring/helpers';

const TSX = resolve(REPO, 'node_modules', '.bin', 'tsx');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function classify(args: string[]): Promise<Run> {
  return new Promise((resolveRun) => {
    execFile(TSX, ['cli/classify.ts', ...args], { cwd: REPO, encoding: 'utf8', timeout: 110_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolveRun({ status, stdout, stderr });
    });
  });
}

function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

// Each case spawns a process; running them concurrently keeps the suite fast. A cascade process
// loads two transformers: on a busy 2-core machine that alone can pass the unit project's 30 s.
describe.concurrent('classify CLI', { timeout: 120_000 }, () => {
  const input = resolve(FIXTURES, 'labelled-chat.jsonl');
  const ids = readJsonl(input).map((l) => l.id);

  it.each(['fast', 'cascade'])('--stage %s writes one line per input, in order, and nothing on stdout', async (stage) => {
    const output = join(mkdtempSync(join(tmpdir(), 'classify-')), 'out.jsonl');
    const run = await classify(['--input', input, '--output', output, '--stage', stage, '--batch', '16']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    const lines = readJsonl(output);
    expect(lines.map((l) => l.id)).toEqual(ids);
    for (const line of lines) {
      expect(['ok', 'toxic', 'review']).toContain(line.verdict);
      expect(line.toxicity).toBeGreaterThanOrEqual(0);
      expect(line.toxicity).toBeLessThanOrEqual(1);
      expect(stage === 'fast' ? ['fast'] : ['fast', 'deep']).toContain(line.stage);
      expect(Object.keys(line.categories as object).sort()).toEqual([...CATEGORIES].sort());
    }
  });

  it('defaults to the cascade', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'classify-')), 'out.jsonl');
    const run = await classify(['--input', input, '--output', output]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/stage cascade/);
  });

  it.each([
    { args: ['--help'], status: 0 },
    { args: ['-h'], status: 0 },
    { args: ['--input', 'in.jsonl'], status: 2 },
  ])('$args prints the usage with the policy defaults (exit $status)', async ({ args, status }) => {
    const run = await classify(args);
    expect(run.status).toBe(status);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/usage: sinbin classify --input in\.jsonl --output out\.jsonl/);
    expect(run.stderr).toContain(`--mild-taunts warn|allow|rules    "gg ez", "noob team" (default ${DEFAULT_POLICY.mildTaunts}`);
  });

  it('keeps a mild taunt the models block under the default policy, and lets it through with --mild-taunts allow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classify-'));
    const taunts = join(dir, 'taunts.jsonl');
    writeFileSync(taunts, ['gg ez', 'ez noobs', 'noob team uninstall'].map((text, id) => JSON.stringify({ id, text })).join('\n') + '\n');
    const verdicts = async (extra: string[]) => {
      const output = join(dir, `out${extra.length}.jsonl`);
      const run = await classify(['--input', taunts, '--output', output, '--stage', 'fast', ...extra]);
      expect(run.status, run.stderr).toBe(0);
      return readJsonl(output).map((l) => [l.verdict, l.modelVerdict, l.mildTaunt]);
    };
    expect(await verdicts([])).toEqual(Array(3).fill(['toxic', 'toxic', true]));
    expect(await verdicts(['--mild-taunts', 'allow'])).toEqual(Array(3).fill(['ok', 'toxic', true]));
  });

  it('flags what the rule layer found, each on its own line, and the output stays JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classify-'));
    const input = join(dir, 'rules.jsonl');
    const texts = ['send nudes', 'black people are animals', 'gg ez', 'gg wp'];
    writeFileSync(input, texts.map((text, id) => JSON.stringify({ id, text })).join('\n') + '\n');
    const output = join(dir, 'out.jsonl');
    const run = await classify(['--input', input, '--output', output, '--stage', 'fast', '--ok-below', '0.145', '--toxic-from', '0.98']);
    expect(run.status, run.stderr).toBe(0);
    const flags = readJsonl(output).map((l) => [l.fastRoute, l.sexualHarassment ?? false, l.identityAttack ?? false]);
    expect(flags).toEqual([['toxic', true, false], ['toxic', false, true], [expect.any(String), false, false], ['ok', false, false]]);
  });

  it('names the malformed line and exits non-zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classify-'));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id":"a","text":"gg"}\n{"id":"b","text":"ok"}\n{"id":"c", text: oops}\n');
    const run = await classify(['--input', bad, '--output', join(dir, 'out.jsonl'), '--stage', 'fast']);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/line 3/);
  });

  it('rejects a line without text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classify-'));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id":"a"}\n');
    const run = await classify(['--input', bad, '--output', join(dir, 'out.jsonl'), '--stage', 'fast']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/line 1: text/);
  });
});
