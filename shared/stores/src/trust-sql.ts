// SQL adapters of the players' stores (PostgreSQL on the real stack, PGlite on the embedded
// runtime and in tests): shared by every replica, so a limit counts every replica's messages, an
// appeal is filed once whichever gateway takes it, and a term list saved anywhere is read
// everywhere. Each write is one statement; the per-message ones are batched (coalesce).
import {
  type AppealOutcome,
  type AppealRecord,
  type AppealStats,
  type AppealStore,
  type ChatTrace,
  coalesce,
  type DecisionEvidence,
  type LimitWindows,
  type PlayerActivity,
  type PlayerOffence,
  type RecentTraffic,
  type ReputationStore,
  sanctionEnd,
  type TermLists,
  type TermListSave,
  type TermListStore,
  type TermListVersion,
} from '@sinbin/contract';
import { roundsByKey } from './postgres';
import type { SqlClient } from './sql';

const iso = (d: Date | string) => new Date(d).toISOString();

// --- Limits -------------------------------------------------------------------------------------

interface Observation {
  trace: ChatTrace;
  since: Date;
  limit: number;
}

interface TraceRow {
  ord: string;
  side: 'c' | 'p';
  game_id: string;
  message_id: string;
  channel_id: string;
  player_id: string;
  at: Date;
  shape: string;
  links: number;
}

export class SqlLimitWindows implements LimitWindows {
  constructor(private readonly db: SqlClient) {}

  private readonly observeOne = coalesce((items: Observation[]) => this.observeMany(items), { maxBatch: 500, maxInFlight: 4 });

  observe(trace: ChatTrace, since: Date, limit: number): Promise<RecentTraffic> {
    return this.observeOne({ trace, since, limit });
  }

  /**
   * Inserts each trace and reads its channel's and player's earlier ones, in one statement per
   * round. The insert is not visible to the statement's reads, so a channel seen twice in a batch
   * goes to a later round, where its second message sees its first.
   */
  async observeMany(items: Observation[]): Promise<RecentTraffic[]> {
    const results: RecentTraffic[] = items.map(() => ({ channel: [], player: [] }));
    for (const round of roundsByKey(items, (i) => `${i.trace.gameId}\u0000${i.trace.channelId}`)) {
      const t = round.map(({ item }) => item);
      const rows = await this.db.query<TraceRow>(
        `with input as (
           select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::int[], $8::timestamptz[], $9::int[])
             with ordinality as t(game_id, message_id, channel_id, player_id, at, shape, links, since, lim, ord)),
         ins as (
           insert into limit_traces (game_id, message_id, channel_id, player_id, at, shape, links)
           select game_id, message_id, channel_id, player_id, at, shape, links from input order by ord
           on conflict do nothing)
         select i.ord, 'c' as side, c.* from input i cross join lateral (
           select game_id, message_id, channel_id, player_id, at, shape, links from limit_traces l
           where l.game_id = i.game_id and l.channel_id = i.channel_id and l.at >= i.since and l.at <= i.at and l.message_id <> i.message_id
           order by l.at desc limit i.lim) c
         union all
         select i.ord, 'p' as side, p.* from input i cross join lateral (
           select game_id, message_id, channel_id, player_id, at, shape, links from limit_traces l
           where l.game_id = i.game_id and l.player_id = i.player_id and l.at >= i.since and l.at <= i.at and l.message_id <> i.message_id
           order by l.at desc limit i.lim) p`,
        [
          t.map((x) => x.trace.gameId),
          t.map((x) => x.trace.messageId),
          t.map((x) => x.trace.channelId),
          t.map((x) => x.trace.playerId),
          t.map((x) => x.trace.at),
          t.map((x) => x.trace.shape),
          t.map((x) => x.trace.links),
          t.map((x) => x.since.toISOString()),
          t.map((x) => x.limit),
        ],
      );
      for (const r of rows.rows) {
        const into = results[round[Number(r.ord) - 1]!.index]!;
        const trace: ChatTrace = { gameId: r.game_id, messageId: r.message_id, channelId: r.channel_id, playerId: r.player_id, at: iso(r.at), shape: r.shape, links: Number(r.links) };
        (r.side === 'c' ? into.channel : into.player).push(trace);
      }
    }
    for (const r of results) {
      r.channel.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
      r.player.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    }
    return results;
  }

