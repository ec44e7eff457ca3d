// The stores on the real PostgreSQL (infra/local/postgres.sh): the moderation API's contract suite
// and the case store's, as on memory and PGlite, where concurrent claims really race on separate
// connections; the pipeline stores' contract (batched statements over a pool); and the upgrade of
// a database that is still on migration 1. Each run works in a schema of its own.
// With DATABASE_URL set, the suite uses that server and starts nothing; otherwise the run's global
// teardown stops the one it starts.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  memoryStoreSet,
  migrate,
  MIGRATIONS,
  namedStatements,
  PostgresCaseStore,
  PostgresContextStore,
  PostgresModeratorStore,
  SqlApiKeyStore,
  SqlSendLedger,
  SqlLimitWindows,
  SqlTermListStore,
  SqlReputationStore,
  SqlAppealStore,
  SqlWebhookLog,
  SqlDecisionStats,
  SqlExposureStore,
  SqlShadowLog,
  SqlVersionedDocuments,
} from '@sinbin/stores';
import { startPostgres } from '../services';
import { moderationApiSuite } from '../../unit/functions/moderation/api-suite';
import { leadsApiSuite } from '../../unit/functions/moderation/leads-api-suite';
import { leadStoreContract } from '../../contract/lead-store-suite';
import { makeCase, tmpObjects } from '../../unit/functions/moderation/harness';
import { storeContract } from '../../contract/store-suite';
import { sqlStoresUnderTest } from '../../contract/sql-stores';
import { caseStoreContract } from '../../contract/case-store-suite';
import { gatewayStoreContract } from '../../contract/gateway-store-suite';
import { limitWindowsContract } from '../../contract/limit-windows-suite';
import { termListStoreContract } from '../../contract/term-list-store-suite';
import { reputationStoreContract } from '../../contract/reputation-store-suite';
import { appealStoreContract } from '../../contract/appeal-store-suite';

let url = '';
const schemas: string[] = [];
const pools: pg.Pool[] = [];

beforeAll(async () => {
  url = process.env.DATABASE_URL ?? (await startPostgres());
}, 180_000);

afterAll(async () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  for (const s of schemas) await admin.query(`drop schema if exists ${s} cascade`);
  await admin.end();
  await Promise.all(pools.map((p) => p.end()));
});

