// The leads' moderation API in-process: on the in-memory stores and on PGlite (the embedded
// runtime's database: same SQL and migrations as PostgreSQL, where tests/integration runs it too).
import { memoryStoreSet, pgliteModerationStores } from '@sinbin/stores';
import { leadsApiSuite } from './leads-api-suite';
import { tmpObjects } from './harness';

leadsApiSuite('memory stores', async () => ({ stores: memoryStoreSet(tmpObjects()), close: async () => {} }));

leadsApiSuite('PGlite', async () => {
  const { db, close, ...durable } = await pgliteModerationStores();
  void db;
  return { stores: { ...memoryStoreSet(tmpObjects()), ...durable }, close };
});
