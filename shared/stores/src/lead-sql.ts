// SQL adapters of the leads' ports, on PostgreSQL (real stack) and PGlite (embedded runtime), next
// to the moderation tables. A head moves by one conditional statement that also writes its
// activation and audit entry (data-modifying CTEs), so every replica sees a move with its record.
import type {
  Activation,
  BucketTally,
  DecisionStats,
  DecisionTally,
  DocumentHeads,
  DocumentKind,
  DocumentSource,
  DocumentVersion,
  ExposureCounts,
  ExposureEvent,
  ExposureStore,
  HeadRole,
  Outcome,
  PointOutcome,
  ShadowComparison,
  ShadowLog,
  ShadowTallies,
  VersionedDocuments,
} from '@sinbin/contract';
import { headAction } from './lead-memory';
import { isQuiet } from './shadow-tally';
import type { SqlClient } from './sql';

const iso = (d: Date | string | null | undefined): string | undefined => (d === null || d === undefined ? undefined : new Date(d).toISOString());

interface VersionRow {
  kind: DocumentKind;
  version: number;
  body: unknown;
  content_hash: string;
  source: DocumentSource;
  created_at: Date | string;
  created_by: string;
  note: string | null;
}

const toVersion = (r: VersionRow): DocumentVersion => ({
  kind: r.kind,
  version: Number(r.version),
  body: r.body,
  contentHash: r.content_hash,
  source: r.source,
  createdAt: iso(r.created_at)!,
  createdBy: r.created_by,
  ...(r.note ? { note: r.note } : {}),
});

/** The columns of a head role (fixed names, never from input). */
const HEAD_COLUMNS: Record<HeadRole, { version: string; since: string; by: string }> = {
  active: { version: 'active_version', since: 'active_since', by: 'active_by' },
  shadow: { version: 'shadow_version', since: 'shadow_since', by: 'shadow_by' },
};

export class SqlVersionedDocuments implements VersionedDocuments {
  constructor(private readonly db: SqlClient) {}

