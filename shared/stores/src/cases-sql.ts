// SQL adapters of the moderation ports (cases, moderator accounts, sessions, audit log). The same
// statements run on PostgreSQL (real stack) and PGlite (embedded runtime). Every state change is
// one conditional statement, so the database arbitrates concurrent moderators; the audit entry of
// a moderator action is written by the same statement (a data-modifying CTE), so an action and
// its entry exist together or not at all.
import type {
  AuditEntry,
  CaseRank,
  CaseStore,
  ClaimOutcome,
  DecideOptions,
  DecideOutcome,
  ModerationCase,
  ModerationResult,
  ModeratorAccount,
  ModeratorRole,
  ModeratorSession,
  ModeratorStore,
  PlayerHistory,
  QueueCounts,
  QueuedCase,
  ReviewStats,
  StoredCase,
  UndoOutcome,
} from '@sinbin/contract';
import type { SqlClient } from './sql';
import { historyOutcome, reviewStatsFrom } from './case-history';

/** The start of the `$3`-second bucket (aligned to the epoch) that a timestamp falls in. */
const bucketOf = (column: string) => `to_timestamp(floor(extract(epoch from ${column})::float8 / $3::float8) * $3::float8)`;

const iso = (d: Date | string | null | undefined): string | undefined => (d === null || d === undefined ? undefined : new Date(d).toISOString());

interface CaseRow {
  case_id: string;
  body: ModerationCase;
  status: StoredCase['status'];
  result: ModerationResult | null;
  published: boolean | null;
  claimed_by: string | null;
  lease_until: Date | string | null;
  decided_by: string | null;
  undo_until: Date | string | null;
}

/** The claim of a row if it is still live at `now`. */
function liveClaim(row: Pick<CaseRow, 'claimed_by' | 'lease_until'>, now: Date): { moderatorId: string; until: string } | undefined {
  if (!row.claimed_by || !row.lease_until || new Date(row.lease_until).getTime() <= now.getTime()) return undefined;
  return { moderatorId: row.claimed_by, until: iso(row.lease_until)! };
}

export class SqlCaseStore implements CaseStore {
  constructor(private readonly db: SqlClient) {}

  async open(c: ModerationCase, rank?: CaseRank): Promise<{ created: boolean }> {
    const r = await this.db.query(
      `insert into moderation_cases (case_id, game_id, player_id, status, body, opened_at, due_at, rank_at, prior_cases, prior_blocks)
       values ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9) on conflict do nothing returning case_id`,
      [c.caseId, c.message.gameId, c.message.playerId, JSON.stringify(c), c.openedAt, c.dueAt, rank?.rankAt ?? c.openedAt, rank?.priorCases ?? 0, rank?.priorBlocks ?? 0],
    );
    return { created: r.rows.length === 1 };
  }

