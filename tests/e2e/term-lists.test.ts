// Studios' term lists end to end on the embedded runtime (make run): saved through the gateway's
// admin API (versioned, audited, refused when they would match everything), in force in the fast
// path within the refresh interval: a block-list term decides (`decidedBy: terms`), an allow-list
// term is read around, and words that merely contain a term are never hit.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FinalDecision } from '@sinbin/contract';
import { silentLogger } from '@sinbin/runtime';
import { type EmbeddedRuntime, startEmbedded } from '@sinbin/runtime/embedded';
import { FUNCTIONS } from '../../functions';
import { LEXICON_ENV } from '../helpers/functions';
import { pollUntil } from '../helpers/poll';

const KEYS = { alpha: 'key-alpha-terms-e2e-001', beta: 'key-beta-terms-e2e-0001' };
const ADMIN = 'admin-token-terms-e2e-0001';
let runtime: EmbeddedRuntime;
let gateway: string;
const decisions: FinalDecision[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-terms-e2e-'));
  runtime = await startEmbedded({
    env: { ...LEXICON_ENV, GAME_API_KEYS: `alpha:${KEYS.alpha},beta:${KEYS.beta}`, GATEWAY_ADMIN_TOKENS: ADMIN, POLICY_REFRESH_MS: '100', GATEWAY_PORT: '0', MODERATION_PORT: '0' },
    functions: FUNCTIONS,
    objectDir: join(dir, 'objects'),
    logDir: join(dir, 'log'),
    moderationDataDir: join(dir, 'moderation'),
    idleMs: 60_000,
    log: silentLogger(),
  });
  gateway = runtime.urls['game-message-proxy']!;
  runtime.bus.subscribe('terms-e2e-observer', ['final-decisions'], async (d) => {
    decisions.push(JSON.parse(String(d.value)) as FinalDecision);
    return 'commit';
  });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
});

const lists = (method: string, path = '', body?: unknown, token: string | null = ADMIN) =>
  fetch(`${gateway}/admin/v1/games/alpha/term-lists${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

async function decide(key: string, messageId: string, text: string): Promise<FinalDecision> {
  const res = await fetch(`${gateway}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ messageId, channelId: 'c', playerId: `p-${messageId}`, text }) });
  expect(res.status).toBe(202);
  await pollUntil(() => decisions.some((d) => d.messageId === messageId), { what: `the decision of ${messageId}`, timeoutMs: 30_000 });
  return decisions.find((d) => d.messageId === messageId)!;
}

describe('term lists through the admin API', () => {
  it('refuses lists that would match everything, or repeat a term, and saves nothing', async () => {
    for (const [body, reason] of [
      [{ block: [''] }, /must not be empty/],
      [{ block: ['a'] }, /at least 2 letters or digits/],
      [{ block: ['a b'] }, /would match nearly every message/],
      [{ block: ['noob', 'N00B'] }, /same term/],
      [{ block: ['kill'], allow: ['kill'] }, /also block/],
      [{ block: 'scrub' }, /block/],
    ] as const) {
      const res = await lists('PUT', '', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const answer = (await res.json()) as { error: string; message: string };
      expect(answer.error).toBe('invalid-term-list');
      expect(answer.message).toMatch(reason);
    }
    expect(await (await lists('GET')).json()).toEqual({ gameId: 'alpha', version: null, block: [], allow: [] });
    expect((await lists('GET', '', undefined, null)).status).toBe(401);
  });

  it('saves versions with who, when, why and what changed; a stale change answers 409', async () => {
    const first = await lists('PUT', '', { block: ['scrub', { term: 'i will find you', category: 'threat' }], allow: ['kill'], note: 'launch list', expectedVersion: null });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ version: 1, createdBy: expect.stringMatching(/^admin:[0-9a-f]{12}$/), note: 'launch list', changes: expect.arrayContaining([{ list: 'block', kind: 'added', term: 'scrub' }]) });
    const stale = await lists('PUT', '', { block: ['scrub'], expectedVersion: 7 });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: string }).error).toBe('version-conflict');
    const history = (await (await lists('GET', '/versions')).json()) as { versions: { version: number; changes: unknown[] }[] };
    expect(history.versions.map((v) => v.version)).toEqual([1]);
    expect(await (await lists('POST', '/check', { text: 'kill that scrub' })).json()).toEqual({ version: 1, blocked: [{ term: 'scrub', category: 'profanity' }], allowed: ['kill'], readAs: 'that scrub' });
  });
});

describe('term lists in the pipeline', () => {
  it('blocks a block-list term as decided by the terms, with its category', async () => {
    // The fast path picks the new version up within POLICY_REFRESH_MS.
    await pollUntil(async () => (await decide(KEYS.alpha, `probe-${Date.now()}`, 'what a scrub')).decidedBy === 'terms', { what: 'the lists in force', timeoutMs: 20_000 });
    const d = await decide(KEYS.alpha, 'threat-1', 'I WILL F1ND YOU');
    expect(d).toMatchObject({ verdict: 'block', decidedBy: 'terms', terms: { version: 1, blocked: [{ term: 'i will find you', category: 'threat' }] } });
    expect(d.categories.threat).toBeGreaterThanOrEqual(0.9);
  });

  it('never hits a word that only contains a term', async () => {
    expect((await lists('PUT', '', { block: ['scrub', 'ass', 'cock', 'rapist', 'cunt', 'banana'], allow: ['kill', 'idiot'], expectedVersion: 1 })).status).toBe(200);
    // A probe the models allow at once, so only the lists can block it.
    await pollUntil(async () => (await decide(KEYS.alpha, `probe2-${Date.now()}`, 'banana time')).decidedBy === 'terms', { what: 'version 2 in force', timeoutMs: 20_000 });
    const d = await decide(KEYS.alpha, 'scunthorpe', 'Scunthorpe assassin cocktail therapist scrubbing');
    // Whatever the model makes of it (the lexicon baseline has its own Scunthorpe problem), the lists found nothing.
    expect(d.decidedBy).toBe('fast');
    expect(d.terms).toBeUndefined();
  });

  it("reads around an allowed term: the model's block for that word alone is overridden", async () => {
    // The fast model blocks "you are an idiot" on "idiot"; this game allows "idiot".
    const d = await decide(KEYS.alpha, 'allowed-idiot', 'you are an idiot');
    expect(d).toMatchObject({ verdict: 'allow', terms: { allowed: ['idiot'], blocked: [] } });
    // Another game has no lists: the model's reading stands.
    expect(await decide(KEYS.beta, 'beta-idiot', 'you are an idiot')).toMatchObject({ verdict: 'block', decidedBy: 'fast' });
  });
});
