// The real stack on one machine: every function as its own process, reached through the topic
// connector over HTTP exactly as Knative's KafkaSource (or OpenFaaS's kafka-connector) would,
// publishing with an idempotent Kafka producer. Used by `make up` and the integration tests.
import { createServer, request, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyFunction, StoreSet } from '@sinbin/contract';
import { postgresStoreSet } from '@sinbin/stores';
import { DEFAULT_DELIVERY_BATCH, TopicConnector } from '../transport/kafka-connector';
import { httpTarget } from '../connector/targets';
import type { DeliveryMode } from '../connector/delivery';
import { buildFunctionBundles } from './bundles';
import { FunctionProcess, type WatchdogOptions } from './processes';
import { createTopics } from './topics';
import { KafkaPublisher } from '../transport/kafka-publisher';
import type { KafkaClientName } from '../transport/kafka-client';
import { closeServer, freePort, listen } from '../http/server';
import type { Logger } from '../log';

export interface StackOptions {
  /** The functions to run (functions/registry.ts), each as its own process. */
  functions: readonly AnyFunction[];
  brokers: string[];
  /** The Kafka client library of the connectors and the dead-letter publisher (default: DEFAULT_KAFKA_CLIENT). */
  kafkaClient?: KafkaClientName;
  env: Record<string, string | undefined>;
  /** The public port of each function that serves HTTP, by function name (0: a free port). */
  httpPorts: Map<string, number>;
  /** First port for the internal function processes; 0 gives each a free port at each start. */
  basePort: number;
  /** Runs every function behind the real of-watchdog (mode=http), as the OpenFaaS image does. */
  watchdog?: WatchdogOptions;
  /** Variables for one function's process only, by function name (the fault suite skews clocks this way). */
  functionEnv?: Record<string, Record<string, string>>;
  /** A directory for one pid file per function process group, so they can be stopped after a crash of the stack. */
  pidDir?: string;
  /**
   * How records reach functions: `knative` / `openfaas` through the connector over HTTP;
   * `direct` lets always-on functions consume their topics themselves (no HTTP hop), while
   * scale-to-zero functions are still activated through the connector.
   */
  mode: DeliveryMode | 'direct';
  /**
   * Records per delivery request (the CloudEvents batched content mode, Knative mode only: the
   * kafka-connector has no batch form); 1 sends one per request, as KafkaSource does.
   */
  deliveryBatch?: number;
  idleMs: number;
  repoRoot: string;
  /** Run functions from source through tsx instead of from fresh bundles (slower to start). */
  fromSource?: boolean;
  /**
   * Niceness of the functions off the latency path (`priority: 'background'`; default 10, 0 runs
   * them like the others). On one machine every function shares the same cores, so the gateway ->
   * fast classifier -> decision manager path gets the CPU first and background work waits in its
   * topics; on Kubernetes each function has pods and CPU requests of its own.
   */
  backgroundNiceness?: number;
  log: Logger;
}

export interface Stack {
  /** The HTTP address of each function that serves HTTP, by function name. */
  urls: Record<string, string>;
  processes: Map<string, FunctionProcess>;
  connectors: TopicConnector[];
  stop(): Promise<void>;
}