  async get(caseId: string, now = new Date()): Promise<StoredCase | undefined> {
    const r = await this.db.query<CaseRow>(
      'select case_id, body, status, result, published, claimed_by, lease_until, decided_by, undo_until from moderation_cases where case_id = $1',
      [caseId],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const claim = row.status === 'pending' ? liveClaim(row, now) : undefined;
    return {
      case: row.body,
      status: row.status,
      ...(row.result ? { result: row.result } : {}),
      ...(row.published !== null ? { published: row.published } : {}),
      ...(claim ? { claim } : {}),
      ...(row.undo_until && row.published === false ? { undoUntil: iso(row.undo_until)! } : {}),
    };
  }

  async listPending(filter: { gameId?: string; limit: number }): Promise<ModerationCase[]> {
    const r = await this.db.query(
      `select body from moderation_cases where status = 'pending' and ($1::text is null or game_id = $1) order by opened_at limit $2`,
      [filter.gameId ?? null, filter.limit],
    );
    return r.rows.map((row) => row.body);
  }

  async countPending(gameId?: string): Promise<number> {
    const r = await this.db.query<{ n: string | number }>(`select count(*) as n from moderation_cases where status = 'pending' and ($1::text is null or game_id = $1)`, [
      gameId ?? null,
    ]);
    return Number(r.rows[0]!.n);
  }

  async queue(filter: { gameId?: string; games?: readonly string[]; limit: number; now: Date; viewer?: string }): Promise<QueuedCase[]> {
    // Separate texts rather than `($1 is null or game_id = $1)`, so each can use its own partial index.
    const params: unknown[] = [filter.now, filter.viewer ?? null, filter.limit];
    let where = '';
    if (filter.gameId !== undefined) where += ` and game_id = $${params.push(filter.gameId)}`;
    if (filter.games !== undefined) where += ` and game_id = any($${params.push([...filter.games])}::text[])`;
    const r = await this.db.query<CaseRow & { rank_at: Date | string; prior_cases: number; prior_blocks: number }>(
      `select body, rank_at, prior_cases, prior_blocks, claimed_by, lease_until from moderation_cases
       where status = 'pending'${where}
         and (claimed_by is null or lease_until <= $1 or claimed_by = $2)
       order by rank_at, case_id limit $3`,
      params,
    );
    return r.rows.map((row) => {
      const claim = liveClaim(row, filter.now);
      return { case: row.body, rankAt: iso(row.rank_at)!, priorCases: Number(row.prior_cases), priorBlocks: Number(row.prior_blocks), ...(claim ? { claim } : {}) };
    });
  }

  async counts(now: Date): Promise<QueueCounts> {
    const games = await this.db.query<{ game_id: string; pending: number; claimed: number; oldest: Date | string }>(
      `select game_id, count(*)::int as pending,
              count(*) filter (where claimed_by is not null and lease_until > $1)::int as claimed,
              min(opened_at) as oldest
       from moderation_cases where status = 'pending' group by game_id order by game_id`,
      [now],
    );
    const outbox = await this.db.query<{ game_id: string; n: number }>('select game_id, count(*)::int as n from moderation_cases where published = false group by game_id');
    const byGame = games.rows.map((g) => ({ gameId: g.game_id, pending: Number(g.pending), claimed: Number(g.claimed), oldestOpenedAt: iso(g.oldest)! }));
    const oldest = byGame.map((g) => g.oldestOpenedAt).sort()[0];
    const awaitingByGame = Object.fromEntries(outbox.rows.map((r) => [r.game_id, Number(r.n)]));
    return {
      pending: byGame.reduce((n, g) => n + g.pending, 0),
      claimed: byGame.reduce((n, g) => n + g.claimed, 0),
      ...(oldest ? { oldestOpenedAt: oldest } : {}),
      awaitingPublish: Object.values(awaitingByGame).reduce((n, x) => n + x, 0),
      byGame,
      awaitingByGame,
    };
  }

  async reviewStats(q: { since: Date; until: Date; bucketSeconds: number; games?: readonly string[] }): Promise<ReviewStats> {
    const scope = q.games === undefined ? '' : ' and game_id = any($4::text[])';
    const params = [q.since, q.until, q.bucketSeconds, ...(q.games === undefined ? [] : [[...q.games]])];
    const verdicts = await this.db.query<{ bucket: Date | string; moderator: string; decided: number; blocked: number; agreed: number }>(
      `select ${bucketOf('closed_at')} as bucket, decided_by as moderator, count(*)::int as decided,
              count(*) filter (where result->>'verdict' = 'block')::int as blocked,
              count(*) filter (where result->>'verdict' = body->>'provisionalVerdict')::int as agreed
       from moderation_cases
       where status = 'decided' and result->>'resolution' = 'moderator' and closed_at >= $1 and closed_at < $2${scope}
       group by 1, 2 order by 1, 2`,
      params,
    );
    const lapsed = await this.db.query<{ lapse: string; n: number }>(
      `select coalesce(result->>'lapse', 'model') as lapse, count(*)::int as n from moderation_cases
       where status = 'expired' and closed_at >= $1 and closed_at < $2 and $3::float8 > 0${scope} group by 1`,
      params,
    );
    // Pending at the end of each bucket: opened by then and not closed by then.
    const depth = await this.db.query<{ at: Date | string; pending: number; oldest: number | null }>(
      `with ends as (
         select least(${bucketOf('$1::timestamptz')} + make_interval(secs => $3::float8 * g), $2::timestamptz) as at
         from generate_series(1, ceil(extract(epoch from ($2::timestamptz - ${bucketOf('$1::timestamptz')}))::float8 / $3::float8)::int) as g
       )
       select e.at, count(c.case_id)::int as pending, extract(epoch from max(e.at - c.opened_at))::float8 as oldest
       from ends e left join moderation_cases c
         on c.opened_at <= e.at and (c.closed_at is null or c.closed_at > e.at)${scope.replace('game_id', 'c.game_id')}
       group by e.at order by e.at`,
      params,
    );
    return reviewStatsFrom(verdicts.rows, lapsed.rows, depth.rows);
  }

  async playerHistory(gameId: string, playerId: string, opts: { exceptCaseId?: string; limit: number }): Promise<PlayerHistory> {
    const params = [gameId, playerId, opts.exceptCaseId ?? ''];
    const totals = await this.db.query<{ cases: number; blocked: number }>(
      `select count(*)::int as cases, count(*) filter (where result->>'verdict' = 'block')::int as blocked
       from moderation_cases where game_id = $1 and player_id = $2 and case_id <> $3`,
      params,
    );
    const recent = await this.db.query<CaseRow & { opened_at: Date | string }>(
      `select case_id, body, status, result, opened_at from moderation_cases
       where game_id = $1 and player_id = $2 and case_id <> $3 order by opened_at desc, case_id limit $4`,
      [...params, opts.limit],
    );
    return {
      cases: Number(totals.rows[0]?.cases ?? 0),
      blocked: Number(totals.rows[0]?.blocked ?? 0),
      recent: recent.rows.map((row) => ({
        caseId: row.case_id,
        messageId: row.body.message.messageId,
        text: row.body.message.text,
        openedAt: iso(row.opened_at)!,
        status: row.status,
        ...historyOutcome(row.result),
      })),
    };
  }

  async claim(caseId: string, moderatorId: string, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    const until = new Date(now.getTime() + leaseMs);
    // Read committed: of two concurrent UPDATEs of the row, the second re-checks the WHERE
    // clause against the first one's result and finds the case claimed, so exactly one wins.
    const r = await this.db.query<{ case_id: string; renewed: boolean }>(
      `with claimed as (
         update moderation_cases as m set claimed_by = $2, lease_until = $4
         from moderation_cases as prev
         where m.case_id = $1 and prev.case_id = m.case_id and m.status = 'pending'
           and (m.claimed_by is null or m.lease_until <= $3 or m.claimed_by = $2)
         returning m.case_id, coalesce(prev.claimed_by = $2 and prev.lease_until > $3, false) as renewed
       ), logged as (
         insert into moderation_audit (at, actor, action, case_id, detail)
         select $3, $2, 'claim', case_id, jsonb_build_object('leaseUntil', $5::text, 'renewed', renewed) from claimed
       )
       select case_id, renewed from claimed`,
      [caseId, moderatorId, now, until, until.toISOString()],
    );
    if (r.rows[0]) return { status: 'claimed', claim: { moderatorId, until: until.toISOString() }, renewed: Boolean(r.rows[0].renewed) };
    const row = (await this.db.query<CaseRow>('select status, claimed_by, lease_until from moderation_cases where case_id = $1', [caseId])).rows[0];
    if (!row) return { status: 'not-found' };
    if (row.status !== 'pending') return { status: 'closed' };
    const claim = liveClaim(row, now);
    // Free again by now (released in between): the caller may simply try once more.
    return claim ? { status: 'taken', claim } : this.claim(caseId, moderatorId, now, leaseMs);
  }

  async release(caseId: string, moderatorId: string, now: Date): Promise<boolean> {
    const r = await this.db.query(
      `with released as (
         update moderation_cases set claimed_by = null, lease_until = null
         where case_id = $1 and status = 'pending' and claimed_by = $2 and lease_until > $3
         returning case_id
       ), logged as (
         insert into moderation_audit (at, actor, action, case_id) select $3, $2, 'release', case_id from released
       )
       select case_id from released`,
      [caseId, moderatorId, now],
    );
    return r.rows.length === 1;
  }

  async releaseLapsed(now: Date, limit: number): Promise<{ caseId: string; gameId: string }[]> {
    const r = await this.db.query<{ case_id: string; game_id: string }>(
      `with lapsed as (
         update moderation_cases as m set claimed_by = null, lease_until = null
         from (select case_id, claimed_by from moderation_cases
               where claimed_by is not null and lease_until <= $1 order by lease_until limit $2 for update skip locked) as l
         where m.case_id = l.case_id and m.claimed_by is not null and m.lease_until <= $1
         returning m.case_id, m.game_id, l.claimed_by, m.status
       ), logged as (
         insert into moderation_audit (at, actor, action, case_id)
         select $1, claimed_by, 'lease-lapsed', case_id from lapsed where status = 'pending'
       )
       select case_id, game_id from lapsed where status = 'pending'`,
      [now, limit],
    );
    return r.rows.map((row) => ({ caseId: row.case_id, gameId: row.game_id }));
  }

  async hold(caseId: string, until: Date, now: Date): Promise<boolean> {
    const r = await this.db.query(
      `with held as (
         update moderation_cases
            set due_at = $2, held_at = $3, body = body || jsonb_build_object('dueAt', $4::text, 'heldAt', $5::text)
          where case_id = $1 and status = 'pending' and held_at is null
         returning case_id
       ), logged as (
         insert into moderation_audit (at, actor, action, case_id, detail)
         select $3, 'deadline', 'hold', case_id, jsonb_build_object('until', $4::text) from held
       )
       select case_id from held`,
      [caseId, until, now, until.toISOString(), now.toISOString()],
    );
    return r.rows.length === 1;
  }

  async decide(caseId: string, result: ModerationResult, opts: DecideOptions): Promise<DecideOutcome> {
    const detail = {
      verdict: result.verdict,
      ...(result.category ? { category: result.category } : {}),
      ...(result.action ? { action: result.action } : {}),
      ...(result.note ? { note: result.note } : {}),
      ...(opts.undoUntil ? { undoUntil: opts.undoUntil.toISOString() } : {}),
      ...(opts.requireClaim ? {} : { direct: true }),
    };
    const r = await this.db.query(
      `with decided as (
         update moderation_cases
            set status = 'decided', result = $2, published = false, closed_at = $3, decided_by = $4, undo_until = $5,
                claimed_by = null, lease_until = null
          where case_id = $1 and status = 'pending'
            and ((claimed_by = $4 and lease_until > $3) or (not $6::boolean and (claimed_by is null or lease_until <= $3)))
         returning case_id
       ), logged as (
         insert into moderation_audit (at, actor, action, case_id, detail) select $3, $4, 'verdict', case_id, $7::jsonb from decided
       )
       select case_id from decided`,
      [caseId, JSON.stringify(result), opts.now, opts.moderatorId, opts.undoUntil ?? null, opts.requireClaim, JSON.stringify(detail)],
    );
    if (r.rows.length === 1) return 'decided';
    const row = (await this.db.query<CaseRow>('select status from moderation_cases where case_id = $1', [caseId])).rows[0];
    if (!row) return 'not-found';
    return row.status === 'pending' ? 'not-holder' : 'already-closed';
  }

  async undo(caseId: string, moderatorId: string, now: Date, leaseMs: number): Promise<UndoOutcome> {
    const until = new Date(now.getTime() + leaseMs);
    // published = false and undo_until > now: the outbox only takes results whose window has
    // passed, so an undo and a publish of the same verdict exclude each other.
    const r = await this.db.query(
      `with reopened as (
         update moderation_cases
            set status = 'pending', result = null, published = null, closed_at = null, decided_by = null, undo_until = null,
                claimed_by = $2, lease_until = $4
          where case_id = $1 and status = 'decided' and decided_by = $2 and published = false and undo_until > $3
         returning case_id
       ), logged as (
         insert into moderation_audit (at, actor, action, case_id) select $3, $2, 'undo', case_id from reopened
       )
       select case_id from reopened`,
      [caseId, moderatorId, now, until],
    );
    if (r.rows.length === 1) return { status: 'reopened', claim: { moderatorId, until: until.toISOString() } };
    const row = (await this.db.query<CaseRow>('select status, decided_by from moderation_cases where case_id = $1', [caseId])).rows[0];
    if (!row) return { status: 'not-found' };
    if (row.status === 'decided' && row.decided_by !== moderatorId) return { status: 'not-yours' };
    return { status: 'too-late' };
  }

  async close(caseId: string, result: ModerationResult, status: 'decided' | 'expired'): Promise<'closed' | 'already-closed' | 'not-found'> {
    // The status check in the WHERE clause makes the first closer win, whoever else races it.
    const r = await this.db.query(
      `update moderation_cases set status = $2, result = $3, published = false, closed_at = $5, undo_until = null,
              decided_by = $4, claimed_by = null, lease_until = null
       where case_id = $1 and status = 'pending' returning case_id`,
      [caseId, status, JSON.stringify(result), result.moderatorId ?? null, result.decidedAt],
    );
    if (r.rows.length === 1) return 'closed';
    return (await this.get(caseId)) ? 'already-closed' : 'not-found';
  }

  async listDue(now: Date, limit: number): Promise<ModerationCase[]> {
    const r = await this.db.query(`select body from moderation_cases where status = 'pending' and due_at <= $1 order by due_at limit $2`, [now, limit]);
    return r.rows.map((row) => row.body);
  }

  async listUnpublished(limit: number, now = new Date()): Promise<ModerationResult[]> {
    const r = await this.db.query(
      'select result from moderation_cases where published = false and (undo_until is null or undo_until <= $2) order by closed_at limit $1',
      [limit, now],
    );
    return r.rows.map((row) => row.result);
  }

  async markPublished(caseId: string): Promise<void> {
    await this.db.query('update moderation_cases set published = true where case_id = $1 and published = false', [caseId]);
  }
}

interface AccountRow {
  username: string;
  role: ModeratorRole;
  games: string[] | null;
  password_hash: string;
  created_at: Date | string;
  created_by: string | null;
  disabled_at: Date | string | null;
}

const toAccount = (row: AccountRow): ModeratorAccount => ({
  username: row.username,
  role: row.role,
  games: row.games ?? ['*'],
  createdAt: iso(row.created_at)!,
  ...(row.created_by ? { createdBy: row.created_by } : {}),
  ...(row.disabled_at ? { disabledAt: iso(row.disabled_at)! } : {}),
});

export class SqlModeratorStore implements ModeratorStore {
  constructor(private readonly db: SqlClient) {}