  async create(kind: DocumentKind, body: unknown, meta: { by: string; note?: string; source: DocumentSource; contentHash: string; now: Date }): Promise<DocumentVersion> {
    // Numbered max + 1: of two concurrent creators one hits the primary key and tries again.
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await this.db.query<VersionRow>(
        `with ins as (
           insert into document_versions (kind, version, body, content_hash, source, created_at, created_by, note)
           select $1, coalesce(max(version), 0) + 1, $2::jsonb, $3, $4, $5, $6, $7 from document_versions where kind = $1
           on conflict do nothing
           returning *
         ), logged as (
           insert into moderation_audit (at, actor, action, detail)
           select $5, $6, $1 || '-version-created',
                  jsonb_build_object('version', version, 'source', $4::text) || case when $7::text is null then '{}'::jsonb else jsonb_build_object('note', $7::text) end
           from ins
         )
         select * from ins`,
        [kind, JSON.stringify(body), meta.contentHash, meta.source, meta.now, meta.by, meta.note ?? null],
      );
      if (r.rows[0]) return toVersion(r.rows[0]);
    }
    throw new Error(`could not number a new ${kind} version: too many concurrent writers`);
  }

  async seed(kind: DocumentKind, body: unknown, meta: { by: string; source: 'file' | 'default'; contentHash: string; now: Date }): Promise<{ version: number; created: boolean }> {
    // One statement, safe from every replica at once: a second concurrent seeder hits the primary key.
    const r = await this.db.query<{ version: number }>(
      `with fresh as (
         select 1 where case when $4 = 'file'
           then coalesce((select content_hash from document_versions where kind = $1 and source = 'file' order by version desc limit 1), '') <> $3
           else not exists (select 1 from document_versions where kind = $1) end
       ), ins as (
         insert into document_versions (kind, version, body, content_hash, source, created_at, created_by)
         select $1, (select coalesce(max(version), 0) + 1 from document_versions where kind = $1), $2::jsonb, $3, $4, $5, $6 from fresh
         on conflict do nothing
         returning version
       ), head as (
         insert into document_heads (kind, active_version, active_since, active_by) select $1, version, $5, $6 from ins
         on conflict (kind) do update set active_version = excluded.active_version, active_since = excluded.active_since, active_by = excluded.active_by
         returning kind
       ), moved as (
         insert into document_activations (kind, role, version, at, by) select $1, 'active', version, $5, $6 from ins
       ), logged as (
         insert into moderation_audit (at, actor, action, detail)
         select $5, $6, $1 || '-version-created', jsonb_build_object('version', version, 'source', $4::text) from ins
         union all
         select $5, $6, $1 || '-activated', jsonb_build_object('version', version, 'previous', (select active_version from document_heads where kind = $1), 'seeded', $4::text) from ins
       )
       select version from ins`,
      [kind, JSON.stringify(body), meta.contentHash, meta.source, meta.now, meta.by],
    );
    if (r.rows[0]) return { version: Number(r.rows[0].version), created: true };
    const heads = await this.heads(kind);
    const latest = heads.active?.version ?? (await this.list(kind, { limit: 1 }))[0]?.version ?? 0;
    return { version: latest, created: false };
  }

  async get(kind: DocumentKind, version: number): Promise<DocumentVersion | undefined> {
    const r = await this.db.query<VersionRow>('select * from document_versions where kind = $1 and version = $2', [kind, version]);
    return r.rows[0] ? toVersion(r.rows[0]) : undefined;
  }

  async list(kind: DocumentKind, opts: { limit: number; before?: number }): Promise<DocumentVersion[]> {
    const r = await this.db.query<VersionRow>(
      'select * from document_versions where kind = $1 and ($2::int is null or version < $2) order by version desc limit $3',
      [kind, opts.before ?? null, opts.limit],
    );
    return r.rows.map(toVersion);
  }

  async heads(kind: DocumentKind): Promise<DocumentHeads> {
    const row = (await this.db.query('select * from document_heads where kind = $1', [kind])).rows[0] as Record<string, unknown> | undefined;
    const heads: DocumentHeads = {};
    for (const role of ['active', 'shadow'] as const) {
      const cols = HEAD_COLUMNS[role];
      const version = row?.[cols.version];
      if (version !== null && version !== undefined) heads[role] = { version: Number(version), since: iso(row![cols.since] as string)!, by: String(row![cols.by]) };
    }
    return heads;
  }

  async point(kind: DocumentKind, role: HeadRole, version: number | null, opts: { by: string; now: Date; expected?: number | null; detail?: Record<string, unknown> }): Promise<PointOutcome> {
    const c = HEAD_COLUMNS[role];
    await this.db.query('insert into document_heads (kind) values ($1) on conflict do nothing', [kind]);
    const r = await this.db.query<{ previous: number | null }>(
      `with prev as (
         select ${c.version} as version from document_heads where kind = $1 for update
       ), upd as (
         update document_heads
            set ${c.version} = $3::int,
                ${c.since} = case when $3::int is null then null else $4::timestamptz end,
                ${c.by} = case when $3::int is null then null else $5 end
          where kind = $1
            and ($3::int is null or exists (select 1 from document_versions where kind = $1 and version = $3::int))
            and (not $6::boolean or ${c.version} is not distinct from $7::int)
            and ${c.version} is distinct from $3::int
         returning (select version from prev) as previous
       ), moved as (
         insert into document_activations (kind, role, version, at, by) select $1, $2, $3::int, $4, $5 from upd
       ), logged as (
         insert into moderation_audit (at, actor, action, detail)
         select $4, $5, $8, jsonb_build_object('version', $3::int, 'previous', previous) || $9::jsonb from upd
       )
       select previous from upd`,
      [kind, role, version, opts.now, opts.by, opts.expected !== undefined, opts.expected ?? null, headAction(kind, role, version), JSON.stringify(opts.detail ?? {})],
    );
    if (r.rows.length === 1) return 'moved';
    if (version !== null && !(await this.get(kind, version))) return 'not-found';
    const current = (await this.heads(kind))[role]?.version ?? null;
    if (opts.expected !== undefined && opts.expected !== current) return 'conflict';
    return current === version ? 'unchanged' : 'conflict';
  }

  async activations(kind: DocumentKind, role: HeadRole, limit: number): Promise<Activation[]> {
    const r = await this.db.query<{ version: number | null; at: Date | string; by: string }>(
      'select version, at, by from document_activations where kind = $1 and role = $2 order by seq desc limit $3',
      [kind, role, limit],
    );
    return r.rows.map((row) => ({ version: row.version === null ? null : Number(row.version), at: iso(row.at)!, by: row.by }));
  }
}