  async purge(before: Date): Promise<number> {
    const r = await this.db.query('delete from limit_traces where at < $1', [before]);
    return r.rowCount ?? 0;
  }
}

// --- Reputation -----------------------------------------------------------------------------------

interface OffenceRow {
  offence: PlayerOffence;
  overturned_at: Date | null;
}

const offenceOf = (r: OffenceRow): PlayerOffence => ({
  ...r.offence,
  ...(r.offence.action ? { sanctionUntil: sanctionEnd(r.offence.action, r.offence.at) } : {}),
  ...(r.overturned_at ? { overturnedAt: iso(r.overturned_at) } : {}),
});

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export class SqlReputationStore implements ReputationStore {
  constructor(private readonly db: SqlClient) {}

  private readonly seenOne = coalesce((items: { gameId: string; playerId: string; at: Date }[]) => this.seenMany(items), { maxBatch: 500, maxInFlight: 2 });

  seen(gameId: string, playerId: string, at: Date): Promise<void> {
    return this.seenOne({ gameId, playerId, at });
  }

  /** Counts the messages per player in one upsert (players repeated in a batch are summed first). */
  async seenMany(items: { gameId: string; playerId: string; at: Date }[]): Promise<void[]> {
    await this.db.query(
      `insert into player_activity (game_id, player_id, first_seen, last_seen, messages)
       select game_id, player_id, min(at), max(at), count(*) from unnest($1::text[], $2::text[], $3::timestamptz[]) as t(game_id, player_id, at)
       group by game_id, player_id
       on conflict (game_id, player_id) do update set
         first_seen = least(player_activity.first_seen, excluded.first_seen),
         last_seen = greatest(player_activity.last_seen, excluded.last_seen),
         messages = player_activity.messages + excluded.messages`,
      [items.map((i) => i.gameId), items.map((i) => i.playerId), items.map((i) => i.at.toISOString())],
    );
    return items.map(() => undefined);
  }

  async recordOffence(offence: PlayerOffence, evidence: DecisionEvidence, since: Date): Promise<PlayerOffence[]> {
    // One statement: the insert (once per message), the message counted as seen only when this
    // call inserted it (a redelivery is not a second message), and the player's other offences,
    // read from the snapshot before it.
    const rows = await this.db.query<OffenceRow>(
      `with ins as (
         insert into player_offences (game_id, message_id, player_id, at, offence, evidence)
         values ($1, $2, $3, $4::timestamptz, $5, $6) on conflict do nothing returning 1),
       seen as (
         insert into player_activity (game_id, player_id, first_seen, last_seen, messages)
         select $1, $3, $4::timestamptz, $4::timestamptz, 1 from ins
         on conflict (game_id, player_id) do update set
           first_seen = least(player_activity.first_seen, excluded.first_seen),
           last_seen = greatest(player_activity.last_seen, excluded.last_seen),
           messages = player_activity.messages + 1)
       select offence, overturned_at from player_offences
       where game_id = $1 and player_id = $3 and at >= $7 and message_id <> $2
       order by at desc limit 500`,
      [offence.gameId, offence.messageId, offence.playerId, offence.at, JSON.stringify(withoutUndefined({ ...offence, overturnedAt: undefined, sanctionUntil: undefined })), JSON.stringify(evidence), since],
    );
    return rows.rows.map(offenceOf);
  }

  async player(gameId: string, playerId: string, since: Date, limit: number): Promise<{ activity?: PlayerActivity; offences: PlayerOffence[] }> {
    // One statement: the activity row (offence null, first) and the offences, newest first.
    const rows = await this.db.query<OffenceRow & { first_seen: Date | null; last_seen: Date | null; messages: string | null }>(
      `select null::jsonb as offence, null::timestamptz as overturned_at, first_seen, last_seen, messages, null::timestamptz as at
       from player_activity where game_id = $1 and player_id = $2
       union all
       (select offence, overturned_at, null, null, null, at from player_offences
        where game_id = $1 and player_id = $2 and at >= $3 order by at desc limit $4)
       order by at desc nulls first`,
      [gameId, playerId, since, limit],
    );
    const row = rows.rows.find((r) => r.offence === null);
    return {
      ...(row ? { activity: { firstSeen: iso(row.first_seen!), lastSeen: iso(row.last_seen!), messages: Number(row.messages) } } : {}),
      offences: rows.rows.filter((r) => r.offence !== null).map(offenceOf),
    };
  }

  async offence(gameId: string, messageId: string): Promise<{ offence: PlayerOffence; evidence: DecisionEvidence } | undefined> {
    const r = await this.db.query<OffenceRow & { evidence: DecisionEvidence }>('select offence, overturned_at, evidence from player_offences where game_id = $1 and message_id = $2', [gameId, messageId]);
    const row = r.rows[0];
    return row ? { offence: offenceOf(row), evidence: row.evidence } : undefined;
  }

  async overturn(gameId: string, messageId: string, at: Date): Promise<boolean> {
    const r = await this.db.query('update player_offences set overturned_at = $3 where game_id = $1 and message_id = $2 and overturned_at is null', [gameId, messageId, at]);
    return (r.rowCount ?? 0) > 0;
  }
}