  async create(account: { username: string; role: ModeratorRole; passwordHash: string; createdBy?: string; games?: readonly string[] }, now: Date): Promise<'created' | 'exists'> {
    const r = await this.db.query(
      `insert into moderators (username, role, password_hash, created_at, created_by, games) values ($1, $2, $3, $4, $5, $6::text[])
       on conflict do nothing returning username`,
      [account.username, account.role, account.passwordHash, now, account.createdBy ?? null, [...(account.games ?? ['*'])]],
    );
    return r.rows.length === 1 ? 'created' : 'exists';
  }

  async setGames(username: string, games: readonly string[], by: string, now: Date): Promise<string[] | undefined> {
    const r = await this.db.query<{ previous: string[] }>(
      `with prev as (select username, games from moderators where username = $1 for update),
       changed as (update moderators m set games = $2::text[] from prev where m.username = prev.username returning prev.games as previous),
       logged as (
         insert into moderation_audit (at, actor, action, detail)
         select $3, $4, 'moderator-games', jsonb_build_object('username', $1::text, 'games', to_jsonb($2::text[]), 'previous', to_jsonb(previous)) from changed
       )
       select previous from changed`,
      [username, [...games], now, by],
    );
    return r.rows[0]?.previous;
  }

  async find(username: string): Promise<(ModeratorAccount & { passwordHash: string }) | undefined> {
    const row = (await this.db.query<AccountRow>('select * from moderators where username = $1', [username])).rows[0];
    return row ? { ...toAccount(row), passwordHash: row.password_hash } : undefined;
  }

