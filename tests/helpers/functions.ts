// Starts a pipeline function the way a runtime does, on in-memory stores and a capturing
// publisher, so a test can hand it deliveries through processDelivery and read what it published.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyFunction, RunningFunction, StoreSet } from '@sinbin/contract';
import { startFunction as startWithEnv } from '@sinbin/runtime';
import { memoryStoreSet } from '@sinbin/stores';
import { CapturingPublisher } from './publisher';
import { T0 } from './events';

/** Model folders that do not exist: the functions fall back to the lexicon, whose scores are known. */
export const LEXICON_ENV = { FAST_MODEL_DIR: '/nonexistent/sinbin-fast-model', DEEP_MODEL_DIR: '/nonexistent/sinbin-deep-model' } as const;

export interface StartedFunction {
  fn: AnyFunction;
  running: RunningFunction;
  publisher: CapturingPublisher;
  stores: StoreSet;
  now: () => Date;
}

export async function startFunction(
  fn: AnyFunction,
  opts: { env?: Record<string, string | undefined>; stores?: StoreSet; publisher?: CapturingPublisher; now?: () => Date } = {},
): Promise<StartedFunction> {
  const publisher = opts.publisher ?? new CapturingPublisher();
  const stores = opts.stores ?? memoryStoreSet(mkdtempSync(join(tmpdir(), 'sinbin-test-objects-')));
  const now = opts.now ?? (() => T0);
  const running = await startWithEnv(fn, { env: { ...LEXICON_ENV, ...opts.env }, publisher, stores, now });
  return { fn, running, publisher, stores, now };
}