interface ComparisonRow {
  shadow_version: number;
  game_id: string;
  message_id: string;
  player_id: string;
  at: Date | string;
  active_version: number;
  real_path: string;
  real_verdict: string | null;
  real_action: string | null;
  real_duration: number | null;
  real_rule: string | null;
  would_path: string;
  would_verdict: string | null;
  would_action: string | null;
  would_duration: number | null;
  would_rule: string | null;
}

function outcomeOf(path: string, verdict: string | null, action: string | null, duration: number | null, rule?: string | null): Outcome {
  return {
    path: path as Outcome['path'],
    ...(verdict ? { verdict: verdict as Outcome['verdict'] } : {}),
    ...(action ? { action: action as Outcome['action'] } : {}),
    ...(duration !== null ? { durationSeconds: Number(duration) } : {}),
    ...(rule ? { rule } : {}),
  };
}

export class SqlShadowLog implements ShadowLog {
  constructor(private readonly db: SqlClient) {}

  async record(rows: readonly ShadowComparison[]): Promise<void> {
    const kept = rows.filter((r) => !isQuiet(r));
    if (kept.length > 0) {
      const col = <T>(f: (r: ShadowComparison) => T) => kept.map(f);
      await this.db.query(
        `insert into shadow_comparisons (shadow_version, game_id, message_id, player_id, at, active_version,
           real_path, real_verdict, real_action, real_duration, real_rule, would_path, would_verdict, would_action, would_duration, would_rule)
         select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[],
           $7::text[], $8::text[], $9::text[], $10::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::int[], $16::text[])
         on conflict do nothing`,
        [
          col((r) => r.shadowVersion),
          col((r) => r.gameId),
          col((r) => r.messageId),
          col((r) => r.playerId),
          col((r) => r.at),
          col((r) => r.activeVersion),
          ...(['real', 'wouldBe'] as const).flatMap((side) => [
            col((r) => r[side].path),
            col((r) => r[side].verdict ?? null),
            col((r) => r[side].action ?? null),
            col((r) => r[side].durationSeconds ?? null),
            col((r) => r[side].rule ?? null),
          ]),
        ],
      );
    }
    const quiet = new Map<string, { v: number; g: string; m: string; n: number }>();
    for (const r of rows) {
      if (!isQuiet(r)) continue;
      const m = new Date(Math.floor(Date.parse(r.at) / 60_000) * 60_000).toISOString();
      const key = `${r.shadowVersion}\u0000${r.gameId}\u0000${m}`;
      const q = quiet.get(key) ?? { v: r.shadowVersion, g: r.gameId, m, n: 0 };
      q.n++;
      quiet.set(key, q);
    }
    if (quiet.size === 0) return;
    const q = [...quiet.values()];
    await this.db.query(
      `insert into shadow_quiet (shadow_version, game_id, minute, n)
       select * from unnest($1::int[], $2::text[], $3::timestamptz[], $4::bigint[])
       on conflict (shadow_version, game_id, minute) do update set n = shadow_quiet.n + excluded.n`,
      [q.map((x) => x.v), q.map((x) => x.g), q.map((x) => x.m), q.map((x) => x.n)],
    );
  }

