// The store contract over the in-memory adapters and the SQL adapters on PGlite (the same SQL and
// migrations as the real stack's PostgreSQL, which tests/integration/infra/stores.test.ts covers).
import { afterAll } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import {
  MemoryContextStore,
  MemoryDecisionLedger,
  MemoryOffenceStore,
  openPGlite,
  PostgresContextStore,
  PostgresDecisionTable,
  PostgresOffenceStore,
} from '@sinbin/stores';
import { storeContract } from './store-suite';

storeContract('memory', async () => ({ context: new MemoryContextStore(), ledger: new MemoryDecisionLedger(), offences: new MemoryOffenceStore() }));

let db: PGlite | undefined;
afterAll(async () => {
  await db?.close();
});

storeContract('SQL on PGlite', async () => {
  db ??= await openPGlite();
  return { context: new PostgresContextStore(db), ledger: new PostgresDecisionTable(db, 'decision_ledger'), offences: new PostgresOffenceStore(db) };
});
