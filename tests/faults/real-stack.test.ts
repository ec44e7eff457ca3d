// The fault suite on the real local stack (what `make up` runs: the Kafka broker and PostgreSQL of
// infra/local, every function in its own process behind of-watchdog): under a steady load of chat
// messages, each scenario strikes once, and ends with the same ledger check (tests/faults/ledger.ts):
// every message the gateway accepted (202) has exactly one final decision, none it refused has any.
//
//   npm run test:faults                   the full variant: 2,000 messages per scenario at 100/s, every scenario
//   SINBIN_FAULTS=ci npm run test:faults  the short one make test runs (a few minutes): fewer messages and scenarios
//
// The figures of every scenario (messages in flight at the fault, lost, duplicated) are printed at the
// end of the run and kept in .run/faults/report.{jsonl,txt}.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '@sinbin/contract';
import { createLogger } from '@sinbin/runtime';
import { startStack, type Stack } from '@sinbin/runtime/stack';
import { FUNCTIONS } from '../../functions';
import { ofWatchdog, REPO, service, startKafka, startPostgres, stopKafka, TEST_SERVICES_ENV, TEST_STATE_DIR } from '../integration/services';
import { Ledger } from './ledger';
import { Load, sendRefused, sleep } from './load';
import type { ScenarioRow } from './report';
import { alive } from '../helpers/processes';

const VARIANT = process.env.SINBIN_FAULTS === 'ci' ? 'ci' : 'full';
// Messages per scenario (40 % before the fault strikes, 60 % after it is over, and as many as the rate
// gives while it lasts), at a steady rate.
// After the load, the check waits while decisions keep coming (a backlog is not a loss), and calls the
// rest lost when none has come for `stallMs`.
const SIZE = VARIANT === 'ci' ? { total: 200, perSecond: 50, batch: 10, stallMs: 60_000, maxMs: 300_000 } : { total: 2000, perSecond: 100, batch: 20, stallMs: 90_000, maxMs: 600_000 };
// The CI variant (make test) keeps one scenario of each kind: a crash of the gateway and of the decision
// manager, of the broker, of PostgreSQL, a full log disk, skewed clocks. The full variant runs them all.
const CI_SCENARIOS = new Set(['kill -9 game-message-proxy', 'kill -9 decision-manager', 'broker-kill', 'postgres-crash', 'disk-full', 'minio', 'clock-skew']);
const scenarioIt = (id: string) => (VARIANT === 'full' || CI_SCENARIOS.has(id) ? it : it.skip);
const GAME = 'faults';
const KEY = 'faults-key-0123456789';
const RUN = Date.now().toString(36);
const REPORT = join(TEST_STATE_DIR, 'report.jsonl');
const run = promisify(execFile);

let brokers: string[];
let databaseUrl: string;
let stack: Stack | undefined;
let ledger: Ledger;
let hooks: Server;
let hookUrl: string;
let watchdog: string;
/** The stack's object store (training data, decision archive, model artefacts): MinIO, as on make up. */
let s3Endpoint: string;

/** The game's webhook: counts the decisions it receives by messageId. */
async function startWebhookReceiver(): Promise<void> {
  hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        for (const d of (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { decisions: { messageId: string }[] }).decisions) {
          ledger.webhooks.set(d.messageId, (ledger.webhooks.get(d.messageId) ?? 0) + 1);
        }
      } catch {
        // not a batch of decisions: counted nowhere
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => hooks.listen(0, '127.0.0.1', ok));
  hookUrl = `http://127.0.0.1:${(hooks.address() as { port: number }).port}/hook`;
}

