// The classify bundle (cli/bundle.ts) decides as the TypeScript sources run through tsx do (its copy
// of eld's database, prebuilt for the language reader, is tested in scoring/ngram-table.test.ts).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClassifyBundle } from '../../../cli/bundle';
import { defaultModelDir } from '../../../shared/scoring/src/load';
import { FIXTURES, REPO } from '../scoring/helpers';

describe('the classify bundle', () => {
  it('writes the same file as classify run through tsx (same scores, rules and language readings)', async () => {
    // Inside the checkout, so that the bundle's external packages resolve from node_modules.
    mkdirSync(join(REPO, 'dist'), { recursive: true });
    const out = mkdtempSync(join(REPO, 'dist', 'bundle-test-'));
    try {
      const bundle = await buildClassifyBundle(REPO, relative(REPO, out));
      const input = resolve(FIXTURES, 'labelled-chat.jsonl');
      const args = (file: string) => ['--stage', 'fast', '--fast-model', defaultModelDir('fast'), '--input', input, '--output', join(out, file)];
      await run(process.execPath, [bundle, ...args('bundle.jsonl')]);
      await run(resolve(REPO, 'node_modules', '.bin', 'tsx'), ['cli/classify.ts', ...args('tsx.jsonl')]);
      const written = readFileSync(join(out, 'bundle.jsonl'), 'utf8');
      expect(written.split('\n').filter(Boolean)).toHaveLength(readFileSync(input, 'utf8').split('\n').filter(Boolean).length);
      expect(written).toBe(readFileSync(join(out, 'tsx.jsonl'), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

function run(command: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd: REPO, encoding: 'utf8', timeout: 50_000 }, (error, _stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done()));
  });
}
