// PostgreSQL (and PGlite) adapters of the per-decision stores: the decision manager's ledger and
// offences, the gateway's decisions read model and its webhook outbox. Each write is a single
// idempotent statement; the hot ones batch concurrent calls (coalesce).
import { coalesce, type DecisionLedger, type DecisionStore, type FinalDecision, type OffenceStore, type WebhookOutbox } from '@sinbin/contract';
import type { SqlClient as Sql } from './sql';

/** One table per role: the ledger (decision manager) and the read model (gateway). */
export class PostgresDecisionTable implements DecisionLedger, DecisionStore {
  constructor(
    private readonly db: Sql,
    private readonly table: 'decision_ledger' | 'final_decisions',
  ) {}

  async get(gameId: string, messageId: string): Promise<FinalDecision | undefined> {
    const r = await this.db.query(`select decision from ${this.table} where game_id = $1 and message_id = $2`, [gameId, messageId]);
    return r.rows[0]?.decision;
  }

  async getMany(gameId: string, messageIds: readonly string[]): Promise<FinalDecision[]> {
    if (messageIds.length === 0) return [];
    const r = await this.db.query(`select decision from ${this.table} where game_id = $1 and message_id = any($2::text[])`, [gameId, [...messageIds]]);
    return r.rows.map((row: { decision: FinalDecision }) => row.decision);
  }

  // Concurrent calls share one statement; see putManyIfAbsent.
  private readonly putOne = coalesce((decisions: FinalDecision[]) => this.putManyIfAbsent(decisions), { maxBatch: 500, maxInFlight: 4 });

  putIfAbsent(decision: FinalDecision): Promise<{ decision: FinalDecision; created: boolean }> {
    return this.putOne(decision);
  }

  /** Inserts the decisions not stored yet; for the others returns the one stored first. */
  async putManyIfAbsent(decisions: FinalDecision[]): Promise<{ decision: FinalDecision; created: boolean }[]> {
    const keyOf = (d: { gameId: string; messageId: string }) => `${d.gameId}\u0000${d.messageId}`;
    // The first of several calls for one message in the batch is the one that may create it.
    const firstIndex = new Map<string, number>();
    decisions.forEach((d, i) => {
      if (!firstIndex.has(keyOf(d))) firstIndex.set(keyOf(d), i);
    });
    const unique = [...firstIndex.values()].map((i) => decisions[i]!);
    const inserted = await this.db.query<{ game_id: string; message_id: string }>(
      `insert into ${this.table} (game_id, message_id, decision)
       select * from unnest($1::text[], $2::text[], $3::jsonb[])
       on conflict do nothing returning game_id, message_id`,
      [unique.map((d) => d.gameId), unique.map((d) => d.messageId), unique.map((d) => JSON.stringify(d))],
    );
    const created = new Set(inserted.rows.map((r) => keyOf({ gameId: r.game_id, messageId: r.message_id })));
    const existing = new Map<string, FinalDecision>();
    const missing = unique.filter((d) => !created.has(keyOf(d)));
    if (missing.length > 0) {
      const found = await this.db.query<{ game_id: string; message_id: string; decision: FinalDecision }>(
        `select game_id, message_id, t.decision from ${this.table} t join unnest($1::text[], $2::text[]) as k(game_id, message_id) using (game_id, message_id)`,
        [missing.map((d) => d.gameId), missing.map((d) => d.messageId)],
      );
      for (const r of found.rows) existing.set(keyOf({ gameId: r.game_id, messageId: r.message_id }), r.decision);
    }
    return decisions.map((d, i) => {
      const key = keyOf(d);
      if (created.has(key)) return firstIndex.get(key) === i ? { decision: d, created: true } : { decision: decisions[firstIndex.get(key)!]!, created: false };
      return { decision: existing.get(key) ?? d, created: false };
    });
  }

  async put(decision: FinalDecision): Promise<boolean> {
    return (await this.putIfAbsent(decision)).created;
  }

  // Concurrent calls share one statement; see putManyOwed.
  private readonly owedOne = coalesce((entries: { decision: FinalDecision; owed: boolean }[]) => this.putManyOwed(entries), { maxBatch: 500, maxInFlight: 4 });

  putOwed(decision: FinalDecision, owed: boolean): Promise<boolean> {
    return this.owedOne({ decision, owed });
  }

