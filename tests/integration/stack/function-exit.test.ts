// A function process that dies unexpectedly is logged with the last lines of its stderr (redacted:
// no chat text), bare and behind the real of-watchdog, so that the next occurrence of a crash on a
// stack whose output nobody kept can be told from the stack's own log. The function is a stub that
// serves /healthz and dies on its first delivery, the way an uncaught error would kill one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionProcess } from '@sinbin/runtime/stack';
import { REPO, ofWatchdog } from '../services';

const state = mkdtempSync(join(tmpdir(), 'sinbin-fn-exit-'));
const STUB = join(state, 'dies-on-delivery.mjs');
writeFileSync(
  STUB,
  `import { createServer } from 'node:http';
createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  console.error('delivery: starting');
  // What a crash on an input looks like: the message quoted in the error.
  console.error(new SyntaxError('Unexpected token \\'k\\', "kys you absolute noob" is not valid JSON'));
  console.error(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }));
  process.exit(1);
}).listen(Number(process.env.PORT), '127.0.0.1');
`,
);

let binary = '';
beforeAll(async () => {
  binary = await ofWatchdog();
}, 10 * 60_000);
afterAll(() => rmSync(state, { recursive: true, force: true }));

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

describe.each([
  { name: 'bare', watchdog: false },
  { name: 'behind of-watchdog', watchdog: true },
])('a function process that exits unexpectedly ($name)', ({ watchdog }) => {
  let fn: FunctionProcess | undefined;
  afterAll(async () => {
    await fn?.close();
  });

  it('is logged with its exit code and the redacted last lines of its stderr', async () => {
    const { log, lines } = capturingLogger();
    fn = new FunctionProcess({
      name: 'stub',
      port: 0,
      env: { PATH: process.env.PATH },
      scaleToZero: true,
      idleMs: 3_600_000,
      log,
      repoRoot: REPO,
      bundle: STUB,
      ...(watchdog ? { watchdog: { binary, stateDir: mkdtempSync(join(state, 'watchdog-')) } } : {}),
    });
    const url = await fn.acquire();
    await fetch(`${url}/`, { method: 'POST', body: '{}' }).catch(() => undefined);
    fn.release();
    await expect.poll(() => lines.find((l) => l.msg === 'function process exited; it restarts on its next delivery')).toBeDefined();
    const exit = lines.find((l) => l.msg === 'function process exited; it restarts on its next delivery')!;
    expect(exit).toMatchObject({ fn: 'stub', code: 1, level: 40 });
    const tail = exit.stderrTail as string[];
    expect(tail).toEqual(expect.arrayContaining(['delivery: starting', 'Error: connect ECONNREFUSED 127.0.0.1:9']));
    expect(tail.join('\n')).toContain("code: 'ECONNREFUSED'");
    if (watchdog) expect(tail.at(-1)).toMatch(/Forked function has terminated: exit status 1/);
    // The chat line the error quoted never reaches the log.
    expect(JSON.stringify(lines)).not.toContain('noob');
    expect(fn.running).toBe(false);
  }, 120_000);
});

// What made the moderation function exit with code 1 on every delivery in a lifecycle run: its
// fixed internal port (the lifecycle stack's base port, in the OS's ephemeral range) was the local
// port of some outgoing connection, so each start died in listen() with EADDRINUSE. Here the port
// is held on purpose, by a connection bound to it, and the real moderation function is started on it.
describe('a function whose port an outgoing connection holds', () => {
  let holder: Server | undefined;
  let held: Socket | undefined;
  let port = 0;

  beforeAll(async () => {
    holder = createServer(() => undefined);
    await new Promise<void>((resolve) => holder!.listen(0, '127.0.0.1', resolve));
    // The kernel picks the connection's local port (in the ephemeral range), as for any client: a
    // port bound on purpose (connect's localPort) would carry SO_REUSEADDR and not block a listener.
    held = connect({ host: '127.0.0.1', port: (holder.address() as AddressInfo).port });
    await new Promise<void>((resolve, reject) => held!.once('connect', resolve).once('error', reject));
    port = held.localPort!;
  });

  afterAll(async () => {
    held?.destroy();
    holder?.close();
  });

  const moderation = (log: ReturnType<typeof capturingLogger>['log'], internalPort: boolean) => {
    const fn = new FunctionProcess({
      name: 'moderation',
      port,
      internalPort,
      env: { PATH: process.env.PATH, K_SINK: 'http://127.0.0.1:9/', SINBIN_STORES: 'memory', OBJECT_DIR: join(state, 'objects'), MODERATOR_TOKENS: 'mo:fn-exit-token-0001', LOG_LEVEL: 'warn' },
      scaleToZero: true,
      idleMs: 3_600_000,
      log,
      repoRoot: REPO,
    });
    return fn;
  };

  it('exits with code 1 at every start when the port is its public one, and the log says EADDRINUSE', async () => {
    const { log, lines } = capturingLogger();
    const fn = moderation(log, false);
    try {
      for (let attempt = 0; attempt < 2; attempt++) await expect(fn.acquire()).rejects.toThrow(/exited during start-up/);
      await expect.poll(() => lines.filter((l) => l.msg === 'function process exited; it restarts on its next delivery').length).toBe(2);
      for (const exit of lines.filter((l) => l.msg === 'function process exited; it restarts on its next delivery')) {
        expect(exit).toMatchObject({ fn: 'moderation', code: 1 });
        expect((exit.stderrTail as string[]).join('\n')).toMatch(/EADDRINUSE/);
      }
    } finally {
      await fn.close();
    }
  }, 180_000);

  it('starts on a free port instead when the port is internal (behind the activator)', async () => {
    const { log, lines } = capturingLogger();
    const fn = moderation(log, true);
    try {
      const url = await fn.acquire();
      fn.release();
      expect(url).not.toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(lines.find((l) => l.msg === 'function port taken (an outgoing connection may hold it); starting on a free one')).toMatchObject({ fn: 'moderation', port });
      expect(lines.some((l) => String(l.msg).startsWith('function process exited'))).toBe(false);
    } finally {
      await fn.close();
    }
  }, 180_000);
});
