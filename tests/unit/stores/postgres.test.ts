// The PostgreSQL adapters of the pipeline stores (run here on PGlite, the same SQL), beyond the
// store contract: concurrent calls share statements (group commit), and migrations apply once.
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePGlite, openPGlite, PostgresContextStore, PostgresDecisionTable, type SqlClient } from '@sinbin/stores';
import { finalDecision, iso } from '../../helpers/events';

let db: PGlite;
// PGlite boots its Postgres in WebAssembly: seconds on a loaded machine.
beforeAll(async () => {
  db = await openPGlite();
}, 120_000);
afterAll(async () => db.close());

/** The database, counting the statements sent to it. */
function counting(inner: SqlClient): SqlClient & { statements: number } {
  const client = {
    statements: 0,
    query(text: string, params?: unknown[]) {
      client.statements++;
      return inner.query(text, params);
    },
  };
  return client;
}

describe('PostgreSQL store adapters', () => {
  it('concurrent appends of many channels share a few statements instead of one each', async () => {
    const sql = counting(db);
    const context = new PostgresContextStore(sql);
    const calls = Array.from({ length: 200 }, (_, i) => context.append(`g/batch-${i % 20}`, { messageId: `b-${i}`, playerId: 'p', text: `line ${i}`, sentAt: iso(i) }));
    await Promise.all(calls);
    expect(sql.statements).toBeGreaterThan(0);
    expect(sql.statements).toBeLessThanOrEqual(8);
    expect((await context.recent('g/batch-3', 100)).map((l) => l.messageId)).toEqual(Array.from({ length: 10 }, (_, k) => `b-${3 + 20 * k}`));
  });

  it('concurrent putIfAbsent of the same message: one decision holds, every caller sees it', async () => {
    const sql = counting(db);
    const ledger = new PostgresDecisionTable(sql, 'decision_ledger');
    const first = finalDecision({ messageId: 'race-1', verdict: 'block' });
    const second = finalDecision({ messageId: 'race-1', verdict: 'allow' });
    const outcomes = await Promise.all([ledger.putIfAbsent(first), ledger.putIfAbsent(second), ledger.putIfAbsent(first)]);
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    const held = outcomes.find((o) => o.created)!.decision;
    for (const o of outcomes) expect(o.decision).toEqual(held);
    expect(sql.statements).toBeLessThan(3);
  });

  it('applies each migration once', async () => {
    expect(await migratePGlite(db)).toEqual([]);
  });
});
