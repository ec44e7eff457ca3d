// Builds `classify` into an ESM bundle, dist/cli/bundle/classify.mjs, so the process starts without
// compiling TypeScript through tsx (cli/sinbin.mjs runs it while it is newer than every file it
// was built from; `npm run build:cli`, also run by postinstall and `make`).
//   tsx cli/bundle.ts [--if-possible]   (--if-possible: warn instead of failing, for postinstall)
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { ROUTED_LANGUAGES } from '@sinbin/contract';
import { packedToJson, packNgrams } from '@sinbin/scoring/ngram-table';

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
 * eld's large n-gram database is a 4.4 MB object literal of 60 languages: parsing it as JavaScript
 * was 1.4 s of CPU at every start. The bundle carries only the routed languages' entries, already
 * packed as language-reader.ts's table reads them (keys and scores as base64 arrays), made here
 * from the installed package and never stored in git: parsing the routed part as JSON and packing
 * it at each start had still been a tenth of classify's start-up.
 */
const eldDatabasePrebuilt: Plugin = {
  name: 'eld-database-prebuilt',
  setup(b) {
    b.onLoad({ filter: /[\\/]eld[\\/]src[\\/]ngrams[\\/][a-z]+\.js$/ }, async (args) => {
      const { ngramsData } = (await import(pathToFileURL(args.path).href)) as { ngramsData: EldDatabase };
      const routed = Object.keys(ngramsData.languages)
        .filter((index) => ROUTED_LANGUAGES.includes(ngramsData.languages[index] as (typeof ROUTED_LANGUAGES)[number]))
        .sort((x, y) => Number(x) - Number(y));
      if (routed.length !== ROUTED_LANGUAGES.length) throw new Error(`eld database lacks one of ${ROUTED_LANGUAGES.join(', ')}`);
      const packed = packedToJson(packNgrams(ngramsData, routed));
      return {
        contents: "import { packedFromJson } from '@sinbin/scoring/ngram-table';\n" +
          `export const ngramsData = { languages: ${JSON.stringify(ngramsData.languages)}, ngrams: {}, packed: packedFromJson(${JSON.stringify(packed)}) };\n`,
        loader: 'js',
        resolveDir: dirname(args.path),
      };
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
    plugins: [packagesStayExternal, ourModulesWithoutSideEffects, eldDatabasePrebuilt],
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
