// The contract every pipeline function implements. A function says what it consumes and
// produces; the runtime (embedded bus, HTTP behind of-watchdog or Knative, Kafka connector)
// owns transport, acknowledgement, retries and dead-lettering.
import type { Logger } from './log';
import type { Publisher } from './ports';
import type { TopicName } from './topics';
import type { AnyDelivery, AnyOutbound } from './transport/record';
import type { HttpRoute } from './http/router';
import type { StoreSet } from './stores/store-set';

export interface FunctionServices {
  log: Logger;
  env: Record<string, string | undefined>;
  publisher: Publisher;
  stores: StoreSet;
  now: () => Date;
}

export interface RunningFunction {
  /** Handles one event; the returned events are published before the event is acknowledged. */
  handle(delivery: AnyDelivery): Promise<AnyOutbound[]>;
  /** Extra HTTP API the function serves (the gateway's and moderation's). */
  routes?: HttpRoute[];
  /** Work to run on a timer while the instance is up (e.g. expiring overdue cases). */
  tick?: { everyMs: number; run: () => Promise<void> };
  /** True while the instance has a reason to stay up besides events (e.g. open UI sessions). */
  busy?: () => boolean;
  stop(): Promise<void>;
}

export interface PipelineFunction {
  name: string;
  consumes: readonly TopicName[];
  produces: readonly TopicName[];
  /** Runs no instance while idle; started by its first event or request. */
  scaleToZero: boolean;
  start(services: FunctionServices): Promise<RunningFunction>;
}

export function defineFunction(fn: PipelineFunction): PipelineFunction {
  return fn;
}
