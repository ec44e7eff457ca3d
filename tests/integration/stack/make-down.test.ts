// `make down` (infra/local/stack.sh stop) stops the stack this checkout started, by the pid files the
// stack wrote, and nothing else: a process whose command line looks the same (another checkout's
// stack, here a decoy) runs on. After a crash of the stack itself (kill -9), the function processes it
// left are still found by their own pid files and stopped.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@sinbin/runtime';
import { pollUntil } from '../../helpers/poll';
import { alive } from '../../helpers/processes';
import { ofWatchdog, REPO, startKafka, startPostgres } from '../services';

const run = promisify(execFile);
/** Whether any process of the group `pgid` still runs (a watchdog's function outlives a dead watchdog). */
const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

let brokers: string[];
let databaseUrl: string;
let watchdog: string;
const children: ChildProcess[] = [];
const state = mkdtempSync(join(tmpdir(), 'sinbin-make-down-'));

beforeAll(async () => {
  [brokers, databaseUrl, watchdog] = await Promise.all([startKafka(), startPostgres(), ofWatchdog()]);
}, 300_000);

afterAll(async () => {
  // Whatever a failed assertion left: by the same pid files, then the decoys by their own pids.
  await run('bash', [resolve(REPO, 'infra/local/stack.sh'), 'stop'], { env: { ...process.env, SINBIN_STATE_DIR: state } }).catch(() => undefined);
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(state, { recursive: true, force: true });
}, 60_000);

/** `make up`'s stack (runtime/src/stack/main.ts) on free ports, its state (pid files) in `state`. */
async function startStackProcess(): Promise<{ child: ChildProcess; gateway: string }> {
  let stderr = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/src/stack/main.ts'], {
    cwd: REPO,
    env: {
      ...process.env,
      SINBIN_STATE_DIR: state,
      KAFKA_BROKERS: brokers.join(','),
      DATABASE_URL: databaseUrl,
      OF_WATCHDOG_BIN: watchdog,
      OBJECT_DIR: join(state, 'objects'),
      GATEWAY_PORT: String(await freePort()),
      MODERATION_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const gateway = await pollUntil(() => (child.exitCode !== null ? Promise.reject(new Error(`the stack exited ${child.exitCode}:\n${stderr.slice(-2000)}`)) : /gateway\s+(http:\/\/\S+)/.exec(stderr)?.[1]), {
    timeoutMs: 240_000,
    intervalMs: 200,
    what: 'the stack to print its gateway address',
  });
  return { child, gateway };
}

/** The function process groups the stack recorded (leader pids). */
function functionGroups(): number[] {
  const dir = join(state, 'stack', 'pids');
  return existsSync(dir) ? readdirSync(dir).map((f) => Number(readFileSync(join(dir, f), 'utf8').trim())) : [];
}

/** A process whose command line names the stack's entry point, as another checkout's stack would. */
function decoy(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'runtime/src/stack/main.ts'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

describe('make down (infra/local/stack.sh stop)', () => {
  it('stops this checkout\'s stack and every function process it started, and leaves a look-alike alone', async () => {
    const other = decoy();
    const { child } = await startStackProcess();
    const stackPid = Number(readFileSync(join(state, 'stack', 'stack.pid'), 'utf8').trim());
    expect(alive(stackPid)).toBe(true);
    const groups = functionGroups();
    expect(groups.length).toBeGreaterThanOrEqual(4); // the always-on functions
    expect((await run('bash', [resolve(REPO, 'infra/local/stack.sh'), 'status'], { env: { ...process.env, SINBIN_STATE_DIR: state } })).stdout).toMatch(/stack running: pid \d+/);

    await run('bash', [resolve(REPO, 'infra/local/stack.sh'), 'stop'], { env: { ...process.env, SINBIN_STATE_DIR: state } });
    await pollUntil(() => child.exitCode !== null || child.signalCode !== null, { what: 'the stack process to exit' });
    expect(alive(stackPid)).toBe(false);
    for (const pid of groups) expect(groupAlive(pid), `function group ${pid}`).toBe(false);
    expect(existsSync(join(state, 'stack', 'stack.pid'))).toBe(false);
    expect(alive(other.pid!)).toBe(true);
  }, 300_000);

  it('after a crash of the stack (kill -9), stops the function processes it left behind', async () => {
    const { child } = await startStackProcess();
    const groups = functionGroups();
    expect(groups.length).toBeGreaterThanOrEqual(4);
    child.kill('SIGKILL');
    await pollUntil(() => child.signalCode !== null, { what: 'the stack to die' });
    // Orphans: the functions run on without their stack.
    expect(groups.filter(groupAlive).length).toBeGreaterThan(0);

    await run('bash', [resolve(REPO, 'infra/local/stack.sh'), 'stop'], { env: { ...process.env, SINBIN_STATE_DIR: state } });
    for (const pid of groups) expect(groupAlive(pid), `function group ${pid}`).toBe(false);
  }, 300_000);
});