// --- Appeals ------------------------------------------------------------------------------------------

interface AppealRow {
  appeal_id: string;
  game_id: string;
  message_id: string;
  player_id: string;
  case_id: string;
  statement: string;
  filed_at: Date;
  due_at: Date;
  status: AppealRecord['status'];
  decided_at: Date | null;
  decided_by: string | null;
}

const appealOf = (r: AppealRow): AppealRecord => ({
  appealId: r.appeal_id,
  gameId: r.game_id,
  messageId: r.message_id,
  playerId: r.player_id,
  caseId: r.case_id,
  statement: r.statement,
  filedAt: iso(r.filed_at),
  dueAt: iso(r.due_at),
  status: r.status,
  ...(r.decided_at ? { decidedAt: iso(r.decided_at) } : {}),
  ...(r.decided_by ? { decidedBy: r.decided_by } : {}),
});

export class SqlAppealStore implements AppealStore {
  constructor(private readonly db: SqlClient) {}

  async file(a: AppealRecord): Promise<{ created: true } | { created: false; existing: AppealRecord }> {
    const r = await this.db.query(
      `insert into appeals (game_id, message_id, appeal_id, player_id, case_id, statement, filed_at, due_at, status)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'open') on conflict do nothing returning 1`,
      [a.gameId, a.messageId, a.appealId, a.playerId, a.caseId, a.statement, a.filedAt, a.dueAt],
    );
    if ((r.rowCount ?? r.rows.length) > 0) return { created: true };
    const existing = await this.get(a.gameId, a.messageId);
    // Withdrawn between the insert and the read: the caller may file again.
    return existing ? { created: false, existing } : this.file(a);
  }

  async withdraw(gameId: string, messageId: string, appealId: string): Promise<void> {
    await this.db.query(`delete from appeals where game_id = $1 and message_id = $2 and appeal_id = $3 and status = 'open'`, [gameId, messageId, appealId]);
  }

  async get(gameId: string, messageId: string): Promise<AppealRecord | undefined> {
    const r = await this.db.query<AppealRow>('select * from appeals where game_id = $1 and message_id = $2', [gameId, messageId]);
    return r.rows[0] ? appealOf(r.rows[0]) : undefined;
  }