  async list(): Promise<ModeratorAccount[]> {
    return (await this.db.query<AccountRow>('select * from moderators order by username')).rows.map(toAccount);
  }

  async disable(username: string, now: Date): Promise<boolean> {
    const r = await this.db.query('update moderators set disabled_at = $2 where username = $1 and disabled_at is null returning username', [username, now]);
    await this.db.query('delete from moderator_sessions where username = $1', [username]);
    return r.rows.length === 1;
  }

  async startSession(tokenHash: string, username: string, now: Date, expiresAt: Date): Promise<void> {
    await this.db.query('insert into moderator_sessions (token_hash, username, created_at, expires_at) values ($1, $2, $3, $4)', [tokenHash, username, now, expiresAt]);
  }

  async session(tokenHash: string, now: Date): Promise<ModeratorSession | undefined> {
    const row = (
      await this.db.query<{ username: string; role: ModeratorRole; games: string[]; expires_at: Date | string }>(
        `select s.username, m.role, m.games, s.expires_at from moderator_sessions s join moderators m on m.username = s.username
         where s.token_hash = $1 and s.expires_at > $2 and m.disabled_at is null`,
        [tokenHash, now],
      )
    ).rows[0];
    return row ? { username: row.username, role: row.role, games: row.games ?? ['*'], expiresAt: iso(row.expires_at)! } : undefined;
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.db.query('delete from moderator_sessions where token_hash = $1', [tokenHash]);
  }

