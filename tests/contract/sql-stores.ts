// The SQL adapters of the store contract's stores on one database: PGlite in the unit project,
// a PostgreSQL pool in the integration project.
import { PostgresContextStore, PostgresDecisionTable, PostgresOffenceStore, PostgresWebhookOutbox } from '@sinbin/stores';
import type { StoreUnderTest } from './store-suite';

export function sqlStoresUnderTest(db: ConstructorParameters<typeof PostgresContextStore>[0]): StoreUnderTest {
  return {
    context: new PostgresContextStore(db),
    ledger: new PostgresDecisionTable(db, 'decision_ledger'),
    offences: new PostgresOffenceStore(db),
    outbox: new PostgresWebhookOutbox(db),
    decisions: new PostgresDecisionTable(db, 'final_decisions'),
  };
}
