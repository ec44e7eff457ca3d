// Keys: hashed, compared in constant time, rotated through the admin API without a restart;
// per-key request rate.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import gateway from '../../../../functions/game-message-proxy/src/function';
import { AdminTokens, digestOfConfigured, KeyRing, matchesAny, newApiKey, sha256 } from '../../../../functions/game-message-proxy/src/keys';
import { MemoryApiKeyStore } from '@sinbin/stores';
import { startFunction } from '../../../helpers/functions';
import { bearer, callRoute, jsonHeaders } from '../../../helpers/http';

const ADMIN = 'admin-token-0123456789';
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const ENV = { GAME_API_KEYS: `alpha:key-alpha-0001,beta:sha256:${hex('key-beta-0002')}`, GATEWAY_ADMIN_TOKENS: `sha256:${hex(ADMIN)}` };
type Routes = Parameters<typeof callRoute>[0];
const send = (routes: Routes, key: string) => callRoute(routes, { method: 'POST', path: '/v1/messages', headers: jsonHeaders(key), body: { channelId: 'c', playerId: 'p', text: 'hi' } });
const admin = (routes: Routes, method: string, path: string, body?: unknown, token = ADMIN) => callRoute(routes, { method, path, headers: jsonHeaders(token), body });

describe('key ring', () => {
  it('keeps digests only and matches configured keys given plain or as sha256:<hex>', async () => {
    const ring = new KeyRing(new Map([['plain-key-0001', 'alpha'], [`sha256:${hex('hashed-key-0002')}`, 'beta']]), new MemoryApiKeyStore(), 1000);
    expect(await ring.identify('plain-key-0001')).toMatchObject({ gameId: 'alpha' });
    expect(await ring.identify('hashed-key-0002')).toMatchObject({ gameId: 'beta' });
    expect(await ring.identify(`sha256:${hex('hashed-key-0002')}`)).toBeUndefined();
    expect(await ring.identify('nope')).toBeUndefined();
    expect(await ring.identify(undefined)).toBeUndefined();
    expect(JSON.stringify(ring.configuredKeys)).not.toContain('plain-key-0001');
    expect(digestOfConfigured('plain-key-0001')).toEqual(sha256('plain-key-0001'));
  });

  it('compares against every digest (constant time per entry) and reports the first match', () => {
    const ds = [sha256('a'), sha256('b'), sha256('b')];
    expect(matchesAny(sha256('b'), ds)).toBe(1);
    expect(matchesAny(sha256('c'), ds)).toBe(-1);
    expect(matchesAny(Buffer.alloc(3), ds)).toBe(-1);
  });

  it('a made key is sbk_<id>_<secret>; only the secret digest is stored, a wrong secret fails', async () => {
    const store = new MemoryApiKeyStore();
    const ring = new KeyRing(new Map(), store, 1000);
    const made = newApiKey();
    await store.create({ keyId: made.keyId, gameId: 'alpha', secretHash: made.secretHash, createdAt: new Date().toISOString() }, 2);
    expect(made.key).toMatch(/^sbk_[0-9a-f]{16}_[A-Za-z0-9_-]{32}$/);
    expect(JSON.stringify(await store.list({ includeRevoked: true }))).not.toContain(made.key.slice(`sbk_${made.keyId}_`.length));
    expect(await ring.identify(made.key)).toEqual({ gameId: 'alpha', keyId: made.keyId });
    expect(await ring.identify(`${made.key.slice(0, -1)}${made.key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
  });

  it('admin tokens: off without any, plain or digest accepted', () => {
    expect(new AdminTokens([]).enabled).toBe(false);
    const t = new AdminTokens([`sha256:${hex(ADMIN)}`]);
    expect(t.accepts(ADMIN)).toBe(true);
    expect(t.accepts('wrong')).toBe(false);
    expect(t.accepts(undefined)).toBe(false);
  });
});

describe('gateway admin API and key rotation', () => {
  it('refuses without the admin token, and is off without GATEWAY_ADMIN_TOKENS', async () => {
    const { running } = await startFunction(gateway, { env: ENV });
    expect((await admin(running.routes!, 'GET', '/admin/v1/keys', undefined, 'key-alpha-0001')).json.error).toBe('admin-unauthorized');
    const off = await startFunction(gateway, { env: { GAME_API_KEYS: 'alpha:key-alpha-0001' } });
    expect((await admin(off.running.routes!, 'GET', '/admin/v1/keys')).status).toBe(403);
  });

  it('rotates a key without a restart: two live keys overlap, the revoked one stops working', async () => {
    const { running, publisher } = await startFunction(gateway, { env: { ...ENV, API_KEY_CACHE_MS: '0' } });
    const routes = running.routes!;
    const first = await admin(routes, 'POST', '/admin/v1/keys', { gameId: 'alpha', label: 'build server' });
    expect(first.status).toBe(201);
    const second = await admin(routes, 'POST', '/admin/v1/keys', { gameId: 'alpha' });
    expect((await admin(routes, 'POST', '/admin/v1/keys', { gameId: 'alpha' })).json.error).toBe('key-limit');
    for (const k of [first, second]) expect((await send(routes, k.json.key as string)).status).toBe(202);
    expect((await admin(routes, 'DELETE', `/admin/v1/keys/${first.json.keyId as string}`)).json).toMatchObject({ keyId: first.json.keyId, revokedAt: expect.any(String) });
    expect((await send(routes, first.json.key as string)).status).toBe(401);
    expect((await send(routes, second.json.key as string)).status).toBe(202);
    expect(publisher.records).toHaveLength(3);
    // Listed by id and creation date, never by value.
    const listed = await admin(routes, 'GET', '/admin/v1/keys?includeRevoked=true');
    const text = JSON.stringify(listed.json);
    for (const k of [first, second]) expect(text).not.toContain(k.json.key as string);
    expect(text).not.toContain('key-alpha-0001');
    expect((listed.json.keys as { source: string; gameId: string }[]).map((k) => [k.source, k.gameId])).toEqual([
      ['config', 'alpha'],
      ['config', 'beta'],
      ['api', 'alpha'],
      ['api', 'alpha'],
    ]);
  });

  it('answers bad admin requests with their reason', async () => {
    const { running } = await startFunction(gateway, { env: ENV });
    const routes = running.routes!;
    expect((await admin(routes, 'POST', '/admin/v1/keys', '{nope')).json.error).toBe('invalid-json');
    expect((await admin(routes, 'POST', '/admin/v1/keys', { gameId: '' })).json.error).toBe('invalid-body');
    expect((await admin(routes, 'POST', '/admin/v1/keys', { gameId: 'alpha', extra: 1 })).json.error).toBe('invalid-body');
    expect((await admin(routes, 'DELETE', '/admin/v1/keys/0000000000000000')).status).toBe(404);
    expect((await admin(routes, 'GET', '/admin/v1/keys?includeRevoked=maybe')).json.error).toBe('invalid-query');
    expect((await admin(routes, 'GET', '/admin/v1/keys?colour=red')).json.error).toBe('invalid-query');
    expect((await admin(routes, 'GET', '/admin/v1/games/alpha/webhook-deliveries?limit=0')).json.error).toBe('invalid-query');
    expect((await admin(routes, 'GET', '/admin/v1/games/alpha/webhook-deliveries?limit=5')).json).toEqual({ attempts: [], deadLetters: [] });
    const own = await callRoute(routes, { method: 'GET', path: '/v1/webhook-deliveries?limit=abc', headers: bearer('key-alpha-0001') });
    expect(own.status).toBe(400);
    const cfg = (await admin(routes, 'GET', '/admin/v1/keys')).json.keys as { keyId: string }[];
    expect((await admin(routes, 'DELETE', `/admin/v1/keys/${cfg[0]!.keyId}`)).json.error).toBe('config-key');
  });
});

describe('gateway per-key rate limit', () => {
  it('answers 429 with Retry-After past the limit, per key', async () => {
    const { running } = await startFunction(gateway, { env: { ...ENV, RATE_LIMIT_PER_KEY: '3' } });
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await send(running.routes!, 'key-alpha-0001')).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    const limited = await send(running.routes!, 'key-alpha-0001');
    if (limited.status === 429) {
      expect(limited.json.error).toBe('rate-limited');
      expect(Number(limited.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Another key has its own budget.
    expect((await send(running.routes!, 'key-beta-0002')).status).toBe(202);
    expect((await callRoute(running.routes!, { method: 'GET', path: '/v1/decisions/x', headers: bearer('key-beta-0002') })).status).toBe(404);
  });
});