/** A pool whose connections all work in a fresh schema. */
async function schemaPool(max = 10): Promise<pg.Pool> {
  const schema = `moderation_it_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`create schema ${schema}`);
  await admin.end();
  schemas.push(schema);
  const pool = new pg.Pool({ connectionString: url, max, options: `-c search_path=${schema}` });
  pools.push(pool);
  return pool;
}

moderationApiSuite('PostgreSQL', async () => {
  const pool = await schemaPool();
  await migrate(pool);
  return {
    stores: { ...memoryStoreSet(tmpObjects()), context: new PostgresContextStore(pool), cases: new PostgresCaseStore(pool), moderators: new PostgresModeratorStore(pool) },
    close: async () => {},
  };
});

/** Every store that lives in the moderation database, on one pool. */
function moderationDatabase(pool: pg.Pool) {
  return {
    context: new PostgresContextStore(pool),
    cases: new PostgresCaseStore(pool),
    moderators: new PostgresModeratorStore(pool),
    documents: new SqlVersionedDocuments(pool),
    shadow: new SqlShadowLog(pool),
    decisionStats: new SqlDecisionStats(pool),
    exposure: new SqlExposureStore(pool),
  };
}

leadsApiSuite('PostgreSQL', async () => {
  const pool = await schemaPool();
  await migrate(pool);
  return { stores: { ...memoryStoreSet(tmpObjects()), ...moderationDatabase(pool) }, close: async () => {} };
});

// The leads' stores where concurrent writers really race on separate connections.
let leadPool: pg.Pool | undefined;
leadStoreContract('PostgreSQL', async () => {
  if (!leadPool) {
    leadPool = await schemaPool(16);
    await migrate(leadPool);
  }
  return moderationDatabase(leadPool);
});

// The store contract opens its stores once per test: one migrated schema serves them all (its tests
// use ids of their own, as on LMDB), or the pools of forty-odd schemas would exhaust max_connections.
let storePool: Promise<pg.Pool> | undefined;
const migratedStorePool = () =>
  (storePool ??= schemaPool().then(async (pool) => {
    await migrate(pool);
    return pool;
  }));

storeContract('PostgreSQL', async () => sqlStoresUnderTest(await migratedStorePool()));

caseStoreContract('PostgreSQL', async () => {
  const pool = await schemaPool();
  await migrate(pool);
  return new PostgresCaseStore(pool);
});

// As the stack runs them: named (prepared) statements.
storeContract('PostgreSQL, named statements', async () => sqlStoresUnderTest(namedStatements(await migratedStorePool())));

// The gateway's stores as two replicas use them: claims race on separate pools of one database.
gatewayStoreContract('PostgreSQL', async () => {
  const pool = await schemaPool();
  await migrate(pool);
  return { sends: new SqlSendLedger(namedStatements(pool)), apiKeys: new SqlApiKeyStore(pool), webhooks: new SqlWebhookLog(pool) };
});

// What every gateway replica of the real stack shares for the flood and spam limits (as postgresStoreSet builds it).
let limitPool: pg.Pool | undefined;
limitWindowsContract('PostgreSQL', async () => {
  if (!limitPool) {
    limitPool = await schemaPool();
    await migrate(limitPool);
  }
  return new SqlLimitWindows(namedStatements(limitPool));
});

appealStoreContract('PostgreSQL', async () => {
  const pool = await schemaPool();
  await migrate(pool);
  return new SqlAppealStore(pool);
});

reputationStoreContract('PostgreSQL', async () => {
  const pool = await schemaPool();
  await migrate(pool);
  return new SqlReputationStore(namedStatements(pool));
});

termListStoreContract('PostgreSQL', async () => {
  const pool = await schemaPool();
  await migrate(pool);
  return new SqlTermListStore(pool);
});

describe('gateway stores shared by replicas on PostgreSQL', () => {
  it('a messageId claimed through one replica is a repeat (or a conflict) through another', async () => {
    const a = await schemaPool(4);
    await migrate(a);
    const schema = schemas.at(-1)!;
    const b = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
    pools.push(b);
    const [one, two] = [new SqlSendLedger(a), new SqlSendLedger(b)];
    const at = new Date();
    for (let round = 0; round < 20; round++) {
      const send = { gameId: 'g', messageId: `m-${round}`, fingerprint: 'f' };
      const claims = await Promise.all([one.claim([send], at), two.claim([send], at), one.claim([send], at), two.claim([send], at)]);
      expect(claims.flat().filter((c) => c.outcome === 'new')).toHaveLength(1);
    }
    await one.markPublished([{ gameId: 'g', messageId: 'm-0', fingerprint: 'f' }]);
    expect(await two.claim([{ gameId: 'g', messageId: 'm-0', fingerprint: 'f' }, { gameId: 'g', messageId: 'm-1', fingerprint: 'other' }], at)).toEqual([
      { outcome: 'repeat', published: true },
      { outcome: 'conflict' },
    ]);
  });
});

describe('moderation store on PostgreSQL', () => {
  it('upgrades a database on migration 1: existing cases join the queue', async () => {
    const pool = await schemaPool(2);
    await pool.query('create table schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())');
    await pool.query(MIGRATIONS[0]!.sql);
    await pool.query(`insert into schema_migrations (version, name) values (1, 'stores')`);
    const legacy = makeCase({ gameId: 'legacy-game', playerId: 'p-old' });
    await pool.query(`insert into moderation_cases (case_id, game_id, status, body, opened_at, due_at) values ($1, $2, 'pending', $3, $4, $5)`, [
      legacy.caseId,
      legacy.message.gameId,
      JSON.stringify(legacy),
      legacy.openedAt,
      legacy.dueAt,
    ]);

    expect(await migrate(pool)).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
    expect(await migrate(pool)).toEqual([]);
    const cases = new PostgresCaseStore(pool);
    const queue = await cases.queue({ gameId: 'legacy-game', limit: 10, now: new Date() });
    expect(queue).toMatchObject([{ case: { caseId: legacy.caseId }, rankAt: legacy.openedAt, priorCases: 0 }]);
    expect((await cases.playerHistory('legacy-game', 'p-old', { limit: 5 })).cases).toBe(1);
  });

  it('concurrent claims from separate connections: one winner per case, over many rounds', async () => {
    const pool = await schemaPool(16);
    await migrate(pool);
    const cases = new PostgresCaseStore(pool);
    for (let round = 0; round < 20; round++) {
      const c = makeCase({ gameId: 'race' });
      await cases.open(c);
      const now = new Date();
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => cases.claim(c.caseId, `m${i}`, now, 60_000)));
      expect(outcomes.filter((o) => o.status === 'claimed')).toHaveLength(1);
      // and the verdict: the holder decides once, even when the same request races itself
      const holder = outcomes.find((o) => o.status === 'claimed')!;
      const moderatorId = holder.status === 'claimed' ? holder.claim.moderatorId : '';
      const result = { ...c, verdict: 'allow' as const, resolution: 'moderator' as const, moderatorId, decidedAt: now.toISOString() };
      const decided = await Promise.all(Array.from({ length: 4 }, () => cases.decide(c.caseId, result, { moderatorId, now, requireClaim: true })));
      expect(decided.filter((d) => d === 'decided')).toHaveLength(1);
    }
    const audit = await new PostgresModeratorStore(pool).auditLog({ limit: 1000 });
    expect(audit.filter((e) => e.action === 'claim')).toHaveLength(20);
    expect(audit.filter((e) => e.action === 'verdict')).toHaveLength(20);
  });
});
