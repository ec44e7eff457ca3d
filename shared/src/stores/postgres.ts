// PostgreSQL adapters of the store ports, for the real stack: state survives restarts and is
// shared by every instance of a function. Each write is a single idempotent statement.
import pg from 'pg';
import type { FinalDecision } from '../events';
import type { ContextStore, DecisionLedger, DecisionStore, OffenceStore, StoredContextLine } from '../ports';
import { MIGRATIONS } from './schema';
import type { SqlClient } from './sql';

/** What the adapters query through: a pg.Pool here, PGlite on the embedded runtime. */
export type Sql = SqlClient;

// The moderation stores are plain SQL shared with PGlite (cases-sql.ts).
export { SqlCaseStore as PostgresCaseStore, SqlModeratorStore as PostgresModeratorStore } from './cases-sql';

/**
 * synchronous_commit=off: a commit returns before its WAL reaches disk (flushed within ~0.6 s).
 * A crash of the application loses nothing; a crash of PostgreSQL itself can lose the last
 * fraction of a second of writes, which redelivery from Kafka then rewrites. It triples write
 * throughput on one disk, which the per-message stores need.
 */
export function createPool(url: string, max = 10): pg.Pool {
  return new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 10_000, options: '-c synchronous_commit=off' });
}

/** Applies pending migrations under an advisory lock, so concurrent starters don't race. */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock(4242001)');
    await client.query('create table if not exists schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())');
    const done = new Set((await client.query<{ version: number }>('select version from schema_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query('begin');
      try {
        await client.query(m.sql);
        await client.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
        await client.query('commit');
        applied.push(m.version);
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    }
    return applied;
  } finally {
    await client.query('select pg_advisory_unlock(4242001)').catch(() => undefined);
    client.release();
  }
}

const CONTEXT_KEPT = 50;

export class PostgresContextStore implements ContextStore {
  constructor(private readonly db: Sql) {}

  async append(channelKey: string, line: StoredContextLine): Promise<void> {
    const inserted = await this.db.query(
      `insert into channel_context (channel_key, message_id, player_id, body, sent_at) values ($1, $2, $3, $4, $5)
       on conflict do nothing`,
      [channelKey, line.messageId, line.playerId ?? null, line.text, line.sentAt],
    );
    // Trim now and then rather than on every insert.
    if (inserted.rowCount && Math.random() < 0.05) {
      await this.db.query(
        `delete from channel_context where channel_key = $1 and seq < (
           select seq from channel_context where channel_key = $1 order by seq desc offset $2 limit 1)`,
        [channelKey, CONTEXT_KEPT - 1],
      );
    }
  }

  async appendAndRecall(channelKey: string, line: StoredContextLine, limit: number): Promise<StoredContextLine[]> {
    // One round trip: the insert is not visible to the select's snapshot, so a first delivery
    // gets the lines before it, and a redelivery (row already there) the lines before its seq.
    const rows = await this.db.query(
      `with ins as (
         insert into channel_context (channel_key, message_id, player_id, body, sent_at) values ($1, $2, $3, $4, $5)
         on conflict do nothing returning 1)
       select message_id, player_id, body, sent_at from channel_context
       where channel_key = $1 and message_id <> $2
         and seq < coalesce((select seq from channel_context where channel_key = $1 and message_id = $2), 9223372036854775807)
       order by seq desc limit $6`,
      [channelKey, line.messageId, line.playerId ?? null, line.text, line.sentAt, limit],
    );
    if (Math.random() < 0.02) {
      await this.db.query(
        `delete from channel_context where channel_key = $1 and seq < (
           select seq from channel_context where channel_key = $1 order by seq desc offset $2 limit 1)`,
        [channelKey, CONTEXT_KEPT - 1],
      );
    }
    return rows.rows.reverse().map(toLine);
  }

  async recent(channelKey: string, limit: number, beforeMessageId?: string): Promise<StoredContextLine[]> {
    const rows = await this.db.query(
      `select message_id, player_id, body, sent_at from channel_context
       where channel_key = $1 and ($2::text is null or seq < coalesce((select seq from channel_context where channel_key = $1 and message_id = $2), 9223372036854775807))
       order by seq desc limit $3`,
      [channelKey, beforeMessageId ?? null, limit],
    );
    return rows.rows.reverse().map(toLine);
  }

  async after(channelKey: string, messageId: string, limit: number): Promise<StoredContextLine[]> {
    const rows = await this.db.query(
      `select message_id, player_id, body, sent_at from channel_context
       where channel_key = $1 and seq > (select seq from channel_context where channel_key = $1 and message_id = $2)
       order by seq asc limit $3`,
      [channelKey, messageId, limit],
    );
    return rows.rows.map(toLine);
  }
}

function toLine(r: { message_id: string; player_id: string | null; body: string; sent_at: Date }): StoredContextLine {
  return { messageId: r.message_id, ...(r.player_id ? { playerId: r.player_id } : {}), text: r.body, sentAt: new Date(r.sent_at).toISOString() };
}

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

  async putIfAbsent(decision: FinalDecision): Promise<{ decision: FinalDecision; created: boolean }> {
    const inserted = await this.db.query(`insert into ${this.table} (game_id, message_id, decision) values ($1, $2, $3) on conflict do nothing`, [
      decision.gameId,
      decision.messageId,
      JSON.stringify(decision),
    ]);
    if (inserted.rowCount === 1) return { decision, created: true };
    return { decision: (await this.get(decision.gameId, decision.messageId)) ?? decision, created: false };
  }

  async put(decision: FinalDecision): Promise<boolean> {
    return (await this.putIfAbsent(decision)).created;
  }
}

export class PostgresOffenceStore implements OffenceStore {
  constructor(private readonly db: Sql) {}

  async record(gameId: string, playerId: string, messageId: string, at: Date, windowMs: number): Promise<number> {
    // One round trip: earlier offences in the window, plus this one (new or already recorded).
    const r = await this.db.query<{ n: string }>(
      `with ins as (
         insert into offences (game_id, player_id, message_id, at) values ($1, $2, $3, $4) on conflict do nothing returning 1)
       select count(*) + 1 as n from offences where game_id = $1 and player_id = $2 and at >= $5 and message_id <> $3`,
      [gameId, playerId, messageId, at, new Date(at.getTime() - windowMs)],
    );
    return Number(r.rows[0]!.n);
  }
}
