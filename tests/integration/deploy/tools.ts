// Installs the pinned platform tools through scripts/deploy/install-tools.sh (idempotent; a
// cache under $SINBIN_CACHE, ~/.cache/sinbin by default) and says where they are.
import { spawnSync } from 'node:child_process';
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

export function installTool(tool: Tool): InstallResult {
  const run = spawnSync('bash', [join(REPO_ROOT, 'scripts/deploy/install-tools.sh'), tool], { encoding: 'utf8', timeout: 15 * 60_000 });
  const line = run.stdout.split('\n').find((l) => l.startsWith(`${tool} `));
  if (run.status === 0 && line) return { path: line.slice(tool.length + 1).trim(), refusedByRegistry: false };
  const problem = `${run.stderr}${run.error ? String(run.error) : ''}`.trim();
  return { problem, refusedByRegistry: /403 Forbidden|version is not available/.test(problem) };
}

/** The tool's path, or an error carrying the installer's output. */
export function requireTool(tool: Tool): string {
  const result = installTool(tool);
  if (!result.path) throw new Error(`could not install ${tool}:\n${result.problem}`);
  return result.path;
}