/** The stack as make up runs it, with the suite's key, webhook and short moderation deadline; `clockOffsets` skews functions' clocks. */
async function startTheStack(clockOffsets: Record<string, number> = {}): Promise<Stack> {
  const policyFile = join(TEST_STATE_DIR, 'policy.json');
  // Every path under fault: a narrow fast band sends many messages to the deep analyzer, a high bar for
  // the deep verdict sends many on to moderation, and cases nobody reviews expire after 3 s, so every
  // message reaches a decision inside the scenario.
  writeFileSync(
    policyFile,
    JSON.stringify({ default: { ...DEFAULT_POLICY, routing: { okBelow: 0.15, toxicFrom: 0.9 }, deepMinConfidence: 0.9, moderationDeadlineSeconds: 3 } }),
  );
  return startStack({
    brokers,
    env: {
      ...process.env,
      GAME_API_KEYS: `${GAME}:${KEY}`,
      MODERATOR_TOKENS: 'faults-mod:faults-mod-token-0001',
      GAME_WEBHOOKS: JSON.stringify({ [GAME]: { url: hookUrl } }),
      GAME_POLICIES_FILE: policyFile,
      DATABASE_URL: databaseUrl,
      OBJECT_DIR: join(TEST_STATE_DIR, 'objects'),
      S3_ENDPOINT: s3Endpoint,
      S3_ACCESS_KEY: TEST_SERVICES_ENV.MINIO_ROOT_USER ?? 'sinbin',
      S3_SECRET_KEY: TEST_SERVICES_ENV.MINIO_ROOT_PASSWORD ?? 'sinbin-dev-secret',
      LOG_LEVEL: 'warn',
    },
    functions: FUNCTIONS,
    httpPorts: new Map([
      ['game-message-proxy', 0],
      ['moderation', 0],
    ]),
    basePort: 0,
    mode: 'knative',
    idleMs: 10_000,
    repoRoot: REPO,
    watchdog: { binary: watchdog, stateDir: join(TEST_STATE_DIR, 'stack', 'watchdog') },
    pidDir: join(TEST_STATE_DIR, 'stack', 'pids'),
    functionEnv: Object.fromEntries(Object.entries(clockOffsets).map(([fn, ms]) => [fn, { SINBIN_CLOCK_OFFSET_MS: String(ms) }])),
    log: createLogger('faults', 'warn'),
  });
}

const gateway = () => stack!.urls['game-message-proxy']!;

function record(row: ScenarioRow): void {
  appendFileSync(REPORT, `${JSON.stringify(row)}\n`);
}

/**
 * One scenario: the load starts; when 40 % of its messages are sent, `fault` strikes (and says what it
 * did) while the load goes on; once the fault is over, the other 60 % are sent; then the refused probes,
 * and the ledger check.
 */
async function scenario(name: string, fault: () => Promise<string>, opts: { faultAt?: number } = {}): Promise<ScenarioRow> {
  const started = Date.now();
  const prefix = `${name}-${RUN}`;
  const load = new Load({ gateway, key: KEY, prefix, perSecond: SIZE.perSecond, batch: SIZE.batch, giveUpMs: 120_000 });
  const before = Math.floor(SIZE.total * (opts.faultAt ?? 0.4));
  while (load.sentCount < before) await sleep(20);
  const accepted = new Set(load.outcome.accepted);
  const inFlightAtFault = load.pending + accepted.size - (await ledger.decidedCount(prefix, accepted));
  let note: string;
  try {
    note = await fault();
    const after = load.sentCount + (SIZE.total - before);
    while (load.sentCount < after) await sleep(20);
  } finally {
    load.stop();
    await load.done;
  }
  const refused = await sendRefused(gateway(), KEY, prefix, 10);
  const figures = await ledger.check(prefix, load.outcome, refused, SIZE);
  const answers = Object.fromEntries([...load.outcome.retries].map(([status, n]) => [String(status), n]));
  const told = load.outcome.sampleAnswers.get(503);
  const row: ScenarioRow = {
    scenario: name,
    variant: VARIANT,
    sent: load.sentCount,
    inFlightAtFault,
    ...figures,
    answers,
    note: told ? `${note}; a client was told: 503 ${told}` : note,
    durationMs: Date.now() - started,
    passed: figures.lost === 0 && figures.duplicated === 0 && figures.refusedButDecided === 0 && refused.size > 0,
  };
  record(row);
  return row;
}

