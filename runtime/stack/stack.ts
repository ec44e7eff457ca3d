// The real stack on one machine: every function as its own process, reached through the topic
// connector over HTTP exactly as Knative's KafkaSource (or OpenFaaS's kafka-connector) would,
// publishing with an idempotent Kafka producer. Used by `make up` and the integration tests.
import { createServer, request, type Server } from 'node:http';
import { FUNCTIONS } from '../functions';
import { TopicConnector } from '@sinbin/shared/transport/kafka-connector';
import { httpTarget } from '../connector/targets';
import type { DeliveryMode } from '../connector/delivery';
import { buildFunctionBundles } from './bundles';
import { FunctionProcess } from './processes';
import { createTopics } from './topics';
import { KafkaPublisher } from '@sinbin/shared/transport/kafka-publisher';
import { closeServer, listen } from '@sinbin/shared/http/server';
import type { Logger } from '@sinbin/shared/log';

/**
 * Off the latency path: the deep analyzer decides the ambiguous fifth of messages within seconds,
 * and the sink only files training examples. On one machine every function shares the same
 * cores, so these run at a lower CPU priority and the gateway -> fast classifier -> decision
 * manager path gets the CPU first; their work waits in their topics instead. On Kubernetes each
 * function has pods and CPU requests of its own (scripts/deploy/profiles.ts).
 */
export const BACKGROUND_FUNCTIONS: ReadonlySet<string> = new Set(['deep-analyzer', 'training-data-sink']);

export interface StackOptions {
  brokers: string[];
  env: Record<string, string | undefined>;
  gatewayPort: number;
  moderationPort: number;
  /** First port for the internal function processes. */
  basePort: number;
  /**
   * How records reach functions: `knative` / `openfaas` through the connector over HTTP;
   * `direct` lets always-on functions consume their topics themselves (no HTTP hop), while
   * scale-to-zero functions are still activated through the connector.
   */
  mode: DeliveryMode | 'direct';
  idleMs: number;
  repoRoot: string;
  /** Run functions from source through tsx instead of from fresh bundles (slower to start). */
  fromSource?: boolean;
  /** Niceness of BACKGROUND_FUNCTIONS' processes (default 10; 0 runs them like the others). */
  backgroundNiceness?: number;
  log: Logger;
}

export interface Stack {
  gatewayUrl: string;
  moderationUrl: string;
  processes: Map<string, FunctionProcess>;
  connectors: TopicConnector[];
  stop(): Promise<void>;
}

/** Forwards moderator requests to the moderation process, starting it first if it is at zero. */
function activator(target: FunctionProcess, log: Logger): Server {
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
          res.end(JSON.stringify({ error: 'unavailable', message: 'moderation is starting; retry' }));
        });
        req.pipe(upstream);
      },
      () => {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ error: 'unavailable', message: 'moderation could not start; retry' }));
      },
    );
  });
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const { log } = opts;
  const topics = await createTopics(opts.brokers);
  log.info({ created: topics.created.length, existing: topics.existing.length }, 'topics ready');

  const env = { ...opts.env, KAFKA_BROKERS: opts.brokers.join(',') };
  const consumesDirectly = (fn: (typeof FUNCTIONS)[number]) => opts.mode === 'direct' && !fn.scaleToZero;
  const bundles = opts.fromSource ? new Map<string, string>() : await buildFunctionBundles(opts.repoRoot, FUNCTIONS.map((fn) => fn.name));
  const processes = new Map<string, FunctionProcess>();
  let port = opts.basePort;
  for (const fn of FUNCTIONS) {
    const isGateway = fn.name === 'game-message-proxy';
    processes.set(
      fn.name,
      new FunctionProcess({
        name: fn.name,
        port: isGateway ? opts.gatewayPort : port++,
        env: { ...env, KAFKA_CONSUME: consumesDirectly(fn) ? 'true' : 'false' },
        scaleToZero: fn.scaleToZero,
        idleMs: opts.idleMs,
        log,
        repoRoot: opts.repoRoot,
        bundle: bundles.get(fn.name),
        niceness: BACKGROUND_FUNCTIONS.has(fn.name) ? (opts.backgroundNiceness ?? 10) : 0,
      }),
    );
  }
  // Always-on functions (min-scale 1) start now; the others wait for their first event.
  await Promise.all(
    FUNCTIONS.filter((fn) => !fn.scaleToZero).map(async (fn) => {
      const p = processes.get(fn.name)!;
      await p.acquire();
      p.release();
    }),
  );

  const deadLetters = new KafkaPublisher({ brokers: opts.brokers, clientId: 'connector-dead-letters' });
  const httpMode: DeliveryMode = opts.mode === 'openfaas' ? 'openfaas' : 'knative';
  const connectors = FUNCTIONS.filter((fn) => fn.consumes.length > 0 && !consumesDirectly(fn)).map(
    (fn) => new TopicConnector({ brokers: opts.brokers, target: httpTarget(fn, httpMode, processes.get(fn.name)!), deadLetters, log: log.child({ connector: fn.name }) }),
  );
  await Promise.all(connectors.map((c) => c.start()));

  const moderationFront = activator(processes.get('moderation')!, log);
  const moderationPort = await listen(moderationFront, opts.moderationPort, '127.0.0.1');
  return {
    gatewayUrl: `http://127.0.0.1:${opts.gatewayPort}`,
    moderationUrl: `http://127.0.0.1:${moderationPort}`,
    processes,
    connectors,
    async stop() {
      await closeServer(moderationFront);
      await Promise.all(connectors.map((c) => c.stop()));
      await Promise.all([...processes.values()].map((p) => p.close()));
      await deadLetters.close();
    },
  };
}
