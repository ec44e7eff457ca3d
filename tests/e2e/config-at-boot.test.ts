// Config at boot, per runtime: `make run` (embedded), `make up` (local stack) and a function's own
// process (standalone, as in its container) each refuse a bad configuration before serving
// anything, name every problem of every function in plain words, and print no stack trace.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@sinbin/contract';
import { startEmbedded } from '@sinbin/runtime/embedded';
import { silentLogger } from '@sinbin/runtime';
import { FUNCTIONS } from '../../functions';

const REPO = resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'sinbin-boot-'));
const badPolicy = join(dir, 'policy.json');
writeFileSync(badPolicy, JSON.stringify({ default: { rules: [], deepMinConfidence: 2 } }));

/** Several wrong values at once: every one must be reported. */
const BAD = {
  GAME_API_KEYS: 'alpha-without-a-key',
  MODERATOR_TOKENS: 'just-a-token-without-its-name',
  GAME_POLICIES_FILE: badPolicy,
  MODERATION_LEASE_MS: 'soon',
  GATEWAY_PORT: '99999',
};

const PROBLEMS = [
  /game-message-proxy: GAME_API_KEYS: entry 1 is not gameId:key/,
  /moderation: MODERATOR_TOKENS: entry 1 is not name:token/,
  /moderation: MODERATION_LEASE_MS: /,
  /decision-manager: GAME_POLICIES_FILE: policy file .*default\.rules/,
  /fast-classifier: GAME_POLICIES_FILE: policy file .*default\.deepMinConfidence/,
  /GATEWAY_PORT: /,
];

/** The process's exit status and stderr. Asynchronous: a worker blocked in a child cannot answer the test runner. */
function run(script: string, env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script],
      {
        cwd: REPO,
        env: { PATH: process.env.PATH!, HOME: process.env.HOME!, FAST_MODEL_DIR: '/nonexistent', DEEP_MODEL_DIR: '/nonexistent', ...env },
        encoding: 'utf8',
        timeout: 60_000,
      },
      (error, _stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
    );
  });
}

function expectRefused(result: { status: number | null; stderr: string }, problems: RegExp[]) {
  expect(result.status, result.stderr).toBe(78);
  expect(result.stderr).toMatch(/cannot start: \d+ configuration problems?:/);
  for (const p of problems) expect(result.stderr).toMatch(p);
  // Plain words: no stack trace, and the wrong secrets themselves are never echoed.
  expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  expect(result.stderr).not.toContain('just-a-token-without-its-name');
}

describe('every runtime refuses a bad config at start, with all problems listed', () => {
  it('the embedded runtime (library): one ConfigError naming every function\'s problems', async () => {
    const error = await startEmbedded({ functions: FUNCTIONS, env: BAD, log: silentLogger() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const p of PROBLEMS) expect(problems).toMatch(p);
  });

  it('make run (runtime/src/embedded/main.ts)', async () => {
    expectRefused(await run('runtime/src/embedded/main.ts', { ...BAD, SINBIN_STATE_DIR: join(dir, 'state') }), PROBLEMS);
  });

  it('make up (runtime/src/stack/main.ts), before any broker or process is touched', async () => {
    expectRefused(await run('runtime/src/stack/main.ts', { ...BAD, KAFKA_BROKERS: '127.0.0.1:1', SINBIN_DELIVERY: 'carrier-pigeon' }), [...PROBLEMS, /SINBIN_DELIVERY: /]);
  });

  it("a function's own process (standalone), with its stores' problem too", async () => {
    // No DATABASE_URL for a function that keeps state: refused, not silently per-process memory.
    expectRefused(await run('functions/moderation/src/server.ts', { MODERATOR_TOKENS: BAD.MODERATOR_TOKENS, KAFKA_BROKERS: '127.0.0.1:1' }), [
      /MODERATOR_TOKENS: entry 1 is not name:token/,
      /DATABASE_URL: is required: moderation keeps state/,
    ]);
  });

  it('a standalone function may run on memory stores only when asked to', async () => {
    const result = await run('functions/decision-manager/src/server.ts', { KAFKA_BROKERS: '127.0.0.1:1', SINBIN_STORES: 'memory', GAME_POLICIES_FILE: badPolicy });
    expectRefused(result, [/GAME_POLICIES_FILE: policy file/]);
    expect(result.stderr).not.toMatch(/DATABASE_URL/);
  });
});
