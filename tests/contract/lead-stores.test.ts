// The leads' store contract over the in-memory adapters and the SQL adapters on PGlite (the same
// SQL and migrations as the real stack's PostgreSQL: tests/integration/moderation/postgres.test.ts).
import { afterAll, beforeAll } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import {
  MemoryAuditTrail,
  MemoryDecisionStats,
  MemoryExposureStore,
  MemoryModeratorStore,
  MemoryShadowLog,
  MemoryVersionedDocuments,
  openPGlite,
  SqlDecisionStats,
  SqlExposureStore,
  SqlModeratorStore,
  SqlShadowLog,
  SqlVersionedDocuments,
} from '@sinbin/stores';
import { leadStoreContract } from './lead-store-suite';

const trail = new MemoryAuditTrail();
const memory = {
  documents: new MemoryVersionedDocuments(trail),
  shadow: new MemoryShadowLog(),
  decisionStats: new MemoryDecisionStats(),
  exposure: new MemoryExposureStore(),
  moderators: new MemoryModeratorStore(trail),
};
leadStoreContract('memory', async () => memory);

let db: PGlite;
// PGlite boots its Postgres in WebAssembly: seconds on a loaded machine.
beforeAll(async () => {
  db = await openPGlite();
}, 120_000);
afterAll(async () => db.close());

leadStoreContract('SQL on PGlite', async () => ({
  documents: new SqlVersionedDocuments(db),
  shadow: new SqlShadowLog(db),
  decisionStats: new SqlDecisionStats(db),
  exposure: new SqlExposureStore(db),
  moderators: new SqlModeratorStore(db),
}));
