// The moderation API in-process: on the in-memory stores and on PGlite (the embedded runtime's
// case store: same SQL and migrations as PostgreSQL).
import { memoryStoreSet, pgliteModerationStores } from '@sinbin/stores';
import { moderationApiSuite } from './api-suite';
import { tmpObjects } from './harness';

moderationApiSuite('memory stores', async () => ({ stores: memoryStoreSet(tmpObjects()), close: async () => {} }));

moderationApiSuite('PGlite', async () => {
  const db = await pgliteModerationStores();
  return { stores: { ...memoryStoreSet(tmpObjects()), cases: db.cases, moderators: db.moderators }, close: db.close };
});