  async resolve(gameId: string, messageId: string, outcome: AppealOutcome, by: string | undefined, at: Date): Promise<boolean> {
    const r = await this.db.query(`update appeals set status = $3, decided_at = $4, decided_by = $5 where game_id = $1 and message_id = $2 and status = 'open'`, [gameId, messageId, outcome, at, by ?? null]);
    return (r.rowCount ?? 0) > 0;
  }

  async stats(q: { since: Date; until: Date; games?: readonly string[] }): Promise<AppealStats> {
    const r = await this.db.query<{ status: AppealRecord['status']; n: string }>(
      `select status, count(*) as n from appeals where filed_at >= $1 and filed_at < $2 and ($3::text[] is null or game_id = any($3::text[])) group by status`,
      [q.since, q.until, q.games ? [...q.games] : null],
    );
    const stats: AppealStats = { filed: 0, open: 0, upheld: 0, overturned: 0, lapsed: 0 };
    for (const row of r.rows) {
      stats[row.status] = Number(row.n);
      stats.filed += Number(row.n);
    }
    return stats;
  }
}

// --- Term lists ---------------------------------------------------------------------------------------

interface VersionRow {
  game_id: string;
  version: number;
  lists: TermLists;
  content_hash: string;
  created_at: Date;
  created_by: string;
  note: string | null;
}

const versionOf = (r: VersionRow): TermListVersion => ({
  gameId: r.game_id,
  version: Number(r.version),
  lists: r.lists,
  contentHash: r.content_hash,
  createdAt: iso(r.created_at),
  createdBy: r.created_by,
  ...(r.note ? { note: r.note } : {}),
});

export class SqlTermListStore implements TermListStore {
  constructor(private readonly db: SqlClient) {}

  async save(gameId: string, lists: TermLists, meta: { by: string; note?: string; contentHash: string; now: Date; expected: number | null }): Promise<TermListSave> {
    // The next number only if the latest is still the expected one; of two racing saves the
    // primary key lets one in.
    const r = await this.db.query<VersionRow>(
      `insert into term_list_versions (game_id, version, lists, content_hash, created_at, created_by, note)
       select $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6 from term_list_versions where game_id = $1
       having coalesce(max(version), 0) = $7
       on conflict do nothing returning *`,
      [gameId, JSON.stringify(lists), meta.contentHash, meta.now, meta.by, meta.note ?? null, meta.expected ?? 0],
    );
    if (r.rows[0]) return { status: 'saved', version: versionOf(r.rows[0]) };
    return { status: 'conflict', current: (await this.latest(gameId))?.version ?? null };
  }

  async latest(gameId: string): Promise<TermListVersion | undefined> {
    const r = await this.db.query<VersionRow>('select * from term_list_versions where game_id = $1 order by version desc limit 1', [gameId]);
    return r.rows[0] ? versionOf(r.rows[0]) : undefined;
  }

  async get(gameId: string, version: number): Promise<TermListVersion | undefined> {
    const r = await this.db.query<VersionRow>('select * from term_list_versions where game_id = $1 and version = $2', [gameId, version]);
    return r.rows[0] ? versionOf(r.rows[0]) : undefined;
  }

  async history(gameId: string, opts: { limit: number; before?: number }): Promise<TermListVersion[]> {
    const r = await this.db.query<VersionRow>('select * from term_list_versions where game_id = $1 and ($2::int is null or version < $2) order by version desc limit $3', [gameId, opts.before ?? null, opts.limit]);
    return r.rows.map(versionOf);
  }

  async heads(): Promise<Record<string, number>> {
    const r = await this.db.query<{ game_id: string; version: number }>('select game_id, max(version) as version from term_list_versions group by game_id');
    return Object.fromEntries(r.rows.map((row) => [row.game_id, Number(row.version)]));
  }
}