  async tallies(q: { shadowVersion: number; since: Date; until: Date; games?: readonly string[]; examples: number }): Promise<ShadowTallies> {
    const scope = q.games === undefined ? '' : ' and game_id = any($4::text[])';
    const params = [q.shadowVersion, q.since, q.until, ...(q.games === undefined ? [] : [[...q.games]])];
    const where = `shadow_version = $1 and at >= $2 and at < $3${scope}`;
    const groups = await this.db.query<ComparisonRow & { messages: number; players: number }>(
      `select real_path, real_verdict, real_action, real_duration, would_path, would_verdict, would_action, would_duration,
              count(*)::int as messages, count(distinct (game_id, player_id))::int as players
       from shadow_comparisons where ${where}
       group by 1, 2, 3, 4, 5, 6, 7, 8 order by messages desc`,
      params,
    );
    const players = await this.db.query<{ side: 'real' | 'wouldBe'; action: string; n: number }>(
      `select 'real' as side, coalesce(real_action, 'pending') as action, count(distinct (game_id, player_id))::int as n from shadow_comparisons where ${where} group by 2
       union all
       select 'wouldBe', coalesce(would_action, 'pending'), count(distinct (game_id, player_id))::int from shadow_comparisons where ${where} group by 2`,
      params,
    );
    const quiet = await this.db.query<{ n: string | number }>(
      `select coalesce(sum(n), 0) as n from shadow_quiet where shadow_version = $1 and minute >= date_trunc('minute', $2::timestamptz) and minute < $3${scope}`,
      params,
    );
    const examples = await this.db.query<ComparisonRow>(
      `select * from shadow_comparisons where ${where}
         and (real_path, coalesce(real_verdict, ''), coalesce(real_action, ''), coalesce(real_duration, -1))
             is distinct from (would_path, coalesce(would_verdict, ''), coalesce(would_action, ''), coalesce(would_duration, -1))
       order by at desc limit ${Math.max(0, Math.floor(q.examples))}`,
      params,
    );
    const byAction = { real: {} as Record<string, number>, wouldBe: {} as Record<string, number> };
    for (const p of players.rows) byAction[p.side][p.action] = Number(p.n);
    return {
      quiet: Number(quiet.rows[0]?.n ?? 0),
      transitions: groups.rows.map((g) => ({
        real: outcomeOf(g.real_path, g.real_verdict, g.real_action, g.real_duration),
        wouldBe: outcomeOf(g.would_path, g.would_verdict, g.would_action, g.would_duration),
        messages: Number(g.messages),
        players: Number(g.players),
      })),
      players: byAction,
      examples: examples.rows.map((e) => ({
        at: iso(e.at)!,
        gameId: e.game_id,
        messageId: e.message_id,
        playerId: e.player_id,
        activeVersion: Number(e.active_version),
        shadowVersion: Number(e.shadow_version),
        real: outcomeOf(e.real_path, e.real_verdict, e.real_action, e.real_duration, e.real_rule),
        wouldBe: outcomeOf(e.would_path, e.would_verdict, e.would_action, e.would_duration, e.would_rule),
      })),
    };
  }

  async purge(before: Date): Promise<number> {
    const a = await this.db.query('delete from shadow_comparisons where at < $1 returning 1', [before]);
    const b = await this.db.query('delete from shadow_quiet where minute < $1 returning 1', [before]);
    return a.rows.length + b.rows.length;
  }
}

export class SqlDecisionStats implements DecisionStats {
  constructor(private readonly db: SqlClient) {}

  async add(tallies: readonly DecisionTally[]): Promise<void> {
    // One row per key: an upsert may not touch the same row twice in one statement.
    const merged = new Map<string, DecisionTally>();
    for (const t of tallies) {
      const key = [t.slot, t.gameId, t.path, t.verdict, t.action, t.category ?? '', t.modelVersion, t.policyVersion ?? 0].join('\u0000');
      const m = merged.get(key);
      if (m) {
        m.count += t.count;
        m.latencyMsSum += t.latencyMsSum;
      } else merged.set(key, { ...t });
    }
    const rows = [...merged.values()];
    if (rows.length === 0) return;
    await this.db.query(
      `insert into decision_stats (slot, game_id, path, verdict, action, category, model_version, policy_version, n, latency_ms_sum)
       select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::bigint[], $10::float8[])
       on conflict (slot, game_id, path, verdict, action, category, model_version, policy_version)
       do update set n = decision_stats.n + excluded.n, latency_ms_sum = decision_stats.latency_ms_sum + excluded.latency_ms_sum`,
      [
        rows.map((r) => r.slot),
        rows.map((r) => r.gameId),
        rows.map((r) => r.path),
        rows.map((r) => r.verdict),
        rows.map((r) => r.action),
        rows.map((r) => r.category ?? ''),
        rows.map((r) => r.modelVersion),
        rows.map((r) => r.policyVersion ?? 0),
        rows.map((r) => r.count),
        rows.map((r) => r.latencyMsSum),
      ],
    );
  }