function expectLedgerHolds(row: ScenarioRow): void {
  expect(row.accepted, 'the gateway accepted messages during the scenario').toBeGreaterThan(0);
  expect(row.lost, `accepted messages without a decision (e.g. ${row.examples.lost.join(', ')})`).toBe(0);
  expect(row.duplicated, `messages with two different decisions (e.g. ${row.examples.duplicated.join(', ')})`).toBe(0);
  expect(row.refusedButDecided, `refused messages that got a decision (e.g. ${row.examples.refusedButDecided.join(', ')})`).toBe(0);
  expect(row.refused).toBeGreaterThanOrEqual(10);
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

const pidOf = (file: string) => Number(readFileSync(file, 'utf8').trim());

beforeAll(async () => {
  [brokers, databaseUrl, watchdog] = await Promise.all([startKafka(), startPostgres(), ofWatchdog(), service('minio.sh', ['start'])]);
  s3Endpoint = await service('minio.sh', ['url']);
  ledger = new Ledger({ brokers, databaseUrl, gameId: GAME });
  await startWebhookReceiver();
  stack = await startTheStack();
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  hooks?.close();
}, 120_000);

describe(`fault suite on the real stack (${VARIANT}: ${SIZE.total} messages per scenario at ${SIZE.perSecond}/s)`, () => {
  // kill -9 of each function's own process (the watchdog in front of it then exits, and the stack
  // starts both again, as a Deployment restarts its pod; a scale-to-zero one restarts on its next event).
  for (const fn of FUNCTIONS.map((f) => f.name)) {
    scenarioIt(`kill -9 ${fn}`)(`kill -9 ${fn}`, async () => {
      const row = await scenario(`kill-${fn}`, async () => {
        const p = stack!.processes.get(fn)!;
        // A scale-to-zero function runs while it has work (the load sends it some); one that serves
        // HTTP (moderation) is also woken by a request, as its activator would be.
        if (!p.running && stack!.urls[fn]) await fetch(`${stack!.urls[fn]}/healthz`).catch(() => undefined);
        await waitUntil(`${fn} to be running`, () => p.running && p.pid !== undefined, 60_000).catch(() => undefined);
        const pid = p.kill('function');
        return pid ? `killed ${fn} (pid ${pid}) with SIGKILL` : `${fn} was not running when the fault struck (scaled to zero): nothing to kill`;
      });
      expectLedgerHolds(row);
    });
  }

  scenarioIt('broker-restart')('broker restart (SIGTERM, start)', async () => {
    const row = await scenario('broker-restart', async () => {
      const t0 = Date.now();
      await stopKafka();
      await startKafka();
      return `broker stopped and started again in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    });
    expectLedgerHolds(row);
  });

  scenarioIt('broker-kill')('broker crash (kill -9, start)', async () => {
    const row = await scenario('broker-kill', async () => {
      const t0 = Date.now();
      const pid = pidOf(join(TEST_STATE_DIR, 'kafka', 'kafka.pid'));
      process.kill(pid, 'SIGKILL');
      await waitUntil('the broker to exit', () => !alive(pid));
      await startKafka();
      return `broker (pid ${pid}) killed with SIGKILL and started again in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    });
    expectLedgerHolds(row);
  });

  scenarioIt('postgres-restart')('PostgreSQL restart (pg_ctl stop -m fast, start)', async () => {
    const row = await scenario('postgres-restart', async () => {
      const t0 = Date.now();
      await service('postgres.sh', ['stop']);
      await sleep(2000);
      await service('postgres.sh', ['start']);
      return `PostgreSQL down for ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    });
    expectLedgerHolds(row);
  });

  scenarioIt('postgres-crash')('PostgreSQL crash (pg_ctl stop -m immediate, crash recovery on start)', async () => {
    const row = await scenario('postgres-crash', async () => {
      const t0 = Date.now();
      await service('postgres.sh', ['stop'], { ...TEST_SERVICES_ENV, PG_STOP_MODE: 'immediate' });
      await sleep(2000);
      await service('postgres.sh', ['start']);
      return `PostgreSQL stopped as a crash would, down for ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    });
    expectLedgerHolds(row);
  });

  scenarioIt('disk-full')("the broker's log directory fills up: 503 with Retry-After meanwhile, recovery once space returns", async (ctx) => {
    const disk = JSON.parse(readFileSync(join(TEST_STATE_DIR, 'disk.json'), 'utf8')) as { mounted: boolean; reason?: string };
    if (!disk.mounted) {
      record({ scenario: 'disk-full', variant: VARIANT, skipped: disk.reason } as ScenarioRow);
      return ctx.skip(disk.reason);
    }
    const data = join(TEST_STATE_DIR, 'kafka', 'data');
    const filler = join(data, 'filler');
    let brokerLog = '';
    const row = await scenario('disk-full', async () => {
      const t0 = Date.now();
      // All the space that is left, at once (fallocate on tmpfs is instant); the broker's next write fails.
      const { stdout } = await run('df', ['--output=avail', '-B1', data]);
      const avail = Number(stdout.trim().split('\n').pop());
      await run('fallocate', ['-l', String(avail), filler]).catch(() => run('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M'], { maxBuffer: 1 << 20 }).catch(() => undefined));
      const pid = pidOf(join(TEST_STATE_DIR, 'kafka', 'kafka.pid'));
      // A full log directory takes the only log dir offline, and a broker without one shuts down.
      await waitUntil('the broker to stop on a full disk', () => !alive(pid), 60_000);
      const down = Date.now();
      const logFile = join(TEST_STATE_DIR, 'kafka', 'logs', 'server.log');
      brokerLog = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      // The gateway answers 503 while there is nowhere to store messages.
      await sleep(3000);
      await run('rm', ['-f', filler]);
      await startKafka();
      return `log directory filled (${(avail / 2 ** 20).toFixed(0)} MiB); broker down ${((down - t0) / 1000).toFixed(1)} s later, started again ${((Date.now() - down) / 1000).toFixed(1)} s after that, once the space was back`;
    });
    // The broker says why, in its own log.
    expect(brokerLog).toMatch(/No space left on device/);
    expect(brokerLog).toMatch(/all log dirs in .* have failed/);
    // Clients were told to retry, and nothing was stored twice or lost across the broker's log recovery.
    expect(row.answers['503']).toBeGreaterThan(0);
    expect(row.note).toMatch(/"error":"unavailable"/);
    expectLedgerHolds(row);
  });

  scenarioIt('minio')('MinIO stopped and started: the object store (training data, archive, artefacts) is off the decision path', async () => {
    const row = await scenario('minio-restart', async () => {
      await service('minio.sh', ['stop']);
      await sleep(3000);
      await service('minio.sh', ['start']);
      return 'MinIO stopped for 3 s and started again';
    });
    expectLedgerHolds(row);
  });

  scenarioIt('clock-skew')('clock skew: each function 5 min ahead of or behind the next', async () => {
    // The path a message takes, alternating: gateway +5, fast-classifier -5, decision-manager -5,
    // deep-analyzer +5, moderation +5, training-data-sink -5 (minutes). With moderation ahead of the
    // decision manager, a case's due time has passed when it opens: unreviewed cases expire at once.
    const offsets = { 'game-message-proxy': 300_000, 'fast-classifier': -300_000, 'decision-manager': -300_000, 'deep-analyzer': 300_000, moderation: 300_000, 'training-data-sink': -300_000 };
    await stack?.stop();
    stack = await startTheStack(offsets);
    const row = await scenario(
      'clock-skew',
      async () => `clocks moved: ${Object.entries(offsets).map(([fn, ms]) => `${fn} ${ms > 0 ? '+' : ''}${ms / 60_000} min`).join(', ')} (SINBIN_CLOCK_OFFSET_MS)`,
      { faultAt: 0 },
    );
    expectLedgerHolds(row);
  });
});
