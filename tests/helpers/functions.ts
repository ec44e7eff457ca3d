// Starts a pipeline function the way a runtime does, on in-memory stores and a capturing
// publisher, so a test can hand it deliveries through processDelivery and read what it published.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineFunction, RunningFunction } from '@sinbin/shared/function';
import { silentLogger } from '@sinbin/shared/log';
import { memoryStoreSet, type StoreSet } from '@sinbin/shared/stores/store-set';
import { CapturingPublisher } from './publisher';
import { T0 } from './events';

/** Model folders that do not exist: the functions fall back to the lexicon, whose scores are known. */
export const LEXICON_ENV = { FAST_MODEL_DIR: '/nonexistent/sinbin-fast-model', DEEP_MODEL_DIR: '/nonexistent/sinbin-deep-model' } as const;

export interface StartedFunction {
  fn: PipelineFunction;
  running: RunningFunction;
  publisher: CapturingPublisher;
  stores: StoreSet;
  now: () => Date;
}

export async function startFunction(
  fn: PipelineFunction,
  opts: { env?: Record<string, string | undefined>; stores?: StoreSet; publisher?: CapturingPublisher; now?: () => Date } = {},
): Promise<StartedFunction> {
  const publisher = opts.publisher ?? new CapturingPublisher();
  const stores = opts.stores ?? memoryStoreSet(mkdtempSync(join(tmpdir(), 'sinbin-test-objects-')));
  const now = opts.now ?? (() => T0);
  const running = await fn.start({ log: silentLogger(), env: { ...LEXICON_ENV, ...opts.env }, publisher, stores, now });
  return { fn, running, publisher, stores, now };
}
