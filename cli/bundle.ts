// Builds `classify` into an ESM bundle, dist/cli/bundle/classify.mjs, so the process starts without
// compiling TypeScript through tsx (cli/sinbin.mjs runs it while it is newer than every file it
// was built from; `npm run build:cli`, also run by postinstall and `make`).
//   tsx cli/bundle.ts [--if-possible]   (--if-possible: warn instead of failing, for postinstall)
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { ROUTED_LANGUAGES } from '@sinbin/contract';

/** Three levels below the root, like shared/scoring/src/load.ts, whose path to models/ it keeps. */
const BUNDLE_DIR = join('dist', 'cli', 'bundle');
export const CLASSIFY_BUNDLE = join(BUNDLE_DIR, 'classify.mjs');
/** The files the bundle was built from, which cli/sinbin.mjs compares with the bundle's age. */
export const CLASSIFY_INPUTS = join(BUNDLE_DIR, 'classify.inputs.json');

/** eld's n-gram database: language codes by index, and per n-gram a score by language index. */
export interface EldDatabase {
  languages: Record<string, string>;
  ngrams: Record<string, Record<string, number>>;
  [field: string]: unknown;
}

/**
 * The database with only the given languages' scores. language.ts restricts eld to the same
 * languages (setLanguageSubset), and eld scores each language from its own entries alone and then
 * drops the others, so the readings are the same; the language list and indices stay whole.
 */
export function keepLanguages(db: EldDatabase, codes: readonly string[]): EldDatabase {
  const kept = new Set(Object.keys(db.languages).filter((index) => codes.includes(db.languages[index]!)));
  if (kept.size !== codes.length) throw new Error(`eld database lacks one of ${codes.join(', ')}`);
  const ngrams: EldDatabase['ngrams'] = {};
  for (const [ngram, scores] of Object.entries(db.ngrams)) {
    const own = Object.fromEntries(Object.entries(scores).filter(([index]) => kept.has(index)));
    if (Object.keys(own).length > 0) ngrams[ngram] = own;
  }
  return { ...db, ngrams };
}

/**
 * eld's large n-gram database is a 4.4 MB object literal of 60 languages: parsing it as JavaScript
 * was 1.4 s of CPU at every start, and summing 60 languages per n-gram most of each detection.
 * The bundle carries the routed languages' part as a JSON string (V8 parses JSON several times
 * faster than an object literal), made here from the installed package, never stored in git.
 */
const eldDatabaseAsJson: Plugin = {
  name: 'eld-database-as-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]eld[\\/]src[\\/]ngrams[\\/][a-z]+\.js$/ }, async (args) => {
      const { ngramsData } = (await import(pathToFileURL(args.path).href)) as { ngramsData: EldDatabase };
      const routed = keepLanguages(ngramsData, ROUTED_LANGUAGES);
      return { contents: `export const ngramsData = JSON.parse(${JSON.stringify(JSON.stringify(routed))});\n`, loader: 'js' };
    });
  },
};

/** Our code and eld are bundled; every other package (onnxruntime-node's native module, the transformer, zod) loads from node_modules. */
const packagesStayExternal: Plugin = {
  name: 'packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@sinbin/') || args.path.startsWith('eld') ? undefined : { path: args.path, external: true }));
  },
};

/**
 * Our packages' modules are treated as free of side effects, so a module none of whose exports
 * classify uses is left out, with the zod schemas it builds at load: the contract's event, policy
 * and API schemas were about a quarter of `classify`'s start-up. (Our modules only define things
 * at load; classify calls what it needs, e.g. adoptFormerEnvAtStart. Only this bundle is affected.)
 */
const ourModulesWithoutSideEffects: Plugin = {
  name: 'our-modules-without-side-effects',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolving' || args.kind === 'entry-point') return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
      if (resolved.errors.length > 0 || resolved.external) return resolved;
      const ours = /[\\/](shared|cli)[\\/]/.test(resolved.path) && !/[\\/]node_modules[\\/]/.test(resolved.path);
      return { ...resolved, sideEffects: ours ? false : resolved.sideEffects };
    });
  },
};

/** Builds the bundle into `outDir` (relative to the root: dist/cli/bundle, where cli/sinbin.mjs looks). */
export async function buildClassifyBundle(repoRoot: string, outDir = BUNDLE_DIR): Promise<string> {
  // Chunk names carry a hash: without this, each rebuild would leave the previous ones behind.
  rmSync(join(repoRoot, outDir), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: { classify: join(repoRoot, 'cli', 'classify.ts') },
    outdir: join(repoRoot, outDir),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // The deep stage in its own chunk: `--stage fast` never loads the transformer's packages.
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [packagesStayExternal, ourModulesWithoutSideEffects, eldDatabaseAsJson],
  });
  // eld's files are among the inputs: a reinstalled package makes the bundle stale too.
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(repoRoot, join(repoRoot, p)));
  writeFileSync(join(repoRoot, outDir, basename(CLASSIFY_INPUTS)), `${JSON.stringify({ inputs })}\n`);
  // Newer than every input even if one was saved while esbuild read the others.
  const bundle = join(repoRoot, outDir, basename(CLASSIFY_BUNDLE));
  const now = new Date();
  utimesSync(bundle, now, now);
  return bundle;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
  const tolerant = process.argv.includes('--if-possible');
  buildClassifyBundle(repoRoot).then(
    (file) => process.stderr.write(`build:cli: ${relative(repoRoot, file)} (${Math.round(readFileSync(file).length / 1e3)} kB)\n`),
    (err: unknown) => {
      process.stderr.write(`build:cli: ${tolerant ? 'warning: ' : ''}${err instanceof Error ? err.message : String(err)}${tolerant ? ' (classify runs through tsx instead)' : ''}\n`);
      process.exitCode = tolerant ? 0 : 1;
    },
  );
}
