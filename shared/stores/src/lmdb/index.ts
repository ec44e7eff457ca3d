// @sinbin/stores/lmdb: the embedded default's durable state (one LMDB environment). A separate
// entry, so a function's own process never loads the native module it does not use.
import type { StoreSet } from '@sinbin/contract';
import { LmdbContextStore, LmdbDecisionTable, LmdbOffenceStore, LmdbWebhookOutbox } from './stores';
import type { StateDb } from './state';

export { openStateDb, type LmdbKey, type StateDb, type StateDbOptions } from './state';
export { LmdbContextStore, LmdbDecisionTable, LmdbOffenceStore, LmdbWebhookOutbox } from './stores';

/** The per-message stores on the state database (moderation keeps PGlite, objects the filesystem). */
export function lmdbStores(state: StateDb): Pick<StoreSet, 'context' | 'ledger' | 'offences' | 'decisions' | 'outbox'> {
  const outbox = new LmdbWebhookOutbox(state);
  return {
    context: new LmdbContextStore(state),
    ledger: new LmdbDecisionTable(state, 'ledger'),
    offences: new LmdbOffenceStore(state),
    decisions: new LmdbDecisionTable(state, 'decisions', outbox),
    outbox,
  };
}
