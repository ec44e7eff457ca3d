// The embedded default's state database: one LMDB environment (lmdb-js) holding the topic log,
// the consumer offsets and the stores the functions use. Every write goes through one queue here,
// in call order: while a transaction commits, whatever is written meanwhile waits, and all of it
// becomes the next transaction (group commit: one fsync for every write that waited). One
// ordered stream of transactions means a store write issued before a publish is on disk once the
// publish is. With sync on, a commit resolves once fdatasync has returned. lmdb-js commits on a
// thread of its own, so the event loop never waits on the disk. (Handing lmdb-js the writes as they
// come made a transaction, and an fsync, of each event-loop turn that wrote, and a 202 waited for
// several; its overlappingSync made each commit wait for the previous flush. Both measured slower.)
import { mkdirSync } from 'node:fs';
import { open, type Database, type DatabaseOptions, type RootDatabase } from 'lmdb';
import { lockDataDir } from '../sql';

export interface StateDbOptions {
  /**
   * true (default): each commit is flushed to disk (fdatasync) before it resolves, so a durable
   * write survives a power cut. false: never flushed, left to the OS (survives the process being
   * killed, not the machine crashing); for benchmarks and throw-away runs.
   */
  sync?: boolean;
}

export interface StateDb {
  readonly dir: string;
  readonly sync: boolean;
  /** Queues a write; resolves once its transaction is committed (on disk unless sync is off). */
  put<K extends LmdbKey, V>(table: Database<V, K>, key: K, value: V): Promise<void>;
  remove<K extends LmdbKey, V>(table: Database<V, K>, key: K): Promise<void>;
  /** Resolves once every write queued so far is committed; rejects once any write failed. */
  flushed(): Promise<void>;
  /** Writes queued or being committed. */
  readonly pending: number;
  /**
   * Watches a write nobody awaits (the stores' writes; the log's commit waits for them, being
   * later in the same ordered stream). If one fails, `failure` holds why from then on.
   */
  track(write: Promise<unknown>): void;
  /**
   * Set once a tracked write failed (disk full, I/O error): whatever depended on it may be on no
   * disk, so the log accepts nothing more and a restart resumes from what is durable.
   */
  readonly failure: unknown;
  /** A named sub-database of the environment (opened once per name). */
  table<K extends LmdbKey, V>(name: string, options?: DatabaseOptions): Database<V, K>;
  close(): Promise<void>;
}

// The key shapes the stores use: ordered-binary tuples of strings and numbers.
export type LmdbKey = string | number | (string | number)[];

export function openStateDb(dir: string, opts: StateDbOptions = {}): StateDb {
  mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(dir);
  const sync = opts.sync ?? true;
  let root: RootDatabase;
  try {
    root = open({ path: dir, noSync: !sync, overlappingSync: false, maxDbs: 16, pageSize: 4096 });
  } catch (error) {
    unlock();
    throw error;
  }
  const tables = new Map<string, Database<unknown, LmdbKey>>();
  let failure: unknown;
  interface Write {
    table: Database<unknown, LmdbKey>;
    key: LmdbKey;
    value?: unknown;
    remove: boolean;
  }
  /**
   * The writes of one transaction and the one promise they all share: a promise per write (and
   * its closures) was a measurable share of the main thread at a few thousand writes a second.
   */
  interface Batch {
    writes: Write[];
    done: Promise<void>;
    resolve: () => void;
    reject: (error: unknown) => void;
  }
  let filling: Batch | undefined;
  let committing: Promise<void> | undefined;
  let pending = 0;
  // The last batch opened: batches commit in order, so once it settles all before it have.
  let last: Promise<unknown> = Promise.resolve();

  async function commitQueued(): Promise<void> {
    try {
      while (filling) {
        const batch = filling;
        filling = undefined;
        try {
          await root.batch(() => {
            for (const w of batch.writes) {
              if (w.remove) void w.table.remove(w.key);
              else void w.table.put(w.key, w.value);
            }
          });
          pending -= batch.writes.length;
          batch.resolve();
        } catch (error) {
          failure ??= error;
          pending -= batch.writes.length;
          batch.reject(error);
        }
      }
    } finally {
      committing = undefined;
    }
  }

  function enqueue(write: Write): Promise<void> {
    pending++;
    if (!filling) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      filling = { writes: [], done, resolve, reject };
      last = done.catch(() => undefined);
      // Started on the next turn, so all the writes of this one share the first transaction.
      committing ??= new Promise<void>((r) => setImmediate(r)).then(commitQueued);
    }
    filling.writes.push(write);
    return filling.done;
  }

  return {
    dir,
    sync,
    put: (table, key, value) => enqueue({ table: table as unknown as Database<unknown, LmdbKey>, key, value, remove: false }),
    remove: (table, key) => enqueue({ table: table as unknown as Database<unknown, LmdbKey>, key, remove: true }),
    async flushed() {
      await last;
      if (failure !== undefined) throw failure;
    },
    track(write) {
      write.catch((error: unknown) => (failure ??= error));
    },
    get failure() {
      return failure;
    },
    get pending() {
      return pending;
    },
    table<K extends LmdbKey, V>(name: string, options: DatabaseOptions = {}) {
      let db = tables.get(name);
      if (!db) {
        db = root.openDB<unknown, LmdbKey>({ name, ...options });
        tables.set(name, db);
      }
      return db as unknown as Database<V, K>;
    },
    async close() {
      try {
        while (committing) await committing;
        await root.flushed;
        await root.close();
      } finally {
        unlock();
      }
    },
  };
}
