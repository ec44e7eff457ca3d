// npm postinstall: builds the classify bundle (cli/bundle.ts) when the dev tools are installed,
// and does nothing otherwise (an install without dev dependencies, e.g. `npm ci --omit=dev`,
// has no tsx or esbuild and runs classify from cli/sinbin.ts's fallback instead).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
try {
  require.resolve('tsx/package.json');
  require.resolve('esbuild/package.json');
} catch {
  process.exit(0);
}
const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/bundle.ts', '--if-possible'], { stdio: 'inherit' });
process.exit(run.status ?? 0);
