// The committed capacity plan, as the manifest generator reads it: only the deploy settings, typed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeploySettings } from './plan';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CAPACITY_JSON = 'docs/capacity.json';

/** The autoscaling settings and partitions of docs/capacity.json (undefined if there is none yet). */
export function committedDeploySettings(root = REPO_ROOT): DeploySettings | undefined {
  const file = join(root, CAPACITY_JSON);
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { deploy: DeploySettings }).deploy;
}
