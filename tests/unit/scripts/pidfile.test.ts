// infra/local/lib/pidfile.sh: how every local service is launched and stopped. The pid file must name
// the service's own process whether or not `setsid` had to fork (it does when the launching shell
// puts background jobs in groups of their own, as job control does), and a secret passed in the
// environment must not reach a command line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const LIB = resolve(import.meta.dirname, '..', '..', '..', 'infra', 'local', 'lib', 'pidfile.sh');
const started: number[] = [];
let dir = '';

/** Runs a bash script with the library sourced; prints what the script echoes. */
function bash(script: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('bash', ['-c', `set -euo pipefail\nsource '${LIB}'\n${script}`], { encoding: 'utf8', env: { ...process.env, ...env } }).trim();
}

function recordedPid(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  started.push(pid);
  return pid;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').match(/\) Z /);
  } catch {
    return false;
  }
};

afterEach(() => {
  // What a test starts, it stops, by the pid it recorded, even when it failed.
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pidfile_launch / pidfile_launched', () => {
  it.each([
    { name: 'a plain shell (setsid does not fork)', jobControl: '' },
    { name: 'a shell with job control (setsid forks; its own pid is soon gone)', jobControl: 'set -m' },
  ])('records the service\'s own pid from $name, and pidfile_stop stops it', ({ jobControl }) => {
    dir = mkdtempSync(join(tmpdir(), 'sinbin-pidfile-'));
    const file = join(dir, 'svc.pid');
    const out = bash(`${jobControl}
pidfile_launch '${file}' '${dir}/svc.log' sleep 37
launcher=$!
pidfile_launched '${file}' "$launcher" 5
for _ in $(seq 1 40); do pidfile_pid '${file}' '^sleep 37' >/dev/null && break; sleep 0.05; done
echo "$launcher $(pidfile_pid '${file}' '^sleep 37')"`);
    const [launcher, found] = out.split(' ').map(Number);
    const pid = recordedPid(file);
    expect(found).toBe(pid);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toBe('sleep');
    if (jobControl) expect(pid).not.toBe(launcher);
    // Its own session: stopping its group stops nothing of the caller's.
    expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[3]).toBe(String(pid)); // its session id
    bash(`pidfile_stop '${file}' '^sleep 37' 5`);
    expect(alive(pid)).toBe(false);
    expect(() => readFileSync(file)).toThrow();
  });

  it('fails when what it launched cannot run, and pidfile_pid then finds nothing', () => {
    dir = mkdtempSync(join(tmpdir(), 'sinbin-pidfile-'));
    const file = join(dir, 'svc.pid');
    const out = bash(`pidfile_launch '${file}' '${dir}/svc.log' '${dir}/no-such-binary'
launcher=$!
sleep 0.5
pidfile_launched '${file}' "$launcher" 2 && echo launched || echo failed
pidfile_pid '${file}' 'no-such-binary' || echo none`);
    expect(out.split('\n')).toEqual(['failed', 'none']);
    expect(readFileSync(join(dir, 'svc.log'), 'utf8')).toMatch(/no-such-binary/);
  });

  it('passes an environment assignment to the service, never on a command line', () => {
    dir = mkdtempSync(join(tmpdir(), 'sinbin-pidfile-'));
    const file = join(dir, 'svc.pid');
    bash(`SINBIN_TEST_SECRET=s3cr3t-value pidfile_launch '${file}' '${dir}/svc.log' sh -c 'echo "seen=$SINBIN_TEST_SECRET"; exec sleep 38'
pidfile_launched '${file}' "$!" 5
for _ in $(seq 1 40); do pidfile_pid '${file}' '^sleep 38' >/dev/null && break; sleep 0.05; done`);
    const pid = recordedPid(file);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain('s3cr3t');
    expect(readFileSync(join(dir, 'svc.log'), 'utf8')).toContain('seen=s3cr3t-value');
    bash(`pidfile_stop '${file}' '^sleep 38' 5`);
    expect(alive(pid)).toBe(false);
  });
});
