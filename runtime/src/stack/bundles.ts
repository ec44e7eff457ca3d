// Function processes run from esbuild bundles, not through tsx: compiling the TypeScript module
// graph at start-up was most of a scale-to-zero function's cold start. The bundles are built
// from the sources every time the stack starts (well under a second), so they are never stale.
// Our own code (functions/, shared/) is bundled; packages stay in node_modules, as in the image.
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** Where a function's bundle goes: three levels below the repository root, like its src/server.ts, so paths relative to the root still resolve. */
function bundleDir(repoRoot: string, name: string): string {
  return join(repoRoot, 'dist', 'functions', name);
}

const packagesStayExternal: Plugin = {
  name: 'packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@sinbin/') ? undefined : { path: args.path, external: true }));
  },
};

/** Builds `dist/functions/<name>/server.js` (and the model worker next to it) for each function. */
export async function buildFunctionBundles(repoRoot: string, names: readonly string[]): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  await Promise.all(
    names.map(async (name) => {
      const outdir = bundleDir(repoRoot, name);
      await build({
        absWorkingDir: repoRoot,
        entryPoints: { server: join(repoRoot, 'functions', name, 'src', 'server.ts'), 'scorer-worker': join(repoRoot, 'shared', 'scoring', 'src', 'scorer-worker.ts') },
        outdir,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        sourcemap: 'linked',
        logLevel: 'warning',
        plugins: [packagesStayExternal],
      });
      // build() throws on any error, so the entry is there when it returns.
      entries.set(name, join(outdir, 'server.js'));
    }),
  );
  return entries;
}
