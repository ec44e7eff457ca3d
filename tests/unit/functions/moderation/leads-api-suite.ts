// The leads' part of the moderation API, run against every store adapter (memory and PGlite here,
// PostgreSQL in tests/integration/moderation): moderators scoped to games (two games, two
// moderators: lists, counts, claims, verdicts, context, live updates; another game's case is 404),
// policy versions and their bad input, wellbeing (masks, exposure, breaks, settings).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type StoreSet } from '@sinbin/contract';
import { client, createAccount, login, makeCase, startHarness, STATIC_TOKEN, type Harness } from './harness';

const PASSWORD = 'correct horse battery staple';

export function leadsApiSuite(label: string, makeStores: () => Promise<{ stores: StoreSet; close: () => Promise<void> }>): void {
  describe(`moderation API for leads on ${label}`, () => {
    let h: Harness;
    let closeStores: () => Promise<void>;
    let ann: ReturnType<typeof client>;
    let ben: ReturnType<typeof client>;
    let lead: ReturnType<typeof client>;
    const run = Math.random().toString(36).slice(2, 7);
    const GAME_A = `north-${run}`;
    const GAME_B = `south-${run}`;

    beforeAll(async () => {
      const made = await makeStores();
      closeStores = made.close;
      await Promise.all([createAccount(made.stores, 'ann', PASSWORD, 'moderator'), createAccount(made.stores, 'ben', PASSWORD, 'moderator'), createAccount(made.stores, 'lena', PASSWORD, 'lead')]);
      h = await startHarness(made.stores);
      lead = client(h.url, await login(h.url, 'lena', PASSWORD));
      // Ann works on game A, Ben on game B.
      expect((await lead.call('PUT', '/v1/moderators/ann/games', { games: [GAME_A] })).status).toBe(200);
      expect((await lead.call('PUT', '/v1/moderators/ben/games', { games: [GAME_B] })).status).toBe(200);
      ann = client(h.url, await login(h.url, 'ann', PASSWORD));
      ben = client(h.url, await login(h.url, 'ben', PASSWORD));
    }, 120_000);

    afterAll(async () => {
      await h?.close();
      await closeStores?.();
    });

    async function openCase(over: Parameters<typeof makeCase>[0]) {
      const c = makeCase({ openedAt: h.clock.now(), ...over });
      await h.deliver(c);
      return c;
    }

    describe('moderators scoped to games', () => {
      it('each sees, counts and claims only their own games', async () => {
        const a = await openCase({ gameId: GAME_A, playerId: 'pa' });
        const b = await openCase({ gameId: GAME_B, playerId: 'pb' });
        const annQueue = await ann.get('/v1/cases?limit=500');
        const ids = annQueue.body.cases.map((c: { caseId: string }) => c.caseId);
        expect(ids).toContain(a.caseId);
        expect(ids).not.toContain(b.caseId);
        expect(annQueue.body.byGame.map((g: { gameId: string }) => g.gameId)).toEqual([GAME_A]);
        expect(annQueue.body.pending).toBe(annQueue.body.byGame[0].pending);
        expect((await ann.get(`/v1/cases?gameId=${GAME_B}`)).body).toMatchObject({ cases: [], pending: 0, claimed: 0 });
        const benQueue = await ben.get('/v1/cases?limit=500');
        expect(benQueue.body.cases.map((c: { caseId: string }) => c.caseId)).toEqual([b.caseId]);
        expect((await ann.get('/v1/me')).body.games).toEqual([GAME_A]);
      });

      it("answers another game's case with 404, exactly as a missing one, for every case route", async () => {
        const b = await openCase({ gameId: GAME_B });
        for (const [method, path] of [
          ['GET', `/v1/cases/${b.caseId}`],
          ['GET', `/v1/cases/${b.caseId}/context`],
          ['POST', `/v1/cases/${b.caseId}/claim`],
          ['POST', `/v1/cases/${b.caseId}/release`],
          ['POST', `/v1/cases/${b.caseId}/verdict`],
          ['POST', `/v1/cases/${b.caseId}/undo`],
          ['POST', `/v1/cases/${b.caseId}/reveal`],
        ] as const) {
          const body = path.endsWith('verdict') ? { verdict: 'allow' } : method === 'POST' ? {} : undefined;
          const theirs = await ann.call(method, path, body);
          const missing = await ann.call(method, path.replace(b.caseId, 'no-such-case'), body);
          expect(theirs.status, `${method} ${path}`).toBe(404);
          expect(theirs.body, `${method} ${path}`).toEqual(missing.body);
        }
        // Nothing happened to it: Ben still finds it free.
        expect((await ben.post(`/v1/cases/${b.caseId}/claim`)).status).toBe(200);
      });

      it('live updates carry only their own games, with their counts', async () => {
        const token = await login(h.url, 'ann', PASSWORD);
        const events: string[] = [];
        const req = request(new URL('/v1/events', h.url), { headers: { authorization: `Bearer ${token}` } });
        const connected = new Promise<void>((resolve) =>
          req.on('response', (res) => {
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => events.push(chunk));
            resolve();
          }),
        );
        req.end();
        await connected;
        const b = await openCase({ gameId: GAME_B });
        const a = await openCase({ gameId: GAME_A });
        await expect.poll(() => events.join('').includes(a.caseId), { timeout: 5000 }).toBe(true);
        const text = events.join('');
        expect(text).not.toContain(b.caseId);
        expect(text).not.toContain(GAME_B);
        req.destroy();
      });

      it('a lead sees every game; a changed assignment applies at the next request', async () => {
        const b = await openCase({ gameId: GAME_B });
        expect((await lead.get(`/v1/cases/${b.caseId}`)).status).toBe(200);
        expect((await ann.get(`/v1/cases/${b.caseId}`)).status).toBe(404);
        const changed = await lead.call('PUT', '/v1/moderators/ann/games', { games: [GAME_A, GAME_B] });
        expect(changed.body).toEqual({ username: 'ann', games: [GAME_A, GAME_B], previous: [GAME_A] });
        expect((await ann.get(`/v1/cases/${b.caseId}`)).status).toBe(200);
        await lead.call('PUT', '/v1/moderators/ann/games', { games: [GAME_A] });
        expect((await ann.get(`/v1/cases/${b.caseId}`)).status).toBe(404);
        const audit = await lead.get('/v1/audit?actor=lena&limit=100');
        expect(audit.body.entries.some((e: { action: string; detail: { username?: string } }) => e.action === 'moderator-games' && e.detail.username === 'ann')).toBe(true);
      });

      it('API tokens keep seeing every game', async () => {
        const a = await openCase({ gameId: GAME_A });
        const b = await openCase({ gameId: GAME_B });
        const bot = client(h.url, STATIC_TOKEN);
        for (const c of [a, b]) expect((await bot.get(`/v1/cases/${c.caseId}`)).status).toBe(200);
      });

      it.each([
        { body: { games: 'north' }, why: 'not a list' },
        { body: { games: ['north', 'north'] }, why: 'a game twice' },
        { body: { games: ['*', 'north'] }, why: '* with others' },
        { body: { games: ['bad game!'] }, why: 'not a game id' },
        { body: { games: [], extra: 1 }, why: 'an unknown field' },
      ])('refuses an assignment with $why, and changes nothing', async ({ body }) => {
        const res = await lead.call('PUT', '/v1/moderators/ben/games', body);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid-assignment');
        expect((await ben.get('/v1/me')).body.games).toEqual([GAME_B]);
      });

      it('refuses assignments to a lead, an unknown account, and from a moderator', async () => {
        expect((await lead.call('PUT', '/v1/moderators/lena/games', { games: ['x'] })).body.error).toBe('invalid-assignment');
        expect((await lead.call('PUT', '/v1/moderators/nobody/games', { games: ['x'] })).status).toBe(404);
        expect((await ann.call('PUT', '/v1/moderators/ann/games', { games: ['*'] })).status).toBe(403);
      });
    });

    describe('policy versions', () => {
      it('are for leads only', async () => {
        for (const [method, path] of [
          ['GET', '/v1/policies'],
          ['POST', '/v1/policies'],
          ['POST', '/v1/policies/validate'],
          ['POST', '/v1/policies/1/activate'],
          ['POST', '/v1/policies/rollback'],
          ['GET', '/v1/policies/shadow/report'],
          ['GET', '/v1/dashboard'],
          ['GET', '/v1/exposure'],
          ['PUT', '/v1/settings/wellbeing'],
        ] as const) {
          expect((await ann.call(method, path, method === 'GET' ? undefined : {})).status, `${method} ${path}`).toBe(403);
        }
      });

      it('validate lists every problem and never stores anything', async () => {
        const before = (await lead.get('/v1/policies')).body.versions.length;
        const res = await lead.post('/v1/policies/validate', { policy: { default: { rules: [{ name: 'x', when: { minToxicty: 1 }, action: { type: 'shame' } }] } } });
        expect(res.status).toBe(200);
        expect(res.body.valid).toBe(false);
        expect(res.body.problems.join('\n')).toMatch(/minToxicty/);
        expect(res.body.problems.join('\n')).toMatch(/action\.type/);
        const ok = await lead.post('/v1/policies/validate', { policy: { default: { ...DEFAULT_POLICY, moderationDeadlineSeconds: 60 } } });
        expect(ok.body).toMatchObject({ valid: true, problems: [] });
        expect((await lead.get('/v1/policies')).body.versions.length).toBe(before);
      });

      it.each([
        { body: 'not json', why: 'not JSON', error: 'invalid-json' },
        { body: { policy: { default: {} } }, why: 'no rules', error: 'invalid-policy' },
        { body: { policy: { default: DEFAULT_POLICY }, extra: true }, why: 'an unknown field', error: 'invalid-body' },
        { body: { policy: { default: DEFAULT_POLICY }, note: 'x'.repeat(501) }, why: 'a note too long', error: 'invalid-body' },
        { body: { policy: { default: { ...DEFAULT_POLICY, routing: { okBelow: 0.9, toxicFrom: 0.1 } } } }, why: 'a band upside down', error: 'invalid-policy' },
      ])('refuses a new version with $why (4xx, nothing stored)', async ({ body, error }) => {
        const before = (await lead.get('/v1/policies')).body;
        const res = typeof body === 'string' ? await rawPost('/v1/policies', body) : await lead.post('/v1/policies', body);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe(error);
        expect((await lead.get('/v1/policies')).body).toEqual(before);
      });

      it('the list says which version a rollback would make active, and a rollback goes there', async () => {
        const start = (await lead.get('/v1/policies')).body;
        const a = (await lead.post('/v1/policies', { policy: { default: { ...DEFAULT_POLICY, moderationDeadlineSeconds: 61 } } })).body.version as number;
        const b = (await lead.post('/v1/policies', { policy: { default: { ...DEFAULT_POLICY, moderationDeadlineSeconds: 62 } } })).body.version as number;
        expect((await lead.post(`/v1/policies/${a}/activate`, {})).status).toBe(200);
        expect((await lead.post(`/v1/policies/${b}/activate`, {})).status).toBe(200);
        expect((await lead.get('/v1/policies')).body).toMatchObject({ active: { version: b }, rollbackTo: a });
        expect((await lead.post('/v1/policies/rollback', {})).body).toMatchObject({ version: a });
        expect((await lead.get('/v1/policies')).body).toMatchObject({ active: { version: a }, rollbackTo: b });
        expect(start.rollbackTo === null || typeof start.rollbackTo === 'number').toBe(true);
      });

      async function rawPost(path: string, text: string) {
        const token = (await login(h.url, 'lena', PASSWORD)) as string;
        const res = await fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: text });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      }

      it('refuses to activate or shadow what does not exist, or to shadow the active version', async () => {
        const created = await lead.post('/v1/policies', { policy: { default: DEFAULT_POLICY } });
        expect(created.status).toBe(201);
        const v = created.body.version as number;
        expect((await lead.post('/v1/policies/999999/activate', {})).status).toBe(404);
        expect((await lead.post('/v1/policies/abc/activate', {})).status).toBe(404);
        expect((await lead.post(`/v1/policies/${v}/activate`, { expected: 'one' })).body.error).toBe('invalid-body');
        expect((await lead.post(`/v1/policies/${v}/activate`, {})).status).toBe(200);
        const again = await lead.post(`/v1/policies/${v}/shadow`, {});
        expect(again.status).toBe(409);
        expect(again.body.error).toBe('already-active');
        expect((await lead.get('/v1/policies/shadow/report')).status).toBe(404);
        expect((await lead.get(`/v1/policies/${v}/diff?against=zero`)).body.error).toBe('invalid-query');
      });
    });

    describe('wellbeing', () => {
      it('masks the worst terms in the queue, the case and its context; the moderator reveals them', async () => {
        const c = await openCase({ gameId: GAME_A, text: 'go back to your country you subhuman', playerId: `masked-${run}` });
        const queue = await ann.get(`/v1/cases?gameId=${GAME_A}&limit=500`);
        const item = queue.body.cases.find((x: { caseId: string }) => x.caseId === c.caseId);
        const spans = item.masks.map((s: { start: number; end: number }) => item.message.text.slice(s.start, s.end));
        expect(spans).toEqual(['go back to your country', 'subhuman']);
        expect((await ann.get(`/v1/cases/${c.caseId}`)).body.masks).toEqual(item.masks);
        expect((await ann.get(`/v1/cases/${c.caseId}/context`)).body.messageMasks).toEqual(item.masks);
        const mild = await openCase({ gameId: GAME_A, text: 'you are trash' });
        expect((await ann.get(`/v1/cases/${mild.caseId}`)).body).not.toHaveProperty('masks');

        expect((await ann.post(`/v1/cases/${c.caseId}/claim`)).status).toBe(200);
        const revealed = await ann.post(`/v1/cases/${c.caseId}/reveal`);
        expect(revealed.body).toMatchObject({ caseId: c.caseId, revealed: true });
        expect(revealed.body.exposure).toMatchObject({ reveals: 1 });
      });

      it('counts the worst cases each moderator opens today, reminds them to take a break, and a break resets the reminder', async () => {
        const settings = await lead.call('PUT', '/v1/settings/wellbeing', { breakAfterSevere: 2, breakMinutes: 5 });
        expect(settings.status).toBe(200);
        const start = (await ben.get('/v1/me/exposure')).body;
        for (let i = 0; i < 2; i++) {
          const c = await openCase({ gameId: GAME_B, toxicity: 0.5, threat: 0.9 });
          expect((await ben.post(`/v1/cases/${c.caseId}/claim`)).status).toBe(200);
          // Renewing a claim is not a second look.
          await ben.post(`/v1/cases/${c.caseId}/claim`);
          await ben.post(`/v1/cases/${c.caseId}/release`);
        }
        const mine = (await ben.get('/v1/me/exposure')).body;
        expect(mine).toMatchObject({ severe: start.severe + 2, breakDue: true, breakAfterSevere: 2, breakMinutes: 5 });
        expect((await ben.post('/v1/me/break')).body).toMatchObject({ severeSinceBreak: 0, breakDue: false });
        const team = await lead.get('/v1/exposure');
        expect(team.body.moderators.find((m: { username: string }) => m.username === 'ben')).toMatchObject({ severe: start.severe + 2, severeSinceBreak: 0 });
        expect((await lead.get('/v1/exposure?day=yesterday')).body.error).toBe('invalid-query');
        await lead.call('PUT', '/v1/settings/wellbeing', {});
      });

      it.each([
        { body: { breakAfterSevere: 0 }, why: 'no break threshold' },
        { body: { maskFromWeight: 0.1 }, why: 'masking nearly every word' },
        { body: { mask: 'yes' }, why: 'a wrong type' },
        { body: { breakMinutes: 10, snooze: true }, why: 'an unknown setting' },
      ])('refuses settings with $why, and keeps the ones in force', async ({ body }) => {
        const before = (await lead.get('/v1/settings/wellbeing')).body;
        const res = await lead.call('PUT', '/v1/settings/wellbeing', body);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid-settings');
        expect((await lead.get('/v1/settings/wellbeing')).body).toEqual(before);
      });
    });
  });
}
