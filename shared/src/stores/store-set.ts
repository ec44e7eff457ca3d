// The stores a runtime hands its functions. The embedded runtime shares one in-memory set between
// all functions (they live in one process); the real stack builds PostgreSQL / MinIO adapters.
import type { CaseStore, ContextStore, DecisionLedger, DecisionStore, ObjectStore, OffenceStore } from '../ports';
import { FilesystemObjectStore } from './filesystem';
import { MemoryCaseStore, MemoryContextStore, MemoryDecisionLedger, MemoryOffenceStore } from './memory';
import { createPool, migrate, PostgresCaseStore, PostgresContextStore, PostgresDecisionTable, PostgresOffenceStore } from './postgres';

export interface StoreSet {
  context: ContextStore;
  ledger: DecisionLedger;
  offences: OffenceStore;
  cases: CaseStore;
  decisions: DecisionStore;
  objects: ObjectStore;
}

export function memoryStoreSet(objectRoot: string): StoreSet {
  return {
    context: new MemoryContextStore(),
    ledger: new MemoryDecisionLedger(),
    offences: new MemoryOffenceStore(),
    cases: new MemoryCaseStore(),
    decisions: new MemoryDecisionLedger(),
    objects: new FilesystemObjectStore(objectRoot),
  };
}

/** Shared stores on PostgreSQL (migrated on first use); objects still on the filesystem. */
export async function postgresStoreSet(databaseUrl: string, objectRoot: string): Promise<StoreSet & { close(): Promise<void> }> {
  const pool = createPool(databaseUrl);
  await migrate(pool);
  return {
    context: new PostgresContextStore(pool),
    ledger: new PostgresDecisionTable(pool, 'decision_ledger'),
    offences: new PostgresOffenceStore(pool),
    cases: new PostgresCaseStore(pool),
    decisions: new PostgresDecisionTable(pool, 'final_decisions'),
    objects: new FilesystemObjectStore(objectRoot),
    close: () => pool.end(),
  };
}
