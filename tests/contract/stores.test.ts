// The store contract over the in-memory adapters and the SQL adapters on PGlite (the same SQL and
// migrations as the real stack's PostgreSQL, which tests/integration/moderation/postgres.test.ts covers).
import { afterAll, beforeAll } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import {
  MemoryApiKeyStore,
  MemorySendLedger,
  MemoryWebhookLog,
  SqlApiKeyStore,
  SqlSendLedger,
  SqlWebhookLog,
  MemoryContextStore,
  MemoryDecisionLedger,
  MemoryOffenceStore,
  MemoryWebhookOutbox,
  openPGlite,
} from '@sinbin/stores';
import { LmdbContextStore, LmdbDecisionTable, LmdbOffenceStore, LmdbWebhookOutbox, openStateDb, type StateDb } from '@sinbin/stores/lmdb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlStoresUnderTest } from './sql-stores';
import { storeContract } from './store-suite';
import { gatewayStoreContract } from './gateway-store-suite';

storeContract('memory', async () => {
  const outbox = new MemoryWebhookOutbox();
  return { context: new MemoryContextStore(), ledger: new MemoryDecisionLedger(), offences: new MemoryOffenceStore(), outbox, decisions: new MemoryDecisionLedger(outbox) };
});

let db: PGlite;
let state: StateDb | undefined;
// PGlite boots its Postgres in WebAssembly: seconds on a loaded machine.
beforeAll(async () => {
  db = await openPGlite();
}, 120_000);
afterAll(async () => {
  await db.close();
  await state?.close();
});

storeContract('SQL on PGlite', async () => sqlStoresUnderTest(db));

gatewayStoreContract('memory', async () => ({ sends: new MemorySendLedger(), apiKeys: new MemoryApiKeyStore(), webhooks: new MemoryWebhookLog() }));

gatewayStoreContract('SQL on PGlite', async () => {
  db ??= await openPGlite();
  return { sends: new SqlSendLedger(db), apiKeys: new SqlApiKeyStore(db), webhooks: new SqlWebhookLog(db) };
});

storeContract('LMDB (the embedded default)', async () => {
  state ??= openStateDb(join(mkdtempSync(join(tmpdir(), 'sinbin-lmdb-contract-')), 'log'));
  const outbox = new LmdbWebhookOutbox(state);
  return { context: new LmdbContextStore(state), ledger: new LmdbDecisionTable(state, 'ledger'), offences: new LmdbOffenceStore(state), outbox, decisions: new LmdbDecisionTable(state, 'decisions', outbox) };
});

// The same, with the context store's memory of recent channels down to one: every other read
// goes back to the database and the writes not yet committed.
storeContract('LMDB, one channel kept in memory', async () => {
  state ??= openStateDb(join(mkdtempSync(join(tmpdir(), 'sinbin-lmdb-contract-')), 'log'));
  const outbox = new LmdbWebhookOutbox(state);
  return { context: new LmdbContextStore(state, 50, 1), ledger: new LmdbDecisionTable(state, 'ledger'), offences: new LmdbOffenceStore(state), outbox, decisions: new LmdbDecisionTable(state, 'decisions', outbox) };
});
