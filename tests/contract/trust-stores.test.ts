// The players' stores over the in-memory adapters and the SQL adapters on PGlite (migration 6,
// the same SQL the real stack's PostgreSQL runs: tests/integration/moderation/postgres.test.ts).
import { afterAll, beforeAll } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { MemoryAppealStore, MemoryLimitWindows, MemoryReputationStore, MemoryTermListStore, openPGlite, SqlAppealStore, SqlLimitWindows, SqlReputationStore, SqlTermListStore } from '@sinbin/stores';
import { limitWindowsContract } from './limit-windows-suite';
import { termListStoreContract } from './term-list-store-suite';
import { reputationStoreContract } from './reputation-store-suite';
import { appealStoreContract } from './appeal-store-suite';

let db: PGlite;
beforeAll(async () => {
  db = await openPGlite();
}, 120_000);
afterAll(async () => {
  await db.close();
});

limitWindowsContract('memory', async () => new MemoryLimitWindows());
limitWindowsContract('SQL on PGlite', async () => new SqlLimitWindows(db));

termListStoreContract('memory', async () => new MemoryTermListStore());
termListStoreContract('SQL on PGlite', async () => new SqlTermListStore(db));

reputationStoreContract('memory', async () => new MemoryReputationStore());
reputationStoreContract('SQL on PGlite', async () => new SqlReputationStore(db));

appealStoreContract('memory', async () => new MemoryAppealStore());
appealStoreContract('SQL on PGlite', async () => new SqlAppealStore(db));
