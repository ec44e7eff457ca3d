// PostgreSQL adapters of the store ports, for the real stack: state survives restarts and is
// shared by every instance of a function. Each write is a single idempotent statement.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { coalesce, type ContextStore, type StoredContextLine } from '@sinbin/contract';
import { MIGRATIONS } from './schema';
import type { SqlClient } from './sql';

/** What the adapters query through: a pg.Pool here, PGlite on the embedded runtime. */
export type Sql = SqlClient;

// The moderation stores are plain SQL shared with PGlite (cases-sql.ts); the ledger, offences, the
// gateway's decisions and its outbox are in decisions-sql.ts.
export { SqlCaseStore as PostgresCaseStore, SqlModeratorStore as PostgresModeratorStore } from './cases-sql';

/**
 * synchronous_commit=off: a commit returns before its WAL reaches disk (flushed within ~0.6 s).
 * It triples write throughput on one disk, which the per-message stores need. A crash of
 * PostgreSQL itself can lose those last writes, so nothing may be acknowledged on them (a topic
 * offset, a published output) before a WAL barrier (walBarrier) has passed.
 */
export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 10_000, options: '-c synchronous_commit=off' });
  // An idle connection the server closes (a restart, a failover, an administrator) is an 'error' event
  // on the pool; unhandled, it would end the process. The pool drops that connection and the next
  // query opens a new one, so there is nothing else to do; a query that fails meanwhile reports itself.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Resolves once every write this process committed before the call is on disk. The WAL is one
 * ordered stream, so a transaction committed with synchronous_commit=on flushes every earlier
 * asynchronous commit with it: one such fence covers all the writes finished before it began.
 * Callers share fences (one runs at a time, the next one covers everyone who asked meanwhile),
 * so a busy function pays one fsync per batch of deliveries, not one per write.
 */
export function walBarrier(pool: Pick<pg.Pool, 'query'>): () => Promise<void> {
  // One statement, its own transaction: synchronous_commit is set for it alone (set_config's
  // is_local), and no transaction block can be left open on a pooled connection if it fails. It
  // must write WAL, or its commit does not wait for the flush (a transaction id alone is not
  // enough, measured): a logical-decoding message is one small WAL record, touches no table, and
  // any role may emit one.
  const fence = async () => {
    await pool.query("select set_config('synchronous_commit', 'on', true), pg_logical_emit_message(true, 'sinbin-wal-barrier', '')");
  };
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  return () => {
    if (queued) return queued;
    // A fence already running may have begun before this caller's writes finished: wait for the next.
    const next = (running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        running = next;
        return fence();
      })
      .finally(() => {
        if (running === next) running = undefined;
      });
    queued = next;
    return next;
  };
}

/**
 * The pool as a client whose statements are named: each connection parses and plans a statement
 * once, then reuses it. The batched store statements are a handful of texts run hundreds of
 * times a second, and planning the context recall cost more than running it. Only for statements
 * with a fixed text (values go in parameters), or the cache of names would grow without end.
 * Behind PgBouncer this needs session pooling, or a version that tracks prepared statements (1.21+).
 */
