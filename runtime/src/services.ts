// What a runtime hands a function: its parsed config, a logger, the Metrics port, a publisher
// and exactly the stores its definition names (asking for one a runtime lacks is a boot error).
import { ConfigError, type AnyFunction, type FunctionServices, type Logger, type Publisher, type RunningFunction, type StoreSet } from '@sinbin/contract';
import { parseFunctionConfigs, type Env } from './boot';
import { silentLogger } from './log';
import { promMetrics } from './metrics';

/**
 * The clock a function reads (`now`), `offsetMs` ahead of (or behind, if negative) this machine's.
 * SINBIN_CLOCK_OFFSET_MS sets it per process, so the fault suite can skew one function's clock
 * against the others' the way an unsynchronised node would.
 */
export function skewedClock(offsetMs = 0): () => Date {
  return offsetMs === 0 ? () => new Date() : () => new Date(Date.now() + offsetMs);
}

export function servicesFor(
  fn: AnyFunction,
  opts: { config: unknown; log: Logger; publisher: Publisher; stores: Partial<StoreSet>; now?: () => Date },
): FunctionServices {
  const stores: Partial<StoreSet> = {};
  const missing = fn.stores.filter((name) => opts.stores[name] === undefined);
  if (missing.length > 0) throw new ConfigError([`${fn.name}: needs the ${missing.join(', ')} store(s), which this runtime was not given`]);
  for (const name of fn.stores) Object.assign(stores, { [name]: opts.stores[name] });
  return { config: opts.config, log: opts.log, metrics: promMetrics, publisher: opts.publisher, stores: stores as StoreSet, now: opts.now ?? skewedClock() };
}

/** Parses a function's config from `env` and starts it: for tools, benchmarks and tests that host one function themselves. */
export async function startFunction(
  fn: AnyFunction,
  opts: { env: Env; stores: Partial<StoreSet>; publisher: Publisher; log?: Logger; now?: () => Date },
): Promise<RunningFunction> {
  const config = parseFunctionConfigs([fn], opts.env).get(fn.name);
  const services = servicesFor(fn, { config, log: opts.log ?? silentLogger(), publisher: opts.publisher, stores: opts.stores });
  return fn.start(opts.now ? { ...services, now: opts.now } : services);
}
