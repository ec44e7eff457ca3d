// The case store contract over the in-memory adapter and the SQL adapter on PGlite (PostgreSQL:
// tests/integration/moderation/postgres.test.ts runs the same suite on the real server).
import { afterAll, beforeAll } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { MemoryCaseStore, openPGlite, SqlCaseStore } from '@sinbin/stores';
import { caseStoreContract } from './case-store-suite';

caseStoreContract('memory', async () => new MemoryCaseStore());

let db: PGlite;
// PGlite boots its Postgres in WebAssembly: seconds on a loaded machine.
beforeAll(async () => {
  db = await openPGlite();
}, 120_000);
afterAll(async () => db.close());

caseStoreContract('SQL on PGlite', async () => new SqlCaseStore(db));
