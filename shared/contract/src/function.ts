// The contract every pipeline function implements. A function says what it consumes, produces,
// which config it reads and which stores it uses; the runtime (embedded bus, HTTP behind
// of-watchdog or Knative, Kafka connector) parses that config before it serves anything and owns
// transport, acknowledgement, retries and dead-lettering. Deployment manifests, runtimes and the
// deploy workflow are all derived from these definitions (functions/registry.ts).
import type { z } from 'zod';
import type { HttpRoute } from './http';
import type { Logger, Metrics, Publisher, StoreSet } from './ports';
import type { AnyDelivery, AnyOutbound } from './records';
import type { TopicName } from './topics';

export type StoreName = keyof StoreSet;

/** An env schema: an object of variables, each parsed (and defaulted) by zod. */
export type EnvSchema = z.ZodObject<z.ZodRawShape>;

export interface FunctionServices<Config = unknown, S extends StoreName = StoreName> {
  /** The function's config, parsed from the environment by its `env` schema at boot. */
  config: Config;
  log: Logger;
  metrics: Metrics;
  publisher: Publisher;
  /** Only the stores the definition names. */
  stores: Pick<StoreSet, S>;
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

export interface Resources {
  cpu: string;
  memory: string;
}

/** How the function runs on Kubernetes (Knative Services, OpenFaaS): manifests are generated from it. */
export interface DeployProfile {
  /** Instances kept warm (Knative min-scale; at least 1 on OpenFaaS); 0 with scaleToZero. */
  minScale: number;
  maxScale: number;
  /** In-flight requests per instance the autoscalers aim for. */
  targetConcurrency: number;
  /** Idle time before a scale-to-zero function is stopped (e.g. `15m`). */
  zeroAfter?: string;
  requests: Resources;
  limits: Resources;
  /** The watchdog's per-request limit: a delivery must be answered within it (e.g. `30s`). */
  execTimeout: string;
  /** Non-secret settings for the cluster beyond the common ones. */
  environment?: Record<string, string>;
  /** Model folder(s) baked into the image (models/<model>). */
  model?: ModelFolder | readonly ModelFolder[];
}

/** The bundled model folders under models/. */
export type ModelFolder = 'fast' | 'deep' | 'multilingual';

/** A public HTTP API the function serves beside topic deliveries: its port on one machine. */
export interface PublicHttp {
  /** The variable naming its port on the embedded and local-stack runtimes, and the default. */
  portVariable: string;
  defaultPort: number;
  /** Largest request body it takes, in bytes (default DEFAULT_BODY_LIMIT of the runtime). */
  bodyLimit?: number;
}

export interface PipelineFunction<E extends EnvSchema = EnvSchema, S extends StoreName = StoreName> {
  name: string;
  /** One line for people: the manifests' description and the scaffold's README. */
  description: string;
  consumes: readonly TopicName[];
  produces: readonly TopicName[];
  /** Runs no instance while idle; started by its first event or request. */
  scaleToZero: boolean;
  /** `background`: off the latency path (deep analysis, training data); runs at lower CPU priority on one machine. */
  priority: 'latency' | 'background';
  /** Set when the function serves an API to games or people. */
  http?: PublicHttp;
  /** Every variable the function reads, parsed at boot (a bad value stops the runtime). */
  env: E;
  /** Variables of `env` that hold secrets: delivered as secrets, never written into manifests. */
  secrets: readonly (keyof z.infer<E> & string)[];
  /** The stores it uses; the runtime hands it exactly these. */
  stores: readonly S[];
  deploy: DeployProfile;
  /**
   * For a function that scales to zero: whether work waits in its stores while no instance runs
   * (cases whose deadline passes while nobody is looking, say after a crash). Runtimes ask while the
   * function is at zero and start an instance when it answers true.
   */
  pendingWork?(stores: Pick<StoreSet, S>): Promise<boolean>;
  start(services: FunctionServices<z.infer<E>, S>): Promise<RunningFunction>;
}

/** A definition of any config and stores, as runtimes and generators see it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = PipelineFunction<any, StoreName>;

export function defineFunction<E extends EnvSchema, S extends StoreName = never>(fn: PipelineFunction<E, S>): PipelineFunction<E, S> {
  return fn;
}
