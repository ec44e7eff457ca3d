// Runs one function as its own HTTP process: behind of-watchdog (mode=http, upstream port) or
// as a Knative container ($PORT). Topic deliveries arrive on POST /; outputs leave through a
// Kafka producer (KAFKA_BROKERS) or a CloudEvents sink (K_SINK, set by a Knative SinkBinding).
import { existsSync } from 'node:fs';
import { z } from 'zod';
import {
  adoptFormerEnvAtStart,
  type AnyFunction,
  boolVar,
  ConfigError,
  FORMER_OBJECT_DIR,
  intVar,
  parseEnv,
  type Publisher,
  type RunningFunction,
  STATELESS_STORES,
} from '@sinbin/contract';
import { lifecycleStores, LifecycleEnvSchema, memoryStoreSet, postgresStoreSet } from '@sinbin/stores';
import { boot, collectConfigProblems, parseFunctionConfigs, type Env } from '../boot';
import { createLogger, type Logger } from '../log';
import { servicesFor, skewedClock } from '../services';
import { DEFAULT_DELIVERY_BATCH, localTarget, TopicConnector } from '../transport/kafka-connector';
import { reportConsumerLag } from '../metrics';
import { KafkaLagMonitor } from '../transport/consumer-lag';
import { kafkaClientVar, type KafkaClientName } from '../transport/kafka-client';
import { KafkaPublisher } from '../transport/kafka-publisher';
import { CloudEventSinkPublisher } from '../transport/sink-publisher';
import { deliveryRoute } from './delivery';
import { closeServer, createFunctionServer, listen } from './server';

const DEFAULT_OBJECT_DIR = '/tmp/sinbin-objects';

const StandaloneEnvSchema = z
  .object({
    // Knative sets PORT; of-watchdog forwards to the upstream port (http://127.0.0.1:3000 by default).
    PORT: intVar(3000, 0, 65535),
    KAFKA_BROKERS: z.string().optional(),
    // The Kafka client library: kafkajs or platformatic (@platformatic/kafka); docs/kafka-clients.md.
    SINBIN_KAFKA_CLIENT: kafkaClientVar,
    K_SINK: z.string().url().optional(),
    OBJECT_DIR: z.string().default(DEFAULT_OBJECT_DIR),
    // The shared stores (PostgreSQL). Without it a function that keeps state refuses to start,
    // unless SINBIN_STORES=memory asks for per-process memory (one instance only, lost on stop).
    DATABASE_URL: z.string().optional(),
    SINBIN_STORES: z.enum(['postgres', 'memory']).optional(),
    // Consume the function's topics directly (a Kafka consumer in this process) instead of
    // waiting for HTTP deliveries from a KafkaSource or kafka-connector.
    KAFKA_CONSUME: boolVar(false),
    // With KAFKA_CONSUME: records of one partition handled per batch (one database barrier and one
    // publish for all of them); 1 handles each on its own.
    SINBIN_DELIVERY_BATCH: intVar(DEFAULT_DELIVERY_BATCH, 1, 1000),
    // Moves this process's clock (what the function reads as `now`) by this many ms, + or -: the
    // fault suite's clock-skew scenario. Kafka record timestamps and PostgreSQL's now() are not moved.
    SINBIN_CLOCK_OFFSET_MS: intVar(0, -86_400_000, 86_400_000),
  })
  .refine((e) => e.KAFKA_BROKERS || e.K_SINK, { message: 'set KAFKA_BROKERS (host:port,...) or K_SINK (CloudEvents sink URL) so the function can publish' })
  .refine((e) => e.SINBIN_STORES !== 'postgres' || e.DATABASE_URL, { message: 'SINBIN_STORES=postgres needs DATABASE_URL', path: ['DATABASE_URL'] });

/** Stores other than the object store live in PostgreSQL, or in memory when asked for. */
function storeProblem(fn: AnyFunction, config: { DATABASE_URL?: string; SINBIN_STORES?: 'postgres' | 'memory' }): string | undefined {
  const stateful = fn.stores.some((s) => !STATELESS_STORES.includes(s));
  if (!stateful || config.DATABASE_URL || config.SINBIN_STORES === 'memory') return undefined;
  return `DATABASE_URL: is required: ${fn.name} keeps state (${fn.stores.join(', ')}) that every instance must share; set it to a PostgreSQL URL, or SINBIN_STORES=memory for one instance whose state is lost when it stops`;
}

/** The default object directory, or the one an earlier version filled when only that one exists. */
function defaultObjectDir(log: Logger): string {
  if (existsSync(DEFAULT_OBJECT_DIR) || !existsSync(FORMER_OBJECT_DIR)) return DEFAULT_OBJECT_DIR;
  log.warn({ objectDir: FORMER_OBJECT_DIR }, 'using the object directory of an earlier version; set OBJECT_DIR to keep it');
  return FORMER_OBJECT_DIR;
}

