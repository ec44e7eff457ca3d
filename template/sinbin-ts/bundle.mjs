// Build stage of the sinbin-ts template: bundles one function's process entry
// (functions/<name>/src/server.ts) into a single ESM file with esbuild, and copies into
// out/node_modules only the packages the bundle cannot hold (native addons, wasm and files a
// package loads relative to itself), with their dependency closure. The final image gets the
// bundle plus that short list, not the workspace's node_modules.
//
// usage: node bundle.mjs <function-name> <out-dir>   (run from the workspace root)
import console from 'node:console';
import process from 'node:process';
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Kept out of the bundle: each ships a native addon, wasm or data files found through its own path.
export const EXTERNAL_PACKAGES = ['onnxruntime-node', 'onnxruntime-web', '@huggingface/transformers', 'sharp', '@electric-sql/pglite', 'pg-native'];

const [fn, outArg] = process.argv.slice(2);
if (!fn || !outArg) {
  console.error('usage: node bundle.mjs <function-name> <out-dir>');
  process.exit(2);
}
const root = process.cwd();
const out = resolve(outArg);
const entry = join(root, 'functions', fn, 'src', 'server.ts');
if (!existsSync(entry)) {
  console.error(`no entry point at ${entry}`);
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: [entry],
  outfile: join(out, 'server.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  metafile: true,
  external: EXTERNAL_PACKAGES,
  // CommonJS dependencies (kafkajs, pg, pino) call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __sinbinCreateRequire } from 'node:module'; const require = __sinbinCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// Externals the bundle really imports (statically or through import()).
const imported = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const imp of output.imports) {
    if (!imp.external) continue;
    const name = EXTERNAL_PACKAGES.find((p) => imp.path === p || imp.path.startsWith(`${p}/`));
    if (name) imported.add(name);
  }
}

// Copy each one with its runtime dependency closure (dependencies + installed optionalDependencies).
const copied = new Set();
function copyPackage(name, fromDir) {
  if (copied.has(name) || name.startsWith('@types/')) return;
  let dir = fromDir;
  let pkgDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) {
      pkgDir = candidate;
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (!pkgDir) return; // an optional dependency that is not installed on this platform
  copied.add(name);
  cpSync(pkgDir, join(out, 'node_modules', name), { recursive: true, dereference: true });
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) copyPackage(dep, pkgDir);
}
for (const name of imported) copyPackage(name, root);

// onnxruntime-node ships prebuilt addons for every OS and CPU; the image needs its own only.
const ortBin = join(out, 'node_modules', 'onnxruntime-node', 'bin');
if (existsSync(ortBin)) {
  for (const napi of readdirSync(ortBin)) {
    for (const os of readdirSync(join(ortBin, napi))) {
      for (const arch of readdirSync(join(ortBin, napi, os))) {
        if (os !== process.platform || arch !== process.arch) rmSync(join(ortBin, napi, os, arch), { recursive: true, force: true });
      }
    }
  }
}

writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: `@sinbin/${fn}-image`, private: true, type: 'module' }, null, 2)}\n`);
console.log(JSON.stringify({ function: fn, bundle: join(out, 'server.mjs'), externals: [...imported].sort(), packages: copied.size }));
