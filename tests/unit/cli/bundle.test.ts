// The classify bundle (cli/bundle.ts): its copy of eld's database keeps only the routed languages'
// scores, and it decides as the TypeScript sources run through tsx do.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClassifyBundle, type EldDatabase, keepLanguages } from '../../../cli/bundle';
import { defaultModelDir } from '../../../shared/scoring/src/load';
import { FIXTURES, REPO } from '../scoring/helpers';

const db: EldDatabase = {
  type: 'L3',
  languages: { 0: 'de', 1: 'en', 2: 'fr' },
  ngrams: { ' the': { 1: 40, 2: 3 }, ' der': { 0: 50 }, ' les': { 0: 1, 2: 30 }, 'ing ': { 1: 20 } },
};

describe('keepLanguages', () => {
  it.each([
    { codes: ['en', 'fr'], ngrams: { ' the': { 1: 40, 2: 3 }, ' les': { 2: 30 }, 'ing ': { 1: 20 } } },
    { codes: ['en'], ngrams: { ' the': { 1: 40 }, 'ing ': { 1: 20 } } },
    { codes: ['de', 'en', 'fr'], ngrams: db.ngrams },
  ])('$codes: their scores as they were, n-grams of no kept language dropped', ({ codes, ngrams }) => {
    const kept = keepLanguages(db, codes);
    expect(kept.ngrams).toEqual(ngrams);
    // Indices and the language list stay whole: eld's subset and score array are built from them.
    expect(kept.languages).toEqual(db.languages);
    expect(kept.type).toBe('L3');
  });

  it('refuses a language the database lacks', () => {
    expect(() => keepLanguages(db, ['en', 'es'])).toThrow(/lacks/);
  });
});

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
