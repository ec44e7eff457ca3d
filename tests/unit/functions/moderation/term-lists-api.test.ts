// The leads' term-list routes of the moderation API, on the in-memory stores and on PGlite (the
// moderation database of make run): lead only, versions with a stale-version refusal, every problem
// of a refused list, the moderation audit log, and the same store the gateway's admin API and the
// fast path read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreSet } from '@sinbin/contract';
import { memoryStoreSet, pgliteModerationStores } from '@sinbin/stores';
import { client, createAccount, login, startHarness, STATIC_TOKEN, tmpObjects, type Harness } from './harness';

const PASSWORD = 'correct horse battery staple';

function termListsSuite(label: string, makeStores: () => Promise<{ stores: StoreSet; close: () => Promise<void> }>): void {
  describe(`term lists in the moderation API on ${label}`, () => {
    let h: Harness;
    let closeStores: () => Promise<void>;
    let lead: ReturnType<typeof client>;
    let mod: ReturnType<typeof client>;
    const game = `north-${Math.random().toString(36).slice(2, 7)}`;
    const path = `/v1/games/${game}/term-lists`;

    beforeAll(async () => {
      const made = await makeStores();
      closeStores = made.close;
      await Promise.all([createAccount(made.stores, 'tia', PASSWORD, 'moderator'), createAccount(made.stores, 'lena', PASSWORD, 'lead')]);
      h = await startHarness(made.stores);
      lead = client(h.url, await login(h.url, 'lena', PASSWORD));
      mod = client(h.url, await login(h.url, 'tia', PASSWORD));
    }, 120_000);

    afterAll(async () => {
      await h?.close();
      await closeStores?.();
    });

    it('is for leads only', async () => {
      expect((await client(h.url).get(path)).status).toBe(401);
      expect((await mod.get(path)).status).toBe(403);
      expect((await mod.call('PUT', path, { block: ['scrub'] })).status).toBe(403);
      expect((await client(h.url, STATIC_TOKEN).get('/v1/term-lists')).status).toBe(403);
    });

    it('saves versions, refuses a stale one with 409, and audits each save', async () => {
      const empty = await lead.get(path);
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ current: { gameId: game, version: null, block: [], allow: [] }, history: { gameId: game, versions: [] } });

      const first = await lead.call('PUT', path, { block: ['scrub', { term: 'i will find you', category: 'threat' }], allow: ['kill'], note: 'launch list', expectedVersion: null });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ gameId: game, version: 1, createdBy: 'lena', note: 'launch list', unchanged: false });
      expect(first.body.changes).toHaveLength(3);

      // The same lists again: nothing saved, nothing audited.
      const same = await lead.call('PUT', path, { block: ['scrub', { term: 'i will find you', category: 'threat' }], allow: ['kill'], expectedVersion: 1 });
      expect(same.status).toBe(200);
      expect(same.body).toMatchObject({ version: 1, unchanged: true, changes: [] });

      const second = await lead.call('PUT', path, { block: ['scrub', 'noob'], allow: ['kill'], expectedVersion: 1 });
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ version: 2, unchanged: false });

      // Made on version 1 while 2 is in force: refused, nothing saved.
      const stale = await lead.call('PUT', path, { block: ['camper'], expectedVersion: 1 });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ error: 'version-conflict', current: 2 });

      const read = await lead.get(path);
      expect(read.body.current).toMatchObject({ version: 2, block: [{ term: 'scrub' }, { term: 'noob' }], allow: [{ term: 'kill' }], createdBy: 'lena' });
      expect(read.body.history.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      expect(read.body.history.versions[0].changes).toEqual(expect.arrayContaining([{ list: 'block', kind: 'added', term: 'noob' }, { list: 'block', kind: 'removed', term: 'i will find you' }]));

      // The store the gateway's admin API and the fast path read holds the same version.
      expect((await h.stores.termLists.latest(game))?.version).toBe(2);
      expect((await lead.get('/v1/term-lists')).body.games).toContainEqual({ gameId: game, version: 2 });

      const audit = await lead.get('/v1/audit?actor=lena&limit=50');
      const saves = audit.body.entries.filter((e: { action: string; detail: { gameId?: string } }) => e.action === 'term-list-saved' && e.detail.gameId === game);
      expect(saves.map((e: { detail: { version: number } }) => e.detail.version)).toEqual([2, 1]);
      expect(saves[1].detail).toMatchObject({ blockCount: 2, allowCount: 1, changes: 3, note: 'launch list' });
    });

    it('refuses a bad list whole, with every problem, and saves nothing', async () => {
      const bad = await lead.call('PUT', path, { block: ['a', 'noob', 'N00B', '  '], allow: ['noob', 'x y'], expectedVersion: 2 });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid-term-list');
      // Schema problems first (empty, single letter): each with its place.
      expect(bad.body.issues).toEqual(expect.arrayContaining([expect.stringMatching(/^block\.0\.term: /), expect.stringMatching(/^block\.3\.term: /)]));
      const rest = await lead.call('PUT', path, { block: ['noob', 'N00B'], allow: ['noob', 'x y'], expectedVersion: 2 });
      expect(rest.status).toBe(400);
      expect(rest.body.issues).toHaveLength(3);
      expect(rest.body.issues.join('\n')).toMatch(/block\[1\].*same term as block\[0\]/);
      expect(rest.body.issues.join('\n')).toMatch(/allow\[1\].*nearly every message/);
      expect(rest.body.issues.join('\n')).toMatch(/allow\[0\].*also block\[0\]/);
      expect((await lead.get(path)).body.current.version).toBe(2);
    });

    it('answers bad requests with a clear 400', async () => {
      const res = await fetch(`${h.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${await login(h.url, 'lena', PASSWORD)}`, 'content-type': 'application/json' }, body: '{"block": [' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid-json');
      expect((await lead.call('PUT', path, { block: ['scrub'], extra: true })).body.error).toBe('invalid-term-list');
      expect((await lead.get(`/v1/games/${'x'.repeat(300)}/term-lists`)).status).toBe(400);
    });
  });
}

termListsSuite('memory stores', async () => ({ stores: memoryStoreSet(tmpObjects()), close: async () => {} }));

termListsSuite('PGlite', async () => {
  const { db, close, ...durable } = await pgliteModerationStores();
  void db;
  return { stores: { ...memoryStoreSet(tmpObjects()), ...durable }, close };
});