  async query(q: { since: Date; until: Date; bucketSeconds: number; games?: readonly string[] }): Promise<BucketTally[]> {
    const r = await this.db.query<{
      bucket: Date | string;
      game_id: string;
      path: string;
      verdict: string;
      action: string;
      category: string;
      model_version: string;
      policy_version: number;
      n: string | number;
      latency: number;
    }>(
      `select to_timestamp(floor(extract(epoch from slot)::float8 / $3::float8) * $3::float8) as bucket, game_id, path, verdict, action, category, model_version, policy_version,
              sum(n) as n, sum(latency_ms_sum)::float8 as latency
       from decision_stats where slot >= $1 and slot < $2 ${q.games === undefined ? '' : 'and game_id = any($4::text[])'}
       group by 1, 2, 3, 4, 5, 6, 7, 8 order by 1`,
      [q.since, q.until, q.bucketSeconds, ...(q.games === undefined ? [] : [[...q.games]])],
    );
    return r.rows.map((row) => ({
      bucket: iso(row.bucket)!,
      gameId: row.game_id,
      path: row.path as DecisionTally['path'],
      verdict: row.verdict as DecisionTally['verdict'],
      action: row.action as DecisionTally['action'],
      category: row.category === '' ? null : row.category,
      modelVersion: row.model_version,
      policyVersion: Number(row.policy_version) === 0 ? null : Number(row.policy_version),
      count: Number(row.n),
      latencyMsSum: Number(row.latency),
    }));
  }
}

export class SqlExposureStore implements ExposureStore {
  constructor(private readonly db: SqlClient) {}

  async record(e: ExposureEvent): Promise<boolean> {
    const r = await this.db.query(
      `insert into moderator_exposure (username, case_id, kind, game_id, severe, at) values ($1, $2, $3, $4, $5, $6)
       on conflict do nothing returning username`,
      [e.username, e.caseId, e.kind, e.gameId, e.severe, e.at],
    );
    return r.rows.length === 1;
  }

  async takeBreak(username: string, at: Date): Promise<void> {
    await this.db.query('insert into moderator_breaks (username, at) values ($1, $2) on conflict do nothing', [username, at]);
  }

  async counts(q: { since: Date; until: Date; username?: string }): Promise<ExposureCounts[]> {
    const r = await this.db.query<{
      username: string;
      viewed: number;
      severe: number;
      reveals: number;
      since_break: number;
      last_break: Date | string | null;
      first_at: Date | string | null;
      last_at: Date | string | null;
    }>(
      `with b as (
         select username, max(at) as last_break from moderator_breaks where at >= $1 and at < $2 and ($3::text is null or username = $3) group by username
       ), e as (
         select * from moderator_exposure where at >= $1 and at < $2 and ($3::text is null or username = $3)
       ), who as (
         select username from e union select username from b where $3::text is not null
       )
       select w.username,
              count(e.case_id) filter (where e.kind = 'view')::int as viewed,
              count(e.case_id) filter (where e.kind = 'view' and e.severe)::int as severe,
              count(e.case_id) filter (where e.kind = 'reveal')::int as reveals,
              count(e.case_id) filter (where e.kind = 'view' and e.severe and (b.last_break is null or e.at > b.last_break))::int as since_break,
              max(b.last_break) as last_break, min(e.at) as first_at, max(e.at) as last_at
       from who w left join e on e.username = w.username left join b on b.username = w.username
       group by w.username order by w.username`,
      [q.since, q.until, q.username ?? null],
    );
    const rows = r.rows.map((row) => ({
      username: row.username,
      viewed: Number(row.viewed),
      severe: Number(row.severe),
      reveals: Number(row.reveals),
      severeSinceBreak: Number(row.since_break),
      ...(row.last_break ? { lastBreakAt: iso(row.last_break)! } : {}),
      ...(row.first_at ? { firstAt: iso(row.first_at)! } : {}),
      ...(row.last_at ? { lastAt: iso(row.last_at)! } : {}),
    }));
    if (q.username !== undefined && rows.length === 0) return [{ username: q.username, viewed: 0, severe: 0, reveals: 0, severeSinceBreak: 0 }];
    return rows;
  }
}
