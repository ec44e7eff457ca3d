// The embedded default's state database: one LMDB environment (lmdb-js) holding the topic log,
// the consumer offsets and the stores the functions use. One environment means one ordered stream
// of write transactions, flushed in order: a store write issued before a publish is on disk once
// the publish is. lmdb-js commits on a thread of its own, batching every write queued meanwhile
// into the next transaction, and flushes (fdatasync) a transaction while the next one commits
// (overlappingSync): a write resolves when committed, `flushed` when on disk. After a crash of the
// process, LMDB opens at the last committed transaction (its pages are in the OS's cache); after a
// crash of the machine, at the last flushed one. The event loop never waits on fsync.
import { mkdirSync } from 'node:fs';
import { open, type Database, type DatabaseOptions, type RootDatabase } from 'lmdb';
import { lockDataDir } from '../sql';

export interface StateDbOptions {
  /**
   * true (default): transactions are flushed to disk (fdatasync) and `flushed` waits for it, so a
   * durable write survives a power cut. false: never flushed, left to the OS (survives the process
   * being killed, not the machine crashing); for benchmarks and throw-away runs.
   */
  sync?: boolean;
}

export interface StateDb {
  readonly dir: string;
  readonly sync: boolean;
  /** Resolves once every write issued so far is durable (flushed, or committed when sync is off). */
  flushed(): PromiseLike<boolean>;
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
    root = open({ path: dir, noSync: !sync, maxDbs: 16, pageSize: 4096 });
  } catch (error) {
    unlock();
    throw error;
  }
  const tables = new Map<string, Database<unknown, LmdbKey>>();
  let failure: unknown;
  return {
    dir,
    sync,
    flushed: () => root.flushed,
    track(write) {
      write.catch((error: unknown) => (failure ??= error));
    },
    get failure() {
      return failure;
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
        await root.flushed;
        await root.close();
      } finally {
        unlock();
      }
    },
  };
}
