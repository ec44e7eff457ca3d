// The stores a runtime hands its functions. The embedded runtime shares one in-memory set between
// all functions (they live in one process) with moderation and what leads manage on PGlite; the
// real stack builds PostgreSQL / MinIO adapters.
import type { PGlite } from '@electric-sql/pglite';
import type { AppealStore, CaseStore, DecisionStats, ExposureStore, ModeratorStore, ReputationStore, ShadowLog, StoreSet, VersionedDocuments, TermListStore } from '@sinbin/contract';
import { SqlCaseStore, SqlModeratorStore } from './cases-sql';
import { MemoryAuditTrail, MemoryCaseStore, MemoryContextStore, MemoryDecisionLedger, MemoryModeratorStore, MemoryOffenceStore, MemoryWebhookOutbox } from './memory';
import { createPool, migrate, namedStatements, walBarrier, PostgresContextStore } from './postgres';
import { PostgresDecisionTable, PostgresOffenceStore, PostgresWebhookOutbox } from './decisions-sql';
import { MemoryDecisionStats, MemoryExposureStore, MemoryShadowLog, MemoryVersionedDocuments } from './lead-memory';
import { SqlDecisionStats, SqlExposureStore, SqlShadowLog, SqlVersionedDocuments } from './lead-sql';
import { lockDataDir, openPGlite } from './sql';
import { MemoryApiKeyStore, MemorySendLedger, MemoryWebhookLog } from './gateway-memory';
import { SqlApiKeyStore, SqlSendLedger, SqlWebhookLog } from './gateway-sql';
import { localLifecycleStores, type LifecycleStores } from './lifecycle-stores';
import { MemoryAppealStore, MemoryLimitWindows, MemoryReputationStore, MemoryTermListStore } from './trust-memory';
import { SqlAppealStore, SqlLimitWindows, SqlReputationStore, SqlTermListStore } from './trust-sql';


/** The lifecycle stores a store set carries: training data, model artefacts, the registry. */
function lifecycleEntries(l: LifecycleStores): Pick<StoreSet, 'objects' | 'artefacts' | 'registry'> {
  return { objects: l.trainingData, artefacts: l.artefacts, registry: l.registry };
}

export function memoryStoreSet(objectRoot: string, lifecycle: LifecycleStores = localLifecycleStores(objectRoot)): StoreSet {
  const trail = new MemoryAuditTrail();
  const outbox = new MemoryWebhookOutbox();
  return {
    context: new MemoryContextStore(),
    ledger: new MemoryDecisionLedger(),
    offences: new MemoryOffenceStore(),
    cases: new MemoryCaseStore(trail),
    moderators: new MemoryModeratorStore(trail),
    decisions: new MemoryDecisionLedger(outbox),
    outbox,
    sends: new MemorySendLedger(),
    apiKeys: new MemoryApiKeyStore(),
    webhooks: new MemoryWebhookLog(),
    ...lifecycleEntries(lifecycle),
    documents: new MemoryVersionedDocuments(trail),
    shadow: new MemoryShadowLog(),
    decisionStats: new MemoryDecisionStats(),
    exposure: new MemoryExposureStore(),
    limits: new MemoryLimitWindows(),
    reputation: new MemoryReputationStore(),
    appeals: new MemoryAppealStore(),
    termLists: new MemoryTermListStore(),
  };
}

/** Shared stores on PostgreSQL (migrated on first use); objects and models on MinIO/MLflow or local files. */
export async function postgresStoreSet(
  databaseUrl: string,
  objectRoot: string,
  lifecycle: LifecycleStores = localLifecycleStores(objectRoot),
): Promise<StoreSet & { durable(): Promise<void>; close(): Promise<void> }> {
  const pool = createPool(databaseUrl);
  await migrate(pool);
  // The per-message stores run the same few statements all the time; see namedStatements.
  const hot = namedStatements(pool);
  return {
    context: new PostgresContextStore(hot),
    ledger: new PostgresDecisionTable(hot, 'decision_ledger'),
    offences: new PostgresOffenceStore(hot),
    cases: new SqlCaseStore(pool),
    moderators: new SqlModeratorStore(pool),
    decisions: new PostgresDecisionTable(hot, 'final_decisions'),
    outbox: new PostgresWebhookOutbox(pool),
    sends: new SqlSendLedger(hot),
    apiKeys: new SqlApiKeyStore(pool),
    webhooks: new SqlWebhookLog(pool),
    ...lifecycleEntries(lifecycle),
    documents: new SqlVersionedDocuments(pool),
    shadow: new SqlShadowLog(pool),
    decisionStats: new SqlDecisionStats(pool),
    exposure: new SqlExposureStore(pool),
    limits: new SqlLimitWindows(hot),
    reputation: new SqlReputationStore(hot),
    appeals: new SqlAppealStore(pool),
    termLists: new SqlTermListStore(pool),
    durable: walBarrier(pool),
    close: () => pool.end(),
  };
}

/** The stores that live in moderation's database (PGlite on the embedded runtime): cases, accounts and what leads manage. */
export interface ModerationStores {
  cases: CaseStore;
  moderators: ModeratorStore;
  documents: VersionedDocuments;
  shadow: ShadowLog;
  decisionStats: DecisionStats;
  exposure: ExposureStore;
  /** Appeals, term lists and players' standing live beside the cases, so they survive a restart of make run. */
  appeals: AppealStore;
  termLists: TermListStore;
  reputation: ReputationStore;
  db: PGlite;
  close(): Promise<void>;
}

/**
 * The moderation stores on PGlite (embedded Postgres, same SQL and migrations as the server),
 * persisted in `dataDir` or in memory without one. One process may open a directory at a time.
 */
export async function pgliteModerationStores(dataDir?: string): Promise<ModerationStores> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  try {
    const db = await openPGlite(dataDir);
    return {
      cases: new SqlCaseStore(db),
      moderators: new SqlModeratorStore(db),
      documents: new SqlVersionedDocuments(db),
      shadow: new SqlShadowLog(db),
      decisionStats: new SqlDecisionStats(db),
      exposure: new SqlExposureStore(db),
      appeals: new SqlAppealStore(db),
      termLists: new SqlTermListStore(db),
      reputation: new SqlReputationStore(db),
      db,
      close: () => db.close().finally(unlock),
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
