#!/usr/bin/env node
// The `sinbin` command's entry (package.json bin, `npm run sinbin`, `npm run classify`), plain
// JavaScript so that it starts without a compiler: `classify` runs from its esbuild bundle
// (cli/bundle.ts, `npm run build:cli`) while the bundle is newer than every file it was built
// from; everything else, or a missing or stale bundle, runs cli/sinbin.ts through tsx.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(ROOT, 'dist', 'cli', 'bundle', 'classify.mjs');
const INPUTS = join(ROOT, 'dist', 'cli', 'bundle', 'classify.inputs.json');

/** @returns {boolean} whether the bundle exists and no file it was built from changed since */
function bundleIsFresh() {
  try {
    const built = statSync(BUNDLE).mtimeMs;
    const { inputs } = /** @type {{ inputs: string[] }} */ (JSON.parse(readFileSync(INPUTS, 'utf8')));
    return inputs.every((path) => statSync(join(ROOT, path)).mtimeMs <= built);
  } catch {
    return false;
  }
}

if (process.argv[2] === 'classify' && bundleIsFresh()) {
  // classify reads its own arguments from argv[2] on, as when it is run by itself.
  process.argv.splice(2, 1);
  await import(pathToFileURL(BUNDLE).href);
} else {
  if (process.argv[2] === 'classify') process.stderr.write('sinbin: dist/cli/bundle is missing or older than its sources (npm run build:cli); classify starts through tsx\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import('./sinbin.ts');
}
