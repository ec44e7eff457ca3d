// Upgrading from the release before the rename loses nothing: a studio's PostgreSQL cluster made
// with the former role and database, and an embedded state directory named by the former
// variable, are found and used by this version. The former names come from the compatibility
// shim (shared/contract/src/legacy-names.mjs), the only place that still knows them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMER_ENV_PREFIX, FORMER_POSTGRES } from '@sinbin/contract';
import { freePort } from '@sinbin/runtime';
import { pgliteModerationStores, postgresStoreSet } from '@sinbin/stores';
import { chatMessage, finalDecision, moderationCase } from '../../helpers/events';
import { pollUntil } from '../../helpers/poll';
import { REPO } from '../services';

const FORMER_STATE_DIR = `${FORMER_ENV_PREFIX}STATE_DIR`;

describe('a PostgreSQL cluster of the former release', () => {
  const state = mkdtempSync(join(tmpdir(), 'sinbin-upgrade-pg-'));
  let env: NodeJS.ProcessEnv = {};
  let started = false;
  // Asynchronous: a worker blocked in a child process cannot answer the test runner.
  const postgresSh = async (...args: string[]) => (await promisify(execFile)('bash', [resolve(REPO, 'infra/local/postgres.sh'), ...args], { env, encoding: 'utf8' })).stdout;
  /** stderr of a start, where the script reports what it migrated. */
  const start = async () => {
    started = true;
    return (await promisify(execFile)('bash', ['-c', `bash "${resolve(REPO, 'infra/local/postgres.sh')}" start 2>&1`], { env, encoding: 'utf8' })).stdout;
  };

  afterAll(async () => {
    // Stopped through pg_ctl and the cluster's own pid file, pass or fail, and deleted (with its /var/tmp home).
    if (started) await postgresSh('destroy');
    rmSync(state, { recursive: true, force: true });
  });

  it('is migrated once on start, and its decisions and cases are there', async () => {
    const port = await freePort();
    // The studio's shell still names the state directory by the former variable.
    env = { ...process.env, PGPORT: String(port), [FORMER_STATE_DIR]: state, SINBIN_STATE_DIR: undefined };
    await start();
    // What the former release left: its role and database, holding the pipeline's tables.
    const { role, database } = FORMER_POSTGRES;
    await postgresSh('psql', '-c', `CREATE ROLE ${role} LOGIN PASSWORD 'sinbin-dev'`, '-c', `CREATE DATABASE ${database} OWNER ${role}`, '-c', 'DROP DATABASE sinbin', '-c', 'DROP ROLE sinbin');
    const formerUrl = `postgres://${role}:sinbin-dev@127.0.0.1:${port}/${database}`;
    const decision = finalDecision({ messageId: 'before-the-rename', gameId: 'game-a' });
    const opened = moderationCase({ message: chatMessage({ messageId: 'case-before-the-rename', gameId: 'game-a' }) });
    const former = await postgresStoreSet(formerUrl, join(state, 'objects'));
    await former.decisions.put(decision);
    await former.ledger.putIfAbsent(decision);
    await former.cases.open(opened);
    await former.close();
    await postgresSh('stop');
    // ...and its settings: postgresql.conf includes the former settings file, which holds the port
    // the cluster used then.
    const data = realpathSync(join(state, 'postgres', 'data'));
    const conf = join(data, 'postgresql.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace("include_if_exists = 'sinbin.conf'", `include_if_exists = '${FORMER_POSTGRES.settingsFile}'`));
    renameSync(join(data, 'sinbin.conf'), join(data, FORMER_POSTGRES.settingsFile));
    // The upgraded start asks for another port: the former file must not keep the old one.
    const newPort = await freePort();
    env = { ...env, PGPORT: String(newPort) };

    const upgrade = await start();
    expect(upgrade).toMatch(/removed the former settings file/);
    expect(upgrade).toContain(`127.0.0.1:${newPort}`);
    expect(upgrade).toMatch(/migrated from the former name: role database/);
    const current = await postgresStoreSet((await postgresSh('url')).trim(), join(state, 'objects'));
    try {
      expect(await current.decisions.get('game-a', 'before-the-rename')).toEqual(decision);
      expect((await current.ledger.get('game-a', 'before-the-rename'))?.verdict).toBe(decision.verdict);
      expect((await current.cases.get(opened.caseId))?.case).toEqual(opened);
    } finally {
      await current.close();
    }
    // Idempotent: the next start finds nothing to migrate.
    await postgresSh('stop');
    expect(await start()).not.toMatch(/migrated/);
  });
});

describe('an embedded state directory named by the former variable', () => {
  const state = mkdtempSync(join(tmpdir(), 'sinbin-upgrade-embedded-'));
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((ok) => child!.once('exit', ok));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(state, { recursive: true, force: true });
  });

  it('is used by make run: the moderation queue still holds the former cases', async () => {
    // The moderation database the former release kept under <state>/moderation.
    const opened = moderationCase({ message: chatMessage({ messageId: 'queued-before-the-rename', gameId: 'demo' }) });
    const stores = await pgliteModerationStores(join(state, 'moderation'));
    await stores.cases.open(opened);
    await stores.close();

    const token = 'tok-upgrade-0000000001';
    let stderr = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'runtime/src/embedded/main.ts'], {
      cwd: REPO,
      env: {
        ...process.env,
        SINBIN_STATE_DIR: undefined,
        [FORMER_STATE_DIR]: state,
        GATEWAY_PORT: '0',
        MODERATION_PORT: '0',
        MODERATOR_TOKENS: `lead:${token}`,
        FAST_MODEL_DIR: '/nonexistent',
        DEEP_MODEL_DIR: '/nonexistent',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    const moderationUrl = await pollUntil(async () => /moderation\s+(http:\/\/\S+)/.exec(stderr)?.[1], { timeoutMs: 60_000 });
    expect(stderr).toContain(`set SINBIN_STATE_DIR instead of ${FORMER_STATE_DIR}`);
    const res = await fetch(`${moderationUrl}/v1/cases`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { cases: { caseId: string }[] };
    expect(body.cases.map((c) => c.caseId)).toContain(opened.caseId);
  });
});
