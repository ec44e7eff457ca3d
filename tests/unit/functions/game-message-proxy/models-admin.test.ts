// The gateway's admin API for the model lifecycle, on the embedded default's adapters (a bucket
// directory and a registry file) and real model folders: list, promote (checked first), roll back,
// refusals that change nothing, and a registry that does not answer.
import { describe, expect, it } from 'vitest';
import type { StoreSet } from '@sinbin/contract';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir, initModels, registerVersion } from '@sinbin/scoring';
import gateway from '../../../../functions/game-message-proxy/src/function';
import { startFunction } from '../../../helpers/functions';
import { callRoute, jsonHeaders } from '../../../helpers/http';
import { modelCopy } from '../../../helpers/lifecycle';

const ADMIN = 'admin-token-models-0123456789';
const ENV = { GAME_API_KEYS: 'alpha:key-alpha-0001', GATEWAY_ADMIN_TOKENS: ADMIN };

async function setUp() {
  const started = await startFunction(gateway, { env: ENV });
  const lc = { registry: started.stores.registry!, artefacts: started.stores.artefacts! };
  await initModels(lc, ['sinbin-fast']);
  const v2 = await registerVersion(lc, 'sinbin-fast', modelCopy('fast', 'none', 'fast-admin-two'));
  const call = (method: string, path: string, body?: unknown, token = ADMIN) => callRoute(started.running.routes!, { method, path, headers: jsonHeaders(token), body });
  return { ...started, lc, v2, call };
}

const champion = async (stores: StoreSet) => (await stores.registry!.byAlias('sinbin-fast', 'champion'))?.version;

describe('gateway admin API: model versions', () => {
  it('promotes and rolls back twice, and lists versions with their aliases and the history', async () => {
    const { stores, v2, call } = await setUp();
    for (let round = 0; round < 2; round++) {
      expect((await call('POST', '/admin/v1/models/sinbin-fast/promote', { version: v2.version })).json).toEqual({ model: 'sinbin-fast', champion: v2.version, previous: '1' });
      expect(await champion(stores)).toBe(v2.version);
      expect((await call('POST', '/admin/v1/models/sinbin-fast/rollback', {})).json).toEqual({ model: 'sinbin-fast', champion: '1', previous: v2.version });
      expect(await champion(stores)).toBe('1');
    }
    const listed = await call('GET', '/admin/v1/models');
    expect(listed.status).toBe(200);
    const fast = (listed.json.models as { model: string; versions: { version: string; aliases: string[]; band?: unknown }[] }[]).find((m) => m.model === 'sinbin-fast')!;
    expect(fast.versions.find((v) => v.version === '1')?.aliases).toContain('champion');
    expect(fast.versions.map((v) => v.version)).toContain(v2.version);
    // Each fast version shows the routing band it serves with, as its fast-model.json gives it.
    const { defaultThresholds } = JSON.parse(readFileSync(join(defaultModelDir('fast'), 'fast-model.json'), 'utf8')) as { defaultThresholds: unknown };
    for (const v of fast.versions) expect(v.band).toEqual(defaultThresholds);
  });

  it('refuses, changing nothing: no token, unknown model or version, bad body, a stale expectation, nothing to roll back', async () => {
    const { stores, v2, call } = await setUp();
    expect((await call('POST', '/admin/v1/models/sinbin-fast/promote', { version: v2.version }, 'not-the-admin-token-000')).json.error).toBe('admin-unauthorized');
    expect((await call('POST', '/admin/v1/models/sinbin-huge/promote', { version: '1' })).status).toBe(404);
    expect((await call('POST', '/admin/v1/models/sinbin-fast/promote', { version: '99' })).json.error).toBe('not-found');
    expect((await call('POST', '/admin/v1/models/sinbin-fast/promote', { version: 'latest' })).json.error).toBe('invalid-body');
    expect((await call('POST', '/admin/v1/models/sinbin-fast/promote', '{nope')).json.error).toBe('invalid-json');
    const stale = await call('POST', '/admin/v1/models/sinbin-fast/promote', { version: v2.version, expectedChampion: '7' });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ error: 'version-conflict', current: '1' });
    const none = await call('POST', '/admin/v1/models/sinbin-fast/rollback', {});
    expect(none.status).toBe(409);
    expect(none.json.error).toBe('no-previous-version');
    expect(await champion(stores)).toBe('1');
    const off = await startFunction(gateway, { env: { GAME_API_KEYS: 'alpha:key-alpha-0001' } });
    expect((await callRoute(off.running.routes!, { method: 'POST', path: '/admin/v1/models/sinbin-fast/rollback', headers: jsonHeaders(ADMIN), body: {} })).status).toBe(403);
  });

  it('a version whose artefacts were corrupted after registration is refused with 422; the champion stays', async () => {
    const { stores, v2, call } = await setUp();
    await stores.artefacts!.put(`${v2.source}model.onnx`, 'tampered', 'application/octet-stream');
    const refused = await call('POST', '/admin/v1/models/sinbin-fast/promote', { version: v2.version });
    expect(refused.status).toBe(422);
    expect(refused.json.error).toBe('invalid-artefact');
    expect(String(refused.json.message)).toMatch(/checksum/);
    expect(await champion(stores)).toBe('1');
  });

  it('a registry that does not answer is 503 with Retry-After, and nothing moves', async () => {
    const { stores, v2, call } = await setUp();
    const registry = stores.registry!;
    const getVersion = registry.getVersion.bind(registry);
    registry.getVersion = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5000'));
    const down = await call('POST', '/admin/v1/models/sinbin-fast/promote', { version: v2.version });
    expect(down.status).toBe(503);
    expect(down.headers?.['retry-after']).toBe('5');
    registry.getVersion = getVersion;
    expect(await champion(stores)).toBe('1');
  });
});
