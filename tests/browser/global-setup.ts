// Builds the UI once (ui/dist) and checks the browser is there before any browser test runs.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';
import { CHROMIUM } from './chromium';

export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run bash scripts/install-chromium.sh`);
  await build({ root: resolve(import.meta.dirname, '..', '..', 'ui'), logLevel: 'warn' });
}