  async purgeSessions(now: Date): Promise<number> {
    return (await this.db.query('delete from moderator_sessions where expires_at <= $1 returning token_hash', [now])).rows.length;
  }

  async audit(entry: { at: Date; actor: string; action: string; caseId?: string; detail?: Record<string, unknown> }): Promise<void> {
    await this.db.query('insert into moderation_audit (at, actor, action, case_id, detail) values ($1, $2, $3, $4, $5)', [
      entry.at,
      entry.actor,
      entry.action,
      entry.caseId ?? null,
      JSON.stringify(entry.detail ?? {}),
    ]);
  }

  async auditLog(filter: { limit: number; before?: number; caseId?: string; actor?: string }): Promise<AuditEntry[]> {
    const r = await this.db.query<{ seq: string | number; at: Date | string; actor: string; action: string; case_id: string | null; detail: Record<string, unknown> }>(
      `select seq, at, actor, action, case_id, detail from moderation_audit
       where ($1::bigint is null or seq < $1) and ($2::text is null or case_id = $2) and ($3::text is null or actor = $3)
       order by seq desc limit $4`,
      [filter.before ?? null, filter.caseId ?? null, filter.actor ?? null, filter.limit],
    );
    return r.rows.map((row) => ({
      seq: Number(row.seq),
      at: iso(row.at)!,
      actor: row.actor,
      action: row.action,
      ...(row.case_id ? { caseId: row.case_id } : {}),
      detail: row.detail ?? {},
    }));
  }
}