function publisherFromEnv(env: { KAFKA_BROKERS?: string; K_SINK?: string; SINBIN_KAFKA_CLIENT: KafkaClientName }, clientId: string): Publisher {
  if (env.KAFKA_BROKERS) return new KafkaPublisher({ brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()), clientId, client: env.SINBIN_KAFKA_CLIENT });
  return new CloudEventSinkPublisher(env.K_SINK!);
}

export async function runStandalone(fn: AnyFunction, env: Env = process.env): Promise<void> {
  adoptFormerEnvAtStart(env);
  const log = createLogger(fn.name);
  const { config, fnConfig } = await boot(fn.name, () => {
    let config!: z.infer<typeof StandaloneEnvSchema>;
    let lifecycle!: z.infer<typeof LifecycleEnvSchema>;
    let fnConfig: unknown;
    collectConfigProblems(
      () => (config = parseEnv(StandaloneEnvSchema, env)),
      () => (lifecycle = parseEnv(LifecycleEnvSchema, env)),
      () => (fnConfig = parseFunctionConfigs([fn], env).get(fn.name)),
      () => {
        const problem = config && storeProblem(fn, config);
        if (problem) throw new ConfigError([problem]);
      },
    );
    return { config: { ...config, lifecycle }, fnConfig };
  });
  const publisher = publisherFromEnv(config, fn.name);
  const objectDir = env.OBJECT_DIR ? config.OBJECT_DIR : defaultObjectDir(log);
  // Buckets and the model registry: MinIO and MLflow when configured, local folders and a file otherwise.
  const models = lifecycleStores(config.lifecycle, objectDir);
  const shared = config.DATABASE_URL ? await postgresStoreSet(config.DATABASE_URL, objectDir, models) : undefined;
  const stores = shared ?? memoryStoreSet(objectDir, models);
  const stateful = fn.stores.some((s) => !STATELESS_STORES.includes(s));
  // PostgreSQL commits asynchronously: a delivery is acknowledged only once its writes are on disk.
  // A function with no state there (the training-data sink, the deep analyzer) never waits on it.
  const durable = stateful ? shared?.durable : undefined;
  if (!config.DATABASE_URL && stateful) log.warn('SINBIN_STORES=memory: state is in this process only and is lost when it stops');
  const running: RunningFunction = await fn.start(servicesFor(fn, { config: fnConfig, log, publisher, stores, now: skewedClock(config.SINBIN_CLOCK_OFFSET_MS) }));
  const routes = [
    deliveryRoute({ fn, running: async () => running, publisher, log, ...(durable ? { durable } : {}) }),
    // Lets a scale-to-zero manager ask whether work is still pending here (cases, open UIs).
    { method: 'GET' as const, path: '/_/busy', handler: () => ({ status: 200, body: { busy: running.busy?.() ?? false } }) },
    ...(running.routes ?? []),
  ];
  const server = createFunctionServer({ name: fn.name, log, routes: () => routes, ...(fn.http?.bodyLimit ? { bodyLimit: fn.http.bodyLimit } : {}) });
  const port = await listen(server, config.PORT);
  const tick = running.tick ? setInterval(() => void running.tick!.run().catch((e) => log.warn({ err: String(e) }, 'periodic work failed')), running.tick.everyMs) : undefined;
  let consumer: TopicConnector | undefined;
  if (config.KAFKA_CONSUME && config.KAFKA_BROKERS && fn.consumes.length > 0) {
    consumer = new TopicConnector({
      brokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()),
      deadLetters: publisher,
      log,
      client: config.SINBIN_KAFKA_CLIENT,
      target: localTarget(fn, running, publisher, log, durable),
      batchSize: config.SINBIN_DELIVERY_BATCH,
    });
    await consumer.start();
  }
  // sinbin_consumer_lag of this function's consumer group, whoever consumes for it (this process,
  // a KafkaSource, the kafka-connector): read from the broker, so a stalled consumer shows too.
  let lag: KafkaLagMonitor | undefined;
  if (config.KAFKA_BROKERS && fn.consumes.length > 0) {
    const monitor = new KafkaLagMonitor({
      brokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()),
      groups: new Map([[fn.name, fn.consumes]]),
      onError: (error) => log.debug({ err: String(error) }, 'consumer lag not read'),
    }).start();
    reportConsumerLag(() => monitor.current());
    lag = monitor;
  }
  log.info({ port, consumes: fn.consumes, consuming: consumer !== undefined, ...(config.SINBIN_CLOCK_OFFSET_MS ? { clockOffsetMs: config.SINBIN_CLOCK_OFFSET_MS } : {}) }, 'listening');
  const shutdown = async () => {
    clearInterval(tick);
    await lag?.stop();
    await consumer?.stop();
    await closeServer(server);
    await running.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}
