// The local PostgreSQL from infra/local/postgres.sh: the URL it prints reaches the `sinbin` database as the
// `sinbin` role over TCP, and the password is actually checked (no trust auth on TCP).
// With DATABASE_URL set, the suite runs against that database and starts nothing. Otherwise it starts the
// test cluster (port and state dir of tests/integration/services.ts); the run's global teardown stops it.
// The client is the psql binary: the `pg` package is not a dependency of this suite.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@sinbin/runtime';
import { service } from '../services';

// Debian puts psql on PATH through postgresql-client-common; fall back to the versioned bin directory.
function psqlBinary(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/psql`)) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? `${root}/${versions[0]}/bin/psql` : 'psql';
}

// No PG* variables: the URL alone must carry everything (a stray PGPASSWORD would mask a wrong password).
const clientEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));

function psql(url: string, sql: string): string {
  return execFileSync(psqlBinary(), [url, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: clientEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  }).trim();
}

let url = '';

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    url = process.env.DATABASE_URL;
    return;
  }
  await service('postgres.sh', ['start']);
  await service('postgres.sh', ['wait']);
  url = await service('postgres.sh', ['url']);
}, 120_000);

describe('local PostgreSQL (infra/local/postgres.sh)', () => {
  it('answers select 1 through the printed URL', () => {
    expect(psql(url, 'select 1')).toBe('1');
  });

  it('connects as the sinbin role to the sinbin database, which it owns', () => {
    if (process.env.DATABASE_URL) return; // role and database names are ours only on our cluster
    expect(url).toMatch(/^postgres:\/\/sinbin:[^@]+@127\.0\.0\.1:\d+\/sinbin$/);
    expect(psql(url, "select current_user || ' ' || current_database() || ' ' || pg_get_userbyid(datdba) from pg_database where datname = current_database()")).toBe(
      'sinbin sinbin sinbin',
    );
    psql(url, 'create table if not exists infra_probe (id int); drop table infra_probe');
  });

  it('rejects a wrong password over TCP', () => {
    if (process.env.DATABASE_URL) return;
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    expect(() => psql(wrong.toString(), 'select 1')).toThrow(/password authentication failed/);
  });
});

describe('postgres.sh destroy', () => {
  it('stops a cluster and deletes it, with the /var/tmp home a root checkout gives it', async () => {
    if (process.env.DATABASE_URL) return; // nothing of ours to start
    // A fresh state directory each time: what a throwaway test cluster looks like.
    const state = mkdtempSync(join(tmpdir(), 'sinbin-pg-destroy-'));
    const env = { ...process.env, SINBIN_STATE_DIR: state, PGPORT: String(await freePort()), PG_WAIT_TIMEOUT: '120' };
    const home = `/var/tmp/sinbin-postgres-${createHash('sha256').update(state).digest('hex').slice(0, 12)}`;
    try {
      await service('postgres.sh', ['start'], env);
      expect(await service('postgres.sh', ['status'], env)).toMatch(/^postgres running/);
      await service('postgres.sh', ['destroy'], env);
      await expect(service('postgres.sh', ['status'], env)).rejects.toThrow(/exit 3/);
      expect(existsSync(join(state, 'postgres'))).toBe(false);
      expect(existsSync(home)).toBe(false);
    } finally {
      await service('postgres.sh', ['destroy'], env).catch(() => undefined);
      rmSync(state, { recursive: true, force: true });
    }
  }, 180_000);
});
