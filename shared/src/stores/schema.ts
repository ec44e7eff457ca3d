// The SQL schema of the shared stores, applied in order and recorded in schema_migrations.
// Plain PostgreSQL, so the same migrations serve the server and an embedded Postgres.
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'stores',
    sql: `
      create table channel_context (
        channel_key text not null,
        message_id  text not null,
        player_id   text,
        body        text not null,
        sent_at     timestamptz not null,
        seq         bigserial,
        primary key (channel_key, message_id)
      );
      create index channel_context_by_seq on channel_context (channel_key, seq);

      -- The decision manager's ledger: the first decision per message holds.
      create table decision_ledger (
        game_id    text not null,
        message_id text not null,
        decision   jsonb not null,
        created_at timestamptz not null default now(),
        primary key (game_id, message_id)
      );

      -- The gateway's read model of final-decisions, for GET /v1/decisions/:id.
      create table final_decisions (
        game_id    text not null,
        message_id text not null,
        decision   jsonb not null,
        stored_at  timestamptz not null default now(),
        primary key (game_id, message_id)
      );

      create table offences (
        game_id    text not null,
        player_id  text not null,
        message_id text not null,
        at         timestamptz not null,
        primary key (game_id, player_id, message_id)
      );
      create index offences_by_player on offences (game_id, player_id, at);

      create table moderation_cases (
        case_id    text primary key,
        game_id    text not null,
        status     text not null check (status in ('pending', 'decided', 'expired')),
        body       jsonb not null,
        result     jsonb,
        published  boolean,
        opened_at  timestamptz not null,
        due_at     timestamptz not null,
        closed_at  timestamptz
      );
      create index moderation_cases_queue on moderation_cases (status, game_id, opened_at);
      create index moderation_cases_due on moderation_cases (due_at) where status = 'pending';
      create index moderation_cases_outbox on moderation_cases (case_id) where published = false;
    `,
  },
];
