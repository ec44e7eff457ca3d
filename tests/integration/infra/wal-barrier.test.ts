// The WAL barrier on a real PostgreSQL that crashes (pg_ctl stop -m immediate): the stores commit
// asynchronously, so a write can be lost in a crash after it returned; once walBarrier has
// resolved after it, it cannot. A cluster of its own, so the crash disturbs no other suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '@sinbin/runtime';
import { createPool, walBarrier } from '@sinbin/stores';
import { service } from '../services';

const state = mkdtempSync(join(tmpdir(), 'sinbin-pg-barrier-'));
let env: NodeJS.ProcessEnv;
let url = '';

beforeAll(async () => {
  env = { ...process.env, SINBIN_STATE_DIR: state, PGPORT: String(await freePort()), PG_WAIT_TIMEOUT: '120' };
  await service('postgres.sh', ['start'], env);
  url = await service('postgres.sh', ['url'], env);
}, 180_000);

afterAll(async () => {
  await service('postgres.sh', ['destroy'], env).catch(() => undefined);
  rmSync(state, { recursive: true, force: true });
}, 120_000);

/** Inserts `rows` rows concurrently (asynchronous commit, as the stores do), waits for the barrier, then crashes the server; returns the rows left after recovery. */
async function writeThenCrash(table: string, rows: number): Promise<number> {
  const pool = createPool(url, 8);
  try {
    await pool.query(`create table ${table} (id int primary key)`);
    await Promise.all(Array.from({ length: rows }, (_, i) => pool.query(`insert into ${table} values ($1)`, [i])));
    await walBarrier(pool)();
  } finally {
    await service('postgres.sh', ['stop'], { ...env, PG_STOP_MODE: 'immediate' });
    await pool.end().catch(() => undefined);
  }
  await service('postgres.sh', ['start'], env);
  const after = createPool(url, 1);
  try {
    return Number((await after.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);
  } finally {
    await after.end();
  }
}

it('every write committed before the barrier resolved survives a crash of PostgreSQL', async () => {
  for (let round = 0; round < 3; round++) expect(await writeThenCrash(`barrier_${round}`, 300)).toBe(300);
}, 300_000);
