// Installs the pinned platform tools through scripts/deploy/install-tools.sh (idempotent; a
// cache under $SINBIN_CACHE, ~/.cache/sinbin by default) and says where they are. `make test`
// installs them before the test runner starts, so here they are normally found at once.
// Asynchronous: a test worker blocked in a build cannot answer the runner, which gives up after 60 s.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/deploy/manifests';

export type Tool = 'faas-cli' | 'of-watchdog' | 'kustomize';

export interface InstallResult {
  path?: string;
  /** The installer's own words when it failed. */
  problem?: string;
  /** The module proxy refused the pinned version: no install can succeed on this network. */
  refusedByRegistry: boolean;
}

export async function installTool(tool: Tool): Promise<InstallResult> {
  const run = await promisify(execFile)('bash', [join(REPO_ROOT, 'scripts/deploy/install-tools.sh'), tool], { encoding: 'utf8', timeout: 15 * 60_000 }).then(
    ({ stdout, stderr }) => ({ ok: true, stdout, stderr }),
    (error: { stdout?: string; stderr?: string; message: string }) => ({ ok: false, stdout: error.stdout ?? '', stderr: `${error.stderr ?? ''}${error.message}` }),
  );
  const line = run.stdout.split('\n').find((l) => l.startsWith(`${tool} `));
  if (run.ok && line) return { path: line.slice(tool.length + 1).trim(), refusedByRegistry: false };
  const problem = run.stderr.trim();
  return { problem, refusedByRegistry: /403 Forbidden|version is not available/.test(problem) };
}

/** The tool's path, or an error carrying the installer's output. */
export async function requireTool(tool: Tool): Promise<string> {
  const result = await installTool(tool);
  if (!result.path) throw new Error(`could not install ${tool}:\n${result.problem}`);
  return result.path;
}