  /**
   * Stores the decisions not stored yet and adds the new owed ones to the webhook outbox, in one
   * statement (one transaction): whether each was stored by this call. Of several entries for one
   * message, the first is the one that may store it.
   */
  async putManyOwed(entries: readonly { decision: FinalDecision; owed: boolean }[]): Promise<boolean[]> {
    const keyOf = (d: { gameId: string; messageId: string }) => `${d.gameId}\u0000${d.messageId}`;
    const firstIndex = new Map<string, number>();
    entries.forEach(({ decision }, i) => {
      if (!firstIndex.has(keyOf(decision))) firstIndex.set(keyOf(decision), i);
    });
    const unique = [...firstIndex.values()].map((i) => entries[i]!);
    const stored = await this.db.query<{ game_id: string; message_id: string }>(
      `with input as (
         select * from unnest($1::text[], $2::text[], $3::jsonb[], $4::boolean[]) as t(game_id, message_id, decision, owed)),
       ins as (
         insert into ${this.table} (game_id, message_id, decision)
         select game_id, message_id, decision from input
         on conflict do nothing returning game_id, message_id),
       owe as (
         insert into webhook_outbox (game_id, message_id, decision)
         select i.game_id, i.message_id, i.decision from input i join ins using (game_id, message_id) where i.owed
         on conflict do nothing)
       select game_id, message_id from ins`,
      [unique.map((e) => e.decision.gameId), unique.map((e) => e.decision.messageId), unique.map((e) => JSON.stringify(e.decision)), unique.map((e) => e.owed)],
    );
    const created = new Set(stored.rows.map((r) => keyOf({ gameId: r.game_id, messageId: r.message_id })));
    return entries.map(({ decision }, i) => created.has(keyOf(decision)) && firstIndex.get(keyOf(decision)) === i);
  }

  /** A revised decision replaces the stored one (or is stored) unless that holds this revision or a later one. */
  async revise(decision: FinalDecision): Promise<boolean> {
    const r = await this.db.query(
      `insert into ${this.table} (game_id, message_id, decision) values ($1, $2, $3)
       on conflict (game_id, message_id) do update set decision = excluded.decision
       where coalesce((${this.table}.decision->'revision'->>'number')::int, 0) < $4
       returning 1`,
      [decision.gameId, decision.messageId, JSON.stringify(decision), decision.revision?.number ?? 0],
    );
    return (r.rowCount ?? r.rows.length) > 0;
  }
}

/**
 * Offences are counted up to this many: escalation ladders end far below it, and a flooding
 * player would otherwise make every count scan their whole window.
 */
export const OFFENCES_COUNTED = 1000;

export class PostgresOffenceStore implements OffenceStore {
  constructor(private readonly db: Sql) {}

  async record(gameId: string, playerId: string, messageId: string, at: Date, windowMs: number): Promise<number> {
    // One round trip: earlier offences in the window, plus this one (new or already recorded).
    const r = await this.db.query<{ n: string }>(
      `with ins as (
         insert into offences (game_id, player_id, message_id, at) values ($1, $2, $3, $4) on conflict do nothing returning 1)
       select count(*) + 1 as n from (
         select 1 from offences where game_id = $1 and player_id = $2 and at >= $5 and message_id <> $3 limit ${OFFENCES_COUNTED - 1}) earlier`,
      [gameId, playerId, messageId, at, new Date(at.getTime() - windowMs)],
    );
    return Number(r.rows[0]!.n);
  }

  async count(gameId: string, playerId: string, at: Date, windowMs: number): Promise<number> {
    const r = await this.db.query<{ n: string }>(
      `select count(*) as n from (
         select 1 from offences where game_id = $1 and player_id = $2 and at >= $3 and at <= $4 limit ${OFFENCES_COUNTED}) window_offences`,
      [gameId, playerId, new Date(at.getTime() - windowMs), at],
    );
    return Number(r.rows[0]!.n);
  }

  async forget(gameId: string, playerId: string, messageId: string): Promise<void> {
    await this.db.query('delete from offences where game_id = $1 and player_id = $2 and message_id = $3', [gameId, playerId, messageId]);
  }
}

export class PostgresWebhookOutbox implements WebhookOutbox {
  constructor(private readonly db: Sql) {}

  async add(decision: FinalDecision): Promise<void> {
    await this.db.query('insert into webhook_outbox (game_id, message_id, decision) values ($1, $2, $3) on conflict do nothing', [decision.gameId, decision.messageId, JSON.stringify(decision)]);
  }

  async pending(limit: number): Promise<FinalDecision[]> {
    const r = await this.db.query<{ decision: FinalDecision }>('select decision from webhook_outbox order by added_at limit $1', [limit]);
    return r.rows.map((row) => row.decision);
  }

  async remove(gameId: string, messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.db.query('delete from webhook_outbox where game_id = $1 and message_id = any($2::text[])', [gameId, [...messageIds]]);
  }
}
