// The stores a runtime hands its functions. The embedded runtime shares one in-memory set between
// all functions (they live in one process); the real stack builds PostgreSQL / MinIO adapters.
import type { CaseStore, ContextStore, DecisionLedger, DecisionStore, ObjectStore, OffenceStore } from '../ports';
import { FilesystemObjectStore } from './filesystem';
import { MemoryCaseStore, MemoryContextStore, MemoryDecisionLedger, MemoryOffenceStore } from './memory';

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
