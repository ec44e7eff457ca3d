// A stack that cannot start (here: the moderation front's port is taken) stops what it had
// started before it reports the failure: no function process or watchdog outlives it.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FUNCTIONS } from '../../../functions';
import { createLogger } from '@sinbin/runtime';
import { startStack } from '@sinbin/runtime/stack';
import { alive } from '../../helpers/processes';
import { ofWatchdog, REPO, startKafka, startPostgres } from '../services';

let taken: Server | undefined;
const pidsSeen: number[] = [];
afterAll(() => {
  // Whatever a failed assertion left running is stopped by its pid.
  for (const pid of pidsSeen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  taken?.close();
});

it('a stack that fails to start stops its function processes before it rejects', async () => {
  const brokers = process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',') : await startKafka();
  const databaseUrl = process.env.DATABASE_URL ?? (await startPostgres());
  taken = createServer();
  await new Promise<void>((r) => taken!.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-it-startfail-'));
  const pidDir = join(dir, 'pids');
  // Function processes write their pid file when they start; remember them as they appear.
  const watcher = setInterval(() => {
    if (!existsSync(pidDir)) return;
    for (const f of readdirSync(pidDir)) {
      const pid = Number(readFileSync(join(pidDir, f), 'utf8').trim());
      if (pid && !pidsSeen.includes(pid)) pidsSeen.push(pid);
    }
  }, 50);
  try {
    await expect(
      startStack({
        brokers,
        env: { ...process.env, DATABASE_URL: databaseUrl, OBJECT_DIR: join(dir, 'objects'), GAME_API_KEYS: 'startfail:startfail-key-0123456789', LOG_LEVEL: 'warn' },
        functions: FUNCTIONS,
        httpPorts: new Map([
          ['game-message-proxy', 0],
          ['moderation', port],
        ]),
        basePort: 0,
        mode: 'knative',
        idleMs: 3000,
        repoRoot: REPO,
        watchdog: { binary: await ofWatchdog(), stateDir: join(dir, 'watchdog') },
        pidDir,
        log: createLogger('it', 'warn'),
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  } finally {
    clearInterval(watcher);
  }
  expect(pidsSeen.length, 'the always-on functions had started').toBeGreaterThan(0);
  expect(pidsSeen.filter(alive), 'function processes still running after the failed start').toEqual([]);
}, 300_000);
