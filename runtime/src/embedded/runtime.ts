// The embedded default: every function and an in-process topic bus in one process, with the
// acknowledge / retry / dead-letter semantics the Kafka path has. Functions that serve HTTP get a
// server each, on the port their definition names. With a state directory the bus writes every
// topic to a durable log and the per-message stores live beside it (one LMDB environment), so a
// crash loses nothing that was acknowledged; without one, everything is in memory (tests).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AnyFunction, StoreSet } from '@sinbin/contract';
import { memoryStoreSet, pgliteModerationStores } from '@sinbin/stores';
import { lmdbStores, openStateDb, type StateDb } from '@sinbin/stores/lmdb';
import { collectConfigProblems, httpPorts, parseFunctionConfigs, type Env } from '../boot';
import { deadLetter, processDelivery } from '../consume';
import { FunctionHost } from '../host';
import { closeServer, createFunctionServer, listen } from '../http/server';
import { createLogger, type Logger } from '../log';
import { reportConsumerLag } from '../metrics';
import { servicesFor } from '../services';
import { LmdbLog } from '../transport/lmdb-log';
import { MemoryBus } from '../transport/memory-bus';

export interface EmbeddedOptions {
  /** The functions to host (functions/registry.ts). */
  functions: readonly AnyFunction[];
  /** The environment every function's config is parsed from, and the HTTP ports (`<fn.http.portVariable>`, 0 = any). */
  env: Env;
  host?: string;
  /** Where the training-data sink writes (the object store's root). */
  objectDir?: string;
  idleMs?: number;
  /** Where moderation's PGlite database lives (cases, moderator accounts); in memory without one. */
  moderationDataDir?: string;
  /**
   * The durable log and the per-message stores (context, ledger, offences, decisions, webhook
   * outbox): an LMDB environment in this directory. Without one, the bus and stores are in memory.
   */
  logDir?: string;
  /** false: the log is not flushed to disk (survives a killed process, not a crashed machine). */
  logSync?: boolean;
  /** Partitions per topic of the in-process bus. */
  partitions?: number;
  /** Deliveries of one event before it is dead-lettered as retries-exhausted. */
  maxAttempts?: number;
  log?: Logger;
}

export interface EmbeddedRuntime {
  /** The HTTP address of each function that serves HTTP, by function name. */
  urls: Record<string, string>;
  bus: MemoryBus;
  stores: StoreSet;
  hosts: Map<string, FunctionHost>;
  stop(): Promise<void>;
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedRuntime> {
  const rootLog = opts.log ?? createLogger('embedded');
  // Every function's config and every port is checked before anything starts.
  let configs = new Map<string, unknown>();
  let ports = new Map<string, number>();
  collectConfigProblems(
    () => (configs = parseFunctionConfigs(opts.functions, opts.env)),
    () => (ports = httpPorts(opts.functions, opts.env, 0)),
  );
  // Many small partitions: each group handles one record per partition at a time, so more
  // partitions let more events share an event-loop turn (and a model batch). Ordering per
  // channel is unaffected: a channel always maps to one partition.
  const partitions = opts.partitions ?? 64;
  const state: StateDb | undefined = opts.logDir ? openStateDb(opts.logDir, { sync: opts.logSync ?? true }) : undefined;
  const storage = state ? new LmdbLog(state, { onError: (err, what) => rootLog.error({ err: String(err), what }, 'state database write failed') }) : undefined;
  // Paused until every group has subscribed: a record is trimmed only once all its readers are known.
  const bus = new MemoryBus({ partitions: () => partitions, ...(storage ? { storage, paused: true } : {}) });
  let moderationDb;
  try {
    moderationDb = await pgliteModerationStores(opts.moderationDataDir);
  } catch (error) {
    await bus.close();
    await state?.close();
    throw error;
  }
  const objectDir = opts.objectDir ?? mkdtempSync(join(tmpdir(), 'sinbin-objects-'));
  // Moderation's database also keeps what leads manage (policy versions, shadow comparisons,
  // decision tallies, exposure), so it survives restarts with the cases.
  const { db: _db, close: _close, ...durable } = moderationDb;
  const stores: StoreSet = { ...memoryStoreSet(objectDir), ...(state ? lmdbStores(state) : {}), ...durable };
  const hosts = new Map<string, FunctionHost>();
  const maxAttempts = opts.maxAttempts ?? 10;
  // A step's outputs: committed to the log ahead of its offset (see MemoryBus.inLog). Everything
  // else a function publishes (the gateway's 202, a moderator's verdict) waits for the disk.
  const outputs = bus.inLog();

  for (const fn of opts.functions) {
    const log = rootLog.child({ fn: fn.name });
    const host = new FunctionHost(fn, servicesFor(fn, { config: configs.get(fn.name), log, publisher: bus, stores }), log, { idleMs: opts.idleMs ?? 30_000 });
    hosts.set(fn.name, host);
    if (!fn.scaleToZero) await host.acquire().then(() => host.release());
    if (fn.consumes.length === 0) continue;
    // One consumer group per function, as on Kafka.
    bus.subscribe(fn.name, fn.consumes, async (raw, attempt) => {
      const outcome = await host.use((running) => processDelivery(raw, { fn, running, publisher: outputs, log, attempt }));
      if (outcome.status !== 'retry') return 'commit';
      if (attempt < maxAttempts) return 'redeliver';
      const dead = await host.use((running) =>
        deadLetter(raw, { fn, running, publisher: outputs, log, attempt }, { code: 'retries-exhausted', reason: `gave up after ${attempt} attempts: ${outcome.reason}` }),
      );
      return dead.status === 'retry' ? 'redeliver' : 'commit';
    });
  }

  bus.resume();
  // sinbin_consumer_lag: how far behind each function's consumer group is, read at each scrape.
  const consuming = opts.functions.filter((fn) => fn.consumes.length > 0).map((fn) => fn.name);
  const stopReportingLag = reportConsumerLag(function* () {
    for (const fn of consuming) for (const [topic, lag] of bus.lagByTopic(fn)) yield { fn, topic, lag };
  });

  const address = opts.host ?? '127.0.0.1';
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  for (const [name, port] of ports) {
    const host = hosts.get(name)!;
    // A request to a function at zero starts it, as Knative's activator does.
    const server = createFunctionServer({ name, log: rootLog, routes: async () => await host.use(async (r) => r.routes ?? []), ...(host.fn.http?.bodyLimit ? { bodyLimit: host.fn.http.bodyLimit } : {}) });
    servers.push(server);
    urls[name] = `http://${address}:${await listen(server, port, address)}`;
  }

  return {
    urls,
    bus,
    stores,
    hosts,
    async stop() {
      stopReportingLag();
      await Promise.all(servers.map(closeServer));
      await bus.drained(2000);
      // The bus first: no handler runs once the log is closed (a late one would read a closed database).
      await bus.close();
      for (const h of hosts.values()) await h.close();
      await state?.close();
      await moderationDb.close();
    },
  };
}