export function namedStatements(pool: pg.Pool): Sql {
  const names = new Map<string, string>();
  return {
    query<R>(text: string, params?: unknown[]) {
      let name = names.get(text);
      if (name === undefined) {
        // Named by content: two clients on one pool never give one name to different texts.
        name = `sinbin_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
        names.set(text, name);
      }
      return pool.query<R & pg.QueryResultRow>({ name, text, values: params });
    },
  };
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

  // Concurrent appends (many channels at once) share one insert.
  private readonly appendOne = coalesce((items: { channelKey: string; line: StoredContextLine }[]) => this.appendMany(items), { maxBatch: 500, maxInFlight: 4 });

  append(channelKey: string, line: StoredContextLine): Promise<void> {
    return this.appendOne({ channelKey, line });
  }

  /** Appends the lines in order, skipping any already stored (a redelivery). */
  async appendMany(items: { channelKey: string; line: StoredContextLine }[]): Promise<void[]> {
    await this.db.query(
      `insert into channel_context (channel_key, message_id, player_id, body, sent_at)
       select channel_key, message_id, player_id, body, sent_at
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) with ordinality as t(channel_key, message_id, player_id, body, sent_at, ord)
       order by ord
       on conflict do nothing`,
      lineColumns(items),
    );
    await this.trimSome(items);
    return items.map(() => undefined);
  }

  /** Drops all but the newest CONTEXT_KEPT lines of each channel. */
  private async trim(channelKeys: string[]): Promise<void> {
    await this.db.query(
      `delete from channel_context c using unnest($1::text[]) as k(channel_key)
       where c.channel_key = k.channel_key and c.seq < (
         select seq from channel_context where channel_key = k.channel_key order by seq desc offset $2 limit 1)`,
      [channelKeys, CONTEXT_KEPT - 1],
    );
  }

  // Concurrent calls (many channels at once) share one statement; see appendAndRecallMany.
  private readonly appendAndRecallOne = coalesce((items: ContextAppend[]) => this.appendAndRecallMany(items), { maxBatch: 500, maxInFlight: 4 });

  appendAndRecall(channelKey: string, line: StoredContextLine, limit: number): Promise<StoredContextLine[]> {
    return this.appendAndRecallOne({ channelKey, line, limit });
  }

  /**
   * Appends each line and returns the lines before it in its channel, as if the calls ran one
   * after another in order. One statement per round: the insert is not visible to the select's
   * snapshot, so a first delivery gets the lines before it and a redelivery (row already there)
   * the lines before its seq. A channel that appears twice goes in a later round, so its second
   * line sees its first.
   */
  async appendAndRecallMany(items: ContextAppend[]): Promise<StoredContextLine[][]> {
    const results: StoredContextLine[][] = items.map(() => []);
    for (const round of roundsByKey(items, (i) => i.channelKey)) {
      const rows = await this.db.query<{ ord: string } & ContextRow>(
        `with input as (
           select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[])
             with ordinality as t(channel_key, message_id, player_id, body, sent_at, lim, ord)),
         ins as (
           insert into channel_context (channel_key, message_id, player_id, body, sent_at)
           select channel_key, message_id, player_id, body, sent_at from input order by ord
           on conflict do nothing)
         select i.ord, c.message_id, c.player_id, c.body, c.sent_at from input i
         cross join lateral (
           select message_id, player_id, body, sent_at, seq from channel_context c
           where c.channel_key = i.channel_key and c.message_id <> i.message_id
             and c.seq < coalesce((select seq from channel_context where channel_key = i.channel_key and message_id = i.message_id), 9223372036854775807)
           order by c.seq desc limit i.lim) c
         order by i.ord, c.seq`,
        [...lineColumns(round.map(({ item }) => item)), round.map(({ item }) => item.limit)],
      );
      for (const row of rows.rows) results[round[Number(row.ord) - 1]!.index]!.push(toLine(row));
    }
    await this.trimSome(items);
    return results;
  }

  /** Trims a few of the channels written to, now and then rather than on every insert. */
  private async trimSome(items: readonly { channelKey: string }[]): Promise<void> {
    const trim = new Set(items.filter(() => Math.random() < 0.02).map((i) => i.channelKey));
    if (trim.size > 0) await this.trim([...trim]);
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

interface ContextAppend {
  channelKey: string;
  line: StoredContextLine;
  limit: number;
}

/** The lines as the column arrays the context statements unnest: key, id, player, text, sent at. */
function lineColumns(items: readonly { channelKey: string; line: StoredContextLine }[]): unknown[][] {
  return [
    items.map((i) => i.channelKey),
    items.map((i) => i.line.messageId),
    items.map((i) => i.line.playerId ?? null),
    items.map((i) => i.line.text),
    items.map((i) => i.line.sentAt),
  ];
}

interface ContextRow {
  message_id: string;
  player_id: string | null;
  body: string;
  sent_at: Date;
}

/**
 * Splits items into rounds in which every key appears at most once, keeping each key's items in
 * order (its n-th item goes to round n). Each entry keeps its index in the original list.
 */
export function roundsByKey<T>(items: readonly T[], keyOf: (item: T) => string): { item: T; index: number }[][] {
  const rounds: { item: T; index: number }[][] = [];
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    (rounds[n] ??= []).push({ item, index });
  });
  return rounds;
}

function toLine(r: ContextRow): StoredContextLine {
  return { messageId: r.message_id, ...(r.player_id ? { playerId: r.player_id } : {}), text: r.body, sentAt: new Date(r.sent_at).toISOString() };
}