/** Forwards requests to a scale-to-zero function's process, starting it first if it is at zero. */
function activator(name: string, target: FunctionProcess, log: Logger): Server {
  return createServer((req, res) => {
    target.acquire().then(
      (base) => {
        const url = new URL(req.url ?? '/', base);
        const upstream = request(url, { method: req.method, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.on('end', () => target.release());
        });
        upstream.on('error', (error) => {
          target.release();
          log.warn({ err: error.message }, 'activator upstream failed');
          if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
          res.end(JSON.stringify({ error: 'unavailable', message: `${name} is starting; retry`, retry: true }));
        });
        req.pipe(upstream);
      },
      () => {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ error: 'unavailable', message: `${name} could not start; retry`, retry: true }));
      },
    );
  });
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const { log } = opts;
  const topics = await createTopics(opts.brokers);
  log.info({ created: topics.created.length, existing: topics.existing.length }, 'topics ready');

  const env = { ...opts.env, KAFKA_BROKERS: opts.brokers.join(',') };
  if (opts.pidDir) mkdirSync(opts.pidDir, { recursive: true });
  const functions = opts.functions;
  const consumesDirectly = (fn: AnyFunction) => opts.mode === 'direct' && !fn.scaleToZero;
  const bundles = opts.fromSource ? new Map<string, string>() : await buildFunctionBundles(opts.repoRoot, functions.map((fn) => fn.name));
  const processes = new Map<string, FunctionProcess>();
  let port = opts.basePort;
  for (const fn of functions) {
    // An always-on function that serves HTTP listens on its public port itself (chosen once, so it
    // stays the same across restarts); one that scales to zero listens inside, behind an
    // activator on its public port (below).
    const publicPort = fn.http && !fn.scaleToZero ? opts.httpPorts.get(fn.name) || (await freePort()) : undefined;
    processes.set(
      fn.name,
      new FunctionProcess({
        name: fn.name,
        port: publicPort ?? (opts.basePort === 0 ? 0 : port++),
        internalPort: publicPort === undefined,
        env: { ...env, ...opts.functionEnv?.[fn.name], KAFKA_CONSUME: consumesDirectly(fn) ? 'true' : 'false', SINBIN_DELIVERY_BATCH: String(opts.deliveryBatch ?? DEFAULT_DELIVERY_BATCH) },
        scaleToZero: fn.scaleToZero,
        idleMs: opts.idleMs,
        log,
        repoRoot: opts.repoRoot,
        bundle: bundles.get(fn.name),
        niceness: fn.priority === 'background' ? (opts.backgroundNiceness ?? 10) : 0,
        watchdog: opts.watchdog,
        pidFile: opts.pidDir ? join(opts.pidDir, `${fn.name}.pid`) : undefined,
      }),
    );
  }
  // What has started, in order: stop() undoes it, and so does a start that fails half way (a
  // connector refused by the broker, a port taken), so no function process or watchdog outlives this one.
  const started: (() => Promise<unknown>)[] = [() => Promise.all([...processes.values()].map((p) => p.close()))];
  try {
    // Always-on functions (min-scale 1) start now; the others wait for their first event.
    await Promise.all(
      functions.filter((fn) => !fn.scaleToZero).map(async (fn) => {
        const p = processes.get(fn.name)!;
        await p.acquire();
        p.release();
      }),
    );

    const deadLetters = new KafkaPublisher({ brokers: opts.brokers, clientId: 'connector-dead-letters', client: opts.kafkaClient });
    started.push(() => deadLetters.close());
    const httpMode: DeliveryMode = opts.mode === 'openfaas' ? 'openfaas' : 'knative';
    const connectors = functions.filter((fn) => fn.consumes.length > 0 && !consumesDirectly(fn)).map(
      (fn) =>
        new TopicConnector({
          brokers: opts.brokers,
          target: httpTarget(fn, httpMode, processes.get(fn.name)!, { batches: httpMode === 'knative' }),
          batchSize: opts.deliveryBatch ?? DEFAULT_DELIVERY_BATCH,
          deadLetters,
          log: log.child({ connector: fn.name }),
          client: opts.kafkaClient,
        }),
    );
    started.push(() => Promise.all(connectors.map((c) => c.stop())));
    await Promise.all(connectors.map((c) => c.start()));
    const wake = await wakeWhenPending(functions, processes, opts.env.DATABASE_URL, log);
    started.push(() => wake.stop());

    const urls: Record<string, string> = {};
    const fronts: Server[] = [];
    started.push(() => Promise.all(fronts.map(closeServer)));
    for (const fn of functions.filter((f) => f.http)) {
      const wanted = opts.httpPorts.get(fn.name) ?? 0;
      if (!fn.scaleToZero) {
        urls[fn.name] = processes.get(fn.name)!.url;
        continue;
      }
      const front = activator(fn.name, processes.get(fn.name)!, log);
      fronts.push(front);
      urls[fn.name] = `http://127.0.0.1:${await listen(front, wanted, '127.0.0.1')}`;
    }
    return {
      urls,
      processes,
      connectors,
      // The same steps as a failed start, in reverse order of starting.
      async stop() {
        for (const stop of [...started].reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of [...started].reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

/**
 * What Knative leaves to a schedule: a function at zero whose stores hold work (cases whose deadline
 * passes while nobody looks, say after its process was killed) is started, as its first event would.
 */
async function wakeWhenPending(
  functions: readonly AnyFunction[],
  processes: Map<string, FunctionProcess>,
  databaseUrl: string | undefined,
  log: Logger,
  everyMs = 5000,
): Promise<{ stop(): Promise<void> }> {
  const probed = functions.filter((fn) => fn.scaleToZero && fn.pendingWork);
  if (probed.length === 0 || !databaseUrl) return { stop: async () => undefined };
  const stores: StoreSet & { close(): Promise<void> } = await postgresStoreSet(databaseUrl, join(tmpdir(), 'sinbin-stack-probe'));
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      for (const fn of probed) {
        const p = processes.get(fn.name)!;
        if (p.running) continue;
        try {
          if (!(await fn.pendingWork!(stores))) continue;
          log.info({ fn: fn.name }, 'work waits in the stores: starting from zero');
          await p.acquire();
          p.release();
        } catch (error) {
          log.warn({ fn: fn.name, err: String(error) }, 'could not ask whether work waits; will ask again');
        }
      }
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  void check();
  return {
    async stop() {
      clearInterval(timer);
      await stores.close();
    },
  };
}
