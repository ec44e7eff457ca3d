// Moderation API under a full queue: 10,000 pending cases, the queue listed and cases claimed
// over HTTP as the UI does, on PGlite (the embedded runtime's store) and, with DATABASE_URL, on
// PostgreSQL (a schema of its own, dropped afterwards). Bars: queue p95 < 100 ms, claim p95 < 50 ms.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ModerationCase, StoreSet } from '@sinbin/contract';
import { closeServer, createFunctionServer, listen, silentLogger, startFunction } from '@sinbin/runtime';
import { memoryStoreSet, migrate, pgliteModerationStores, SqlCaseStore, type SqlClient, SqlModeratorStore } from '@sinbin/stores';
import moderation from '../functions/moderation/src/function';
import { hashPassword } from '../functions/moderation/src/auth';
import { summarize } from './stats';

export interface ModerationBenchOptions {
  pending?: number;
  samples?: number;
}

const GAMES = ['dota', 'cs2', 'valorant', 'rocket'];

/** One case as a template; the seed varies ids, game, player, scores and age in SQL. */
function template(now: Date): ModerationCase {
  const scores = { insult: 0.4, profanity: 0.1, identity_hate: 0, threat: 0, sexual: 0 };
  return {
    caseId: 'x',
    message: { messageId: 'x', gameId: 'x', channelId: 'match-1', playerId: 'x', text: 'you are so bad at this game lol', sentAt: now.toISOString(), receivedAt: now.toISOString() },
    context: [
      { playerId: 'p-a', text: 'mid missing' },
      { playerId: 'p-b', text: 'gg' },
    ],
    fast: { toxicity: 0.5, categories: scores, evidence: ['bad'], modelVersion: 'fast-bench' },
    deep: { toxicity: 0.5, categories: scores, confidence: 0.4, evidence: ['bad'], modelVersion: 'deep-bench' },
    reason: 'low-confidence',
    provisionalVerdict: 'allow',
    dueAt: new Date(now.getTime() + 86_400_000).toISOString(),
    openedAt: now.toISOString(),
  };
}

/** Bulk insert in one statement: n pending cases over 4 games and n/5 players, ~5% claimed by someone else. */
async function seed(db: SqlClient, n: number, now: Date): Promise<void> {
  await db.query(
    `insert into moderation_cases (case_id, game_id, player_id, status, body, opened_at, due_at, rank_at, prior_cases, prior_blocks, claimed_by, lease_until)
     select 'bench-' || i, g, p, 'pending',
            jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set($1::jsonb, '{caseId}', to_jsonb('bench-' || i)),
              '{message,messageId}', to_jsonb('m-' || i)), '{message,gameId}', to_jsonb(g)), '{message,playerId}', to_jsonb(p)),
              '{openedAt}', to_jsonb(opened)),
            opened, $2::timestamptz + interval '1 day', opened - (random() * interval '20 minutes'), (i % 4), (i % 3),
            case when i % 20 = 0 then 'someone-else' end, case when i % 20 = 0 then $2::timestamptz + interval '10 minutes' end
     from (select i, ($3::text[])[1 + i % 4] as g, 'p-' || (i % ($4::int / 5 + 1)) as p,
                  $2::timestamptz - (random() * interval '30 minutes') as opened
           from generate_series(1, $4::int) as i) as s`,
    [JSON.stringify(template(now)), now, GAMES, n],
  );
}

