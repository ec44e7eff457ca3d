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
  {
    version: 2,
    name: 'moderation-review',
    sql: `
      -- The review queue: a case's rank_at is its opened_at moved earlier by its priority boost
      -- (severity, the player's history), so ordering by it ranks by priority and then by age
      -- with a plain index. prior_* are the player's earlier cases when this one opened.
      alter table moderation_cases
        add column player_id    text,
        add column rank_at      timestamptz,
        add column prior_cases  int not null default 0,
        add column prior_blocks int not null default 0,
        -- A claim: one moderator reviews the case until lease_until; after that it is free again.
        add column claimed_by   text,
        add column lease_until  timestamptz,
        -- The verdict's author, and until when they can undo it; it is published only after.
        add column decided_by   text,
        add column undo_until   timestamptz;
      update moderation_cases set player_id = body->'message'->>'playerId', rank_at = opened_at;
      alter table moderation_cases alter column player_id set not null, alter column rank_at set not null;
      create index moderation_cases_rank on moderation_cases (rank_at, case_id) where status = 'pending';
      create index moderation_cases_game_rank on moderation_cases (game_id, rank_at, case_id) where status = 'pending';
      create index moderation_cases_player on moderation_cases (game_id, player_id, opened_at);
      create index moderation_cases_leases on moderation_cases (lease_until) where claimed_by is not null;

      create table moderators (
        username      text primary key,
        role          text not null check (role in ('moderator', 'lead')),
        -- scrypt$N$r$p$salt$hash (base64url); never the password itself.
        password_hash text not null,
        created_at    timestamptz not null,
        created_by    text,
        disabled_at   timestamptz
      );

      -- Opaque bearer tokens, stored only as their SHA-256, each with a hard expiry.
      create table moderator_sessions (
        token_hash text primary key,
        username   text not null references moderators (username),
        created_at timestamptz not null,
        expires_at timestamptz not null
      );
      create index moderator_sessions_user on moderator_sessions (username);
      create index moderator_sessions_expiry on moderator_sessions (expires_at);

      -- Every moderator action, append-only; leads read it.
      create table moderation_audit (
        seq     bigserial primary key,
        at      timestamptz not null,
        actor   text not null,
        action  text not null,
        case_id text,
        detail  jsonb not null default '{}'
      );
      create index moderation_audit_case on moderation_audit (case_id, seq);
      create index moderation_audit_actor on moderation_audit (actor, seq);
    `,
  },
  {
    version: 3,
    name: 'gateway',
    sql: `
      -- Idempotent sends: the first content seen for a client messageId, and whether it reached
      -- raw-messages. Rows older than the idempotency window are purged.
      create table gateway_sends (
        game_id     text not null,
        message_id  text not null,
        fingerprint text not null,
        published   boolean not null default false,
        first_seen  timestamptz not null,
        primary key (game_id, message_id)
      );
      create index gateway_sends_age on gateway_sends (first_seen);

      -- Game API keys made through the admin API: only the SHA-256 of the secret part is kept.
      create table gateway_api_keys (
        key_id      text primary key,
        game_id     text not null,
        secret_hash text not null,
        label       text,
        -- A live key holds one of its game's few slots: the unique index is the limit on live keys.
        slot        int not null,
        created_at  timestamptz not null,
        revoked_at  timestamptz
      );
      create unique index gateway_api_keys_live on gateway_api_keys (game_id, slot) where revoked_at is null;

      -- Every try at a webhook delivery, and the batches whose last try failed.
      create table webhook_attempts (
        seq          bigserial primary key,
        game_id      text not null,
        delivery_id  text not null,
        attempt      int not null,
        at           timestamptz not null,
        outcome      text not null,
        http_status  int,
        error        text,
        message_ids  text[] not null
      );
      create index webhook_attempts_game on webhook_attempts (game_id, seq);
      create table webhook_dead_letters (
        seq          bigserial primary key,
        game_id      text not null,
        delivery_id  text not null,
        at           timestamptz not null,
        attempts     int not null,
        reason       text not null,
        payload      text not null
      );
      create index webhook_dead_letters_game on webhook_dead_letters (game_id, seq);
    `,
  },
  {
    version: 4,
    name: 'webhook-outbox',
    sql: `
      -- Decisions the gateway handed to a game's webhook and the game has not confirmed yet.
      create table webhook_outbox (
        game_id    text not null,
        message_id text not null,
        decision   jsonb not null,
        added_at   timestamptz not null default now(),
        primary key (game_id, message_id)
      );
      create index webhook_outbox_by_age on webhook_outbox (added_at);
    `,
  },
  {
    version: 5,
    name: 'leads',
    sql: `
      -- Moderators scoped to games: '*' is every game, as every account had before this migration.
      alter table moderators add column games text[] not null default '{*}';

      -- A 'hold' deadline keeps a case waiting longer; the dashboard reads closed cases by time.
      alter table moderation_cases add column held_at timestamptz;
      create index moderation_cases_closed on moderation_cases (closed_at) where closed_at is not null;

      -- Lead-managed documents (policies, wellbeing settings), immutable once written, numbered
      -- per kind; the heads say which version is in force and which runs in shadow.
      create table document_versions (
        kind         text not null,
        version      int not null,
        body         jsonb not null,
        content_hash text not null,
        source       text not null check (source in ('api', 'file', 'default')),
        created_at   timestamptz not null,
        created_by   text not null,
        note         text,
        primary key (kind, version)
      );
      create table document_heads (
        kind           text primary key,
        active_version int,
        active_since   timestamptz,
        active_by      text,
        shadow_version int,
        shadow_since   timestamptz,
        shadow_by      text
      );
      create table document_activations (
        seq     bigserial primary key,
        kind    text not null,
        role    text not null check (role in ('active', 'shadow')),
        version int,
        at      timestamptz not null,
        by      text not null
      );
      create index document_activations_by_kind on document_activations (kind, role, seq);

      -- What a candidate policy in shadow would have done beside what was done; decisions both
      -- policies allowed on the same path are only counted, per minute.
      create table shadow_comparisons (
        shadow_version int not null,
        game_id        text not null,
        message_id     text not null,
        player_id      text not null,
        at             timestamptz not null,
        active_version int not null,
        real_path      text not null,
        real_verdict   text,
        real_action    text,
        real_duration  int,
        real_rule      text,
        would_path     text not null,
        would_verdict  text,
        would_action   text,
        would_duration int,
        would_rule     text,
        primary key (shadow_version, game_id, message_id)
      );
      create index shadow_comparisons_by_time on shadow_comparisons (shadow_version, at);
      create table shadow_quiet (
        shadow_version int not null,
        game_id        text not null,
        minute         timestamptz not null,
        n              bigint not null,
        primary key (shadow_version, game_id, minute)
      );

      -- Final decisions per 10-second slot and label set: what sinbin_final_decisions_total counts.
      create table decision_stats (
        slot           timestamptz not null,
        game_id        text not null,
        path           text not null,
        verdict        text not null,
        action         text not null,
        category       text not null default '',
        model_version  text not null,
        policy_version int not null default 0,
        n              bigint not null,
        latency_ms_sum double precision not null default 0,
        primary key (slot, game_id, path, verdict, action, category, model_version, policy_version)
      );

      -- Moderators' exposure to the worst content: each case counted once per moderator and kind.
      create table moderator_exposure (
        username text not null,
        case_id  text not null,
        kind     text not null check (kind in ('view', 'reveal')),
        game_id  text not null,
        severe   boolean not null,
        at       timestamptz not null,
        primary key (username, case_id, kind)
      );
      create index moderator_exposure_by_time on moderator_exposure (at, username);
      create table moderator_breaks (
        username text not null,
        at       timestamptz not null,
        primary key (username, at)
      );
    `,
  },
  {
    version: 6,
    name: 'players',
    sql: `
      -- What the flood and spam limits count: a trace per message (its shape, never its text),
      -- kept for the longest limit window and purged after.
      create table limit_traces (
        game_id    text not null,
        message_id text not null,
        channel_id text not null,
        player_id  text not null,
        at         timestamptz not null,
        shape      text not null,
        links      int not null,
        primary key (game_id, message_id)
      );
      create index limit_traces_channel on limit_traces (game_id, channel_id, at);
      create index limit_traces_player on limit_traces (game_id, player_id, at);
      create index limit_traces_age on limit_traces (at);

      -- Reputation: each player's decided messages (a count) and offences, with the evidence an
      -- appeal's reviewer reads (the message, its context and the models' readings).
      create table player_activity (
        game_id    text not null,
        player_id  text not null,
        first_seen timestamptz not null,
        last_seen  timestamptz not null,
        messages   bigint not null,
        primary key (game_id, player_id)
      );
      create table player_offences (
        game_id       text not null,
        message_id    text not null,
        player_id     text not null,
        at            timestamptz not null,
        offence       jsonb not null,
        evidence      jsonb not null,
        overturned_at timestamptz,
        primary key (game_id, message_id)
      );
      create index player_offences_by_player on player_offences (game_id, player_id, at);

      -- One appeal per decision.
      create table appeals (
        game_id    text not null,
        message_id text not null,
        appeal_id  text not null unique,
        player_id  text not null,
        case_id    text not null,
        statement  text not null,
        filed_at   timestamptz not null,
        due_at     timestamptz not null,
        status     text not null check (status in ('open', 'upheld', 'overturned', 'lapsed')),
        decided_at timestamptz,
        decided_by text,
        primary key (game_id, message_id)
      );
      create index appeals_by_filed on appeals (filed_at);

      -- Studios' term lists: immutable versions per game; the newest is in force.
      create table term_list_versions (
        game_id      text not null,
        version      int not null,
        lists        jsonb not null,
        content_hash text not null,
        created_at   timestamptz not null,
        created_by   text not null,
        note         text,
        primary key (game_id, version)
      );
    `,
  },
];
