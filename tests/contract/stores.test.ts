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
  openPGlite,
  PostgresContextStore,
  PostgresDecisionTable,
  PostgresOffenceStore,
} from '@sinbin/stores';
import { storeContract } from './store-suite';
import { gatewayStoreContract } from './gateway-store-suite';

storeContract('memory', async () => ({ context: new MemoryContextStore(), ledger: new MemoryDecisionLedger(), offences: new MemoryOffenceStore() }));

let db: PGlite;
// PGlite boots its Postgres in WebAssembly: seconds on a loaded machine.
beforeAll(async () => {
  db = await openPGlite();
}, 120_000);
afterAll(async () => db.close());

storeContract('SQL on PGlite', async () => {
  return { context: new PostgresContextStore(db), ledger: new PostgresDecisionTable(db, 'decision_ledger'), offences: new PostgresOffenceStore(db) };
});

gatewayStoreContract('memory', async () => ({ sends: new MemorySendLedger(), apiKeys: new MemoryApiKeyStore(), webhooks: new MemoryWebhookLog() }));

gatewayStoreContract('SQL on PGlite', async () => {
  db ??= await openPGlite();
  return { sends: new SqlSendLedger(db), apiKeys: new SqlApiKeyStore(db), webhooks: new SqlWebhookLog(db) };
});
