// The embedded default: gateway, every function and an in-process topic bus in one process,
// with the acknowledge / retry / dead-letter semantics the Kafka path has.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { deadLetter, processDelivery } from '@sinbin/shared/consume';
import { closeServer, createFunctionServer, listen } from '@sinbin/shared/http/server';
import { createLogger, type Logger } from '@sinbin/shared/log';
import { memoryStoreSet, pgliteModerationStores, type StoreSet } from '@sinbin/shared/stores/store-set';
import { MemoryBus } from '@sinbin/shared/transport/memory-bus';
import { FUNCTIONS } from '../functions';
import { FunctionHost } from '../host';

export interface EmbeddedOptions {
  env: Record<string, string | undefined>;
  gatewayPort: number;
  moderationPort: number;
  host?: string;
  /** Where the training-data sink writes (the object store's root). */
  objectDir?: string;
  idleMs?: number;
  /** Where moderation's PGlite database lives (cases, moderator accounts); in memory without one. */
  moderationDataDir?: string;
  /** Partitions per topic of the in-process bus. */
  partitions?: number;
  /** Deliveries of one event before it is dead-lettered as retries-exhausted. */
  maxAttempts?: number;
  log?: Logger;
}

export interface EmbeddedRuntime {
  gatewayUrl: string;
  moderationUrl: string;
  bus: MemoryBus;
  stores: StoreSet;
  hosts: Map<string, FunctionHost>;
  stop(): Promise<void>;
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedRuntime> {
  const rootLog = opts.log ?? createLogger('embedded');
  // Many small partitions: each group handles one record per partition at a time, so more
  // partitions let more events share an event-loop turn (and a model batch). Ordering per
  // channel is unaffected: a channel always maps to one partition.
  const partitions = opts.partitions ?? 64;
  const bus = new MemoryBus({ partitions: () => partitions });
  const moderationDb = await pgliteModerationStores(opts.moderationDataDir);
  const stores: StoreSet = { ...memoryStoreSet(opts.objectDir ?? mkdtempSync(join(tmpdir(), 'sinbin-objects-'))), cases: moderationDb.cases, moderators: moderationDb.moderators };
  const hosts = new Map<string, FunctionHost>();
  const maxAttempts = opts.maxAttempts ?? 10;

  for (const fn of FUNCTIONS) {
    const log = rootLog.child({ fn: fn.name });
    const host = new FunctionHost(fn, { log, env: opts.env, publisher: bus, stores, now: () => new Date() }, log, { idleMs: opts.idleMs ?? 30_000 });
    hosts.set(fn.name, host);
    if (!fn.scaleToZero) await host.acquire().then(() => host.release());
    // One consumer group per function, as on Kafka.
    bus.subscribe(fn.name, fn.consumes, async (raw, attempt) => {
      const outcome = await host.use((running) => processDelivery(raw, { fn, running, publisher: bus, log, attempt }));
      if (outcome.status !== 'retry') return 'commit';
      if (attempt < maxAttempts) return 'redeliver';
      const dead = await host.use((running) =>
        deadLetter(raw, { fn, running, publisher: bus, log, attempt }, { code: 'retries-exhausted', reason: `gave up after ${attempt} attempts: ${outcome.reason}` }),
      );
      return dead.status === 'retry' ? 'redeliver' : 'commit';
    });
  }

  const gatewayHost = hosts.get('game-message-proxy')!;
  const moderationHost = hosts.get('moderation')!;
  const servers: Server[] = [
    createFunctionServer({ name: 'game-message-proxy', log: rootLog, routes: async () => (await gatewayHost.use(async (r) => r.routes ?? [])) }),
    // Any request to the moderation API starts the function if it sits at zero.
    createFunctionServer({ name: 'moderation', log: rootLog, routes: async () => (await moderationHost.use(async (r) => r.routes ?? [])) }),
  ];
  const host = opts.host ?? '127.0.0.1';
  const gatewayPort = await listen(servers[0]!, opts.gatewayPort, host);
  const moderationPort = await listen(servers[1]!, opts.moderationPort, host);

  return {
    gatewayUrl: `http://${host}:${gatewayPort}`,
    moderationUrl: `http://${host}:${moderationPort}`,
    bus,
    stores,
    hosts,
    async stop() {
      await Promise.all(servers.map(closeServer));
      await bus.drained(2000);
      bus.stop();
      for (const h of hosts.values()) await h.close();
      await moderationDb.close();
    },
  };
}