async function run(kind: 'pglite' | 'postgres', opts: Required<ModerationBenchOptions>): Promise<Record<string, unknown>> {
  const objects = mkdtempSync(join(tmpdir(), 'sinbin-bench-mod-'));
  let db: SqlClient;
  let stores: StoreSet;
  let cleanup: () => Promise<void>;
  if (kind === 'pglite') {
    const lite = await pgliteModerationStores();
    db = lite.db;
    stores = { ...memoryStoreSet(objects), cases: lite.cases, moderators: lite.moderators };
    cleanup = lite.close;
  } else {
    const url = process.env.DATABASE_URL!;
    const schema = `moderation_bench_${Date.now().toString(36)}`;
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    await admin.query(`create schema ${schema}`);
    const pool = new pg.Pool({ connectionString: url, max: 5, options: `-c search_path=${schema}` });
    await migrate(pool);
    db = pool;
    stores = { ...memoryStoreSet(objects), cases: new SqlCaseStore(pool), moderators: new SqlModeratorStore(pool) };
    cleanup = async () => {
      await pool.end();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    };
  }

  const now = new Date();
  const seedStarted = performance.now();
  await seed(db, opts.pending, now);
  const seedMs = performance.now() - seedStarted;
  await stores.moderators.create({ username: 'bench-mod', role: 'moderator', passwordHash: await hashPassword('bench-password-123') }, now);

  const running = await startFunction(moderation, { env: { MODERATION_UNDO_MS: '30000' }, publisher: { publish: async () => {} }, stores });
  const server = createFunctionServer({ name: 'moderation', log: silentLogger(), routes: () => running.routes ?? [] });
  const base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  try {
    const login = (await (
      await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-mod', password: 'bench-password-123' }) })
    ).json()) as { token: string };
    const headers = { authorization: `Bearer ${login.token}` };
    const timed = async (url: string, init?: RequestInit): Promise<{ ms: number; body: unknown; status: number }> => {
      const t = performance.now();
      const res = await fetch(url, init);
      const body = await res.json();
      return { ms: performance.now() - t, body, status: res.status };
    };

    // Warm up (JIT, plan caches), then measure.
    for (let i = 0; i < 10; i++) await timed(`${base}/v1/cases?limit=50`, { headers });
    const queueMs: number[] = [];
    let listed = 0;
    for (let i = 0; i < opts.samples; i++) {
      const r = await timed(`${base}/v1/cases?limit=50`, { headers });
      queueMs.push(r.ms);
      listed = (r.body as { pending: number }).pending;
    }
    // Right after a change (a claim through the API), when the counts must be computed afresh.
    const afterChangeMs: number[] = [];
    const post = (path: string) => fetch(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' }).then((r) => r.arrayBuffer());
    for (let i = opts.pending; afterChangeMs.length < Math.min(100, opts.samples); i--) {
      if (i % 20 === 0) continue;
      await post(`/v1/cases/bench-${i}/claim`);
      afterChangeMs.push((await timed(`${base}/v1/cases?limit=50`, { headers })).ms);
      await post(`/v1/cases/bench-${i}/release`);
    }
    const byGameMs: number[] = [];
    for (let i = 0; i < opts.samples; i++) byGameMs.push((await timed(`${base}/v1/cases?limit=50&gameId=${GAMES[i % GAMES.length]}`, { headers })).ms);

    // Claims on distinct, unclaimed cases (as J does), then verdicts on some of them.
    const claimMs: number[] = [];
    const claimed: string[] = [];
    for (let i = 0; claimMs.length < opts.samples; i++) {
      if (i % 20 === 0) continue; // claimed by someone else in the seed
      const r = await timed(`${base}/v1/cases/bench-${i}/claim`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
      if (r.status !== 200) throw new Error(`claim bench-${i}: ${r.status} ${JSON.stringify(r.body)}`);
      claimMs.push(r.ms);
      claimed.push(`bench-${i}`);
    }
    const verdictMs: number[] = [];
    for (const caseId of claimed.slice(0, Math.min(100, claimed.length))) {
      const r = await timed(`${base}/v1/cases/${caseId}/verdict`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ verdict: 'block', category: 'insult' }),
      });
      if (r.status !== 200) throw new Error(`verdict ${caseId}: ${r.status}`);
      verdictMs.push(r.ms);
    }
    const queue = summarize(queueMs);
    const claim = summarize(claimMs);
    return {
      pendingCases: listed,
      seedMs: Math.round(seedMs),
      queueMs: queue,
      queueAfterChangeMs: summarize(afterChangeMs),
      queueByGameMs: summarize(byGameMs),
      claimMs: claim,
      verdictMs: summarize(verdictMs),
      bars: { queueP95Under100ms: queue.p95 < 100, claimP95Under50ms: claim.p95 < 50 },
    };
  } finally {
    await running.stop();
    await closeServer(server);
    await cleanup();
  }
}

export async function benchModeration(options: ModerationBenchOptions = {}): Promise<Record<string, unknown>> {
  const opts = { pending: options.pending ?? 10_000, samples: options.samples ?? 200 };
  return {
    pglite: await run('pglite', opts),
    ...(process.env.DATABASE_URL ? { postgres: await run('postgres', opts) } : { postgres: 'skipped: set DATABASE_URL (bash infra/local/postgres.sh url)' }),
  };
}

// `npx tsx bench/moderation.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchModeration(), null, 2)}\n`);
  process.exit(0);
}
