// The one query method the SQL adapters use, satisfied as-is by `pg.Pool`, a `pg.PoolClient`
// and PGlite, so the same statements run on the server and on the embedded Postgres.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS } from './schema';

export interface SqlClient {
  // Rows are whatever the statement selects; each adapter maps them to its port's types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<R = any>(text: string, params?: unknown[]): Promise<{ rows: R[]; rowCount?: number | null }>;
}

/**
 * Applies pending MIGRATIONS on a PGlite database, each in a transaction. PGlite is one
 * connection in one process, so there is no one to race and no advisory lock to take.
 */
export async function migratePGlite(db: PGlite): Promise<number[]> {
  await db.exec('create table if not exists schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())');
  const done = new Set((await db.query<{ version: number }>('select version from schema_migrations')).rows.map((r) => r.version));
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await db.transaction(async (tx) => {
      // exec, not query: a migration is several statements (simple query protocol).
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
    });
    applied.push(m.version);
  }
  return applied;
}

/** Opens (and migrates) a PGlite database: in memory without a directory, else persisted there. */
export async function openPGlite(dataDir?: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  await migratePGlite(db);
  return db;
}

/**
 * Marks a database directory (PGlite's, or the embedded log's) as opened by this process
 * (`<dir>.pid`). Each is one process's database: a second process opening the same directory
 * would corrupt it (PGlite) or consume its topics twice (the log), so it is refused.
 * Returns the function that lets go of it.
 */
export function lockDataDir(dataDir: string): () => void {
  const lock = `${dataDir.replace(/\/+$/, '')}.pid`;
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(lock, 'utf8').trim());
  } catch {
    holder = undefined;
  }
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new Error(`the database ${dataDir} is open in process ${holder}; stop that process first`);
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
