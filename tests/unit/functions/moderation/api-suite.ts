// One contract suite for the moderation API, run against every case-store adapter: memory and
// PGlite here (unit), PostgreSQL in tests/integration/moderation. Each test works in a game of
// its own, so tests share one database without seeing each other's cases.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createAccount, login, makeCase, startHarness, STATIC_TOKEN, type Harness } from './harness';
import type { StoreSet } from '@sinbin/contract';

const PASSWORD = 'correct horse battery staple';
let games = 0;
const newGame = () => `game-${++games}-${Math.random().toString(36).slice(2, 7)}`;

export function moderationApiSuite(label: string, makeStores: () => Promise<{ stores: StoreSet; close: () => Promise<void> }>): void {
  describe(`moderation API on ${label}`, () => {
    let h: Harness;
    let closeStores: () => Promise<void>;
    let alice: ReturnType<typeof client>;
    let bob: ReturnType<typeof client>;
    let lead: ReturnType<typeof client>;
    let bot: ReturnType<typeof client>;

    beforeAll(async () => {
      const made = await makeStores();
      closeStores = made.close;
      await Promise.all([
        createAccount(made.stores, 'alice', PASSWORD, 'moderator'),
        createAccount(made.stores, 'bob', PASSWORD, 'moderator'),
        createAccount(made.stores, 'lena', PASSWORD, 'lead'),
      ]);
      h = await startHarness(made.stores);
      alice = client(h.url, await login(h.url, 'alice', PASSWORD));
      bob = client(h.url, await login(h.url, 'bob', PASSWORD));
      lead = client(h.url, await login(h.url, 'lena', PASSWORD));
      bot = client(h.url, STATIC_TOKEN);
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

    describe('authentication', () => {
      it.each([
        ['GET', '/v1/cases'],
        ['GET', '/v1/cases/x'],
        ['GET', '/v1/cases/x/context'],
        ['POST', '/v1/cases/x/claim'],
        ['POST', '/v1/cases/x/verdict'],
        ['POST', '/v1/cases/x/undo'],
        ['GET', '/v1/events'],
        ['GET', '/v1/audit'],
        ['GET', '/v1/me'],
      ])('%s %s without a token is 401', async (method, path) => {
        const res = await client(h.url).call(method, path, method === 'POST' ? {} : undefined);
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('unauthorized');
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      });

      it('refuses an unknown token and a wrong password', async () => {
        expect((await client(h.url, 'tms_not-a-session').get('/v1/cases')).status).toBe(401);
        const res = await client(h.url).post('/v1/auth/login', { username: 'alice', password: 'wrong password!!' });
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid-credentials');
        expect((await client(h.url).post('/v1/auth/login', { username: 'nobody', password: 'whatever-it-is' })).status).toBe(401);
      });

      it('logs in, says who you are, and logs out for good', async () => {
        const login = await client(h.url).post('/v1/auth/login', { username: 'bob', password: PASSWORD });
        expect(login.status).toBe(200);
        expect(login.body.moderator).toEqual({ username: 'bob', role: 'moderator' });
        expect(Date.parse(login.body.expiresAt)).toBeGreaterThan(h.clock.now().getTime());
        const me = client(h.url, login.body.token);
        expect((await me.get('/v1/me')).body).toMatchObject({ username: 'bob', role: 'moderator', kind: 'session' });
        expect((await me.post('/v1/auth/logout')).status).toBe(204);
        expect((await me.get('/v1/me')).status).toBe(401);
      });

      it('expires sessions', async () => {
        const token = await login(h.url, 'bob', PASSWORD);
        h.clock.advance(12 * 3600_000 + 1000);
        expect((await client(h.url, token).get('/v1/me')).status).toBe(401);
        // the suite's own sessions were made at the start; log them in again
        alice = client(h.url, await login(h.url, 'alice', PASSWORD));
        bob = client(h.url, await login(h.url, 'bob', PASSWORD));
        lead = client(h.url, await login(h.url, 'lena', PASSWORD));
      });

      it('locks an account out for a while after repeated wrong passwords', async () => {
        await createAccount(h.stores, 'mallory-target', PASSWORD, 'moderator');
        for (let i = 0; i < 5; i++) expect((await client(h.url).post('/v1/auth/login', { username: 'mallory-target', password: `guess-${i}-guess-guess` })).status).toBe(401);
        const locked = await client(h.url).post('/v1/auth/login', { username: 'mallory-target', password: PASSWORD });
        expect(locked.status).toBe(429);
        expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
        h.clock.advance(61_000);
        expect((await client(h.url).post('/v1/auth/login', { username: 'mallory-target', password: PASSWORD })).status).toBe(200);
      });

      it('answers CORS preflights and tags answers for other origins', async () => {
        const pre = await client(h.url).call('OPTIONS', '/v1/cases/abc/claim', undefined, {
          origin: 'https://mod.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        });
        expect(pre.status).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe('*');
        expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
        const res = await client(h.url).get('/v1/cases', { origin: 'https://mod.example' });
        expect(res.status).toBe(401);
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
      });
    });

    describe('queue', () => {
      it('orders by priority: severity and the player history before age; filters by game', async () => {
        const game = newGame();
        const at = h.clock.now().getTime();
        const mild = await openCase({ gameId: game, playerId: 'calm', toxicity: 0.45, openedAt: new Date(at - 120_000) });
        const threat = await openCase({ gameId: game, playerId: 'angry', toxicity: 0.5, threat: 0.8, openedAt: new Date(at - 10_000) });
        // a player with two earlier blocked cases
        for (const text of ['first', 'second']) {
          const prior = await openCase({ gameId: game, playerId: 'repeat', toxicity: 0.4, text, openedAt: new Date(at - 3600_000) });
          expect((await bot.post(`/v1/cases/${prior.caseId}/verdict`, { verdict: 'block', category: 'insult' })).status).toBe(200);
        }
        // ranks: threat = now - 20m10s (severity 1), repeat = now - 30s - 9m - 10m (history), mild = now - 2m - 9m
        const repeat = await openCase({ gameId: game, playerId: 'repeat', toxicity: 0.45, openedAt: new Date(at - 30_000) });
        await openCase({ gameId: newGame(), toxicity: 0.99 });

        const res = await alice.get(`/v1/cases?gameId=${game}`);
        expect(res.status).toBe(200);
        expect(res.body.cases.map((c: { caseId: string }) => c.caseId)).toEqual([threat.caseId, repeat.caseId, mild.caseId]);
        expect(res.body.pending).toBe(3);
        expect(res.body.cases[1].queue).toMatchObject({ priorCases: 2, priorBlocks: 2, claim: null });
        expect(res.body.cases[0].queue.severity).toBeGreaterThan(res.body.cases[2].queue.severity);
        expect(res.body.byGame.find((g: { gameId: string }) => g.gameId === game)).toMatchObject({ pending: 3, claimed: 0, oldestOpenedAt: mild.openedAt });
        // the original API's shape still holds: case objects with caseId and message
        expect(res.body.cases[0].message.gameId).toBe(game);
      });

      it('hides a case someone else reviews, and shows it to its holder', async () => {
        const game = newGame();
        const c = await openCase({ gameId: game });
        expect((await alice.post(`/v1/cases/${c.caseId}/claim`)).status).toBe(200);
        expect((await bob.get(`/v1/cases?gameId=${game}`)).body.cases).toEqual([]);
        const mine = await alice.get(`/v1/cases?gameId=${game}`);
        expect(mine.body.cases[0].queue.claim.moderatorId).toBe('alice');
        expect(mine.body.claimed).toBe(1);
      });
    });

    describe('claims', () => {
      it('two moderators claiming the same case at once: exactly one wins', async () => {
        for (let round = 0; round < 5; round++) {
          const c = await openCase({ gameId: newGame() });
          const [a, b] = await Promise.all([alice.post(`/v1/cases/${c.caseId}/claim`), bob.post(`/v1/cases/${c.caseId}/claim`)]);
          expect([a.status, b.status].sort()).toEqual([200, 409]);
          const winner = a.status === 200 ? 'alice' : 'bob';
          const loser = a.status === 200 ? b : a;
          expect(loser.body.error).toBe('claimed');
          expect(loser.body.claim.moderatorId).toBe(winner);
          expect((await h.stores.cases.get(c.caseId, h.clock.now()))!.claim!.moderatorId).toBe(winner);
        }
      });

      it('many concurrent claimers at the store: one claim', async () => {
        const c = await openCase({ gameId: newGame() });
        const now = h.clock.now();
        const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => h.stores.cases.claim(c.caseId, `m${i}`, now, 60_000)));
        expect(outcomes.filter((o) => o.status === 'claimed')).toHaveLength(1);
        expect(outcomes.filter((o) => o.status === 'taken')).toHaveLength(11);
      });

      it('an expired lease returns the case to the queue', async () => {
        const game = newGame();
        const c = await openCase({ gameId: game });
        const claim = await alice.post(`/v1/cases/${c.caseId}/claim`);
        expect(Date.parse(claim.body.claim.until) - h.clock.now().getTime()).toBe(120_000);
        h.clock.advance(119_000);
        expect((await bob.get(`/v1/cases?gameId=${game}`)).body.cases).toEqual([]);
        h.clock.advance(2000);
        await h.sweep();
        expect((await bob.get(`/v1/cases?gameId=${game}`)).body.cases.map((x: { caseId: string }) => x.caseId)).toEqual([c.caseId]);
        // the lapsed holder can no longer decide; the new holder can
        expect((await bob.post(`/v1/cases/${c.caseId}/claim`)).status).toBe(200);
        const late = await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow' });
        expect(late.status).toBe(409);
        expect(late.body.error).toBe('not-claimed');
        expect((await bob.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow' })).status).toBe(200);
      });

      it('renews a claim for its holder and releases it on request', async () => {
        const game = newGame();
        const c = await openCase({ gameId: game });
        await alice.post(`/v1/cases/${c.caseId}/claim`);
        h.clock.advance(60_000);
        const renewed = await alice.post(`/v1/cases/${c.caseId}/claim`);
        expect(renewed.body.renewed).toBe(true);
        expect(Date.parse(renewed.body.claim.until) - h.clock.now().getTime()).toBe(120_000);
        expect((await bob.post(`/v1/cases/${c.caseId}/release`)).status).toBe(409);
        expect((await alice.post(`/v1/cases/${c.caseId}/release`)).status).toBe(200);
        expect((await bob.get(`/v1/cases?gameId=${game}`)).body.cases).toHaveLength(1);
      });
    });

    describe('verdicts', () => {
      it('only the lease holder decides', async () => {
        const c = await openCase({ gameId: newGame() });
        const unclaimed = await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow' });
        expect(unclaimed.status).toBe(409);
        expect(unclaimed.body.error).toBe('not-claimed');
        await alice.post(`/v1/cases/${c.caseId}/claim`);
        const other = await bob.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'block', category: 'insult' });
        expect(other.status).toBe(409);
        expect(other.body.claim.moderatorId).toBe('alice');
        // an API token can't take a case a person holds either
        expect((await bot.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow' })).status).toBe(409);
      });

      it('rejects malformed verdicts', async () => {
        const c = await openCase({ gameId: newGame() });
        await alice.post(`/v1/cases/${c.caseId}/claim`);
        expect((await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'maybe' })).body.error).toBe('invalid-verdict');
        expect((await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow', category: 'insult' })).status).toBe(400);
        const raw = await alice.call('POST', `/v1/cases/${c.caseId}/verdict`, undefined, { 'content-type': 'application/json' });
        expect(raw.status).toBe(400);
      });

      it('a verdict submitted twice has one effect, published once after the undo window', async () => {
        const c = await openCase({ gameId: newGame() });
        await alice.post(`/v1/cases/${c.caseId}/claim`);
        const verdict = { verdict: 'block', category: 'threat', action: { type: 'mute', durationSeconds: 600 }, note: 'threatened a teammate' };
        const [first, second] = await Promise.all([alice.post(`/v1/cases/${c.caseId}/verdict`, verdict), alice.post(`/v1/cases/${c.caseId}/verdict`, verdict)]);
        expect([first.status, second.status]).toEqual([200, 200]);
        expect([first.body.duplicate, second.body.duplicate].filter(Boolean)).toHaveLength(1);
        expect(first.body.published).toBe(false);
        expect(Date.parse(first.body.undoUntil ?? second.body.undoUntil) - h.clock.now().getTime()).toBe(30_000);
        // a different verdict afterwards is refused
        expect((await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow' })).status).toBe(409);

        await h.sweep();
        expect(h.published.filter((r) => r.caseId === c.caseId)).toHaveLength(0);
        h.clock.advance(30_001);
        await h.sweep();
        await h.sweep();
        const results = h.published.filter((r) => r.caseId === c.caseId);
        expect(results).toHaveLength(1);
        expect(results[0]).toMatchObject({ verdict: 'block', category: 'threat', action: { type: 'mute', durationSeconds: 600 }, moderatorId: 'alice', resolution: 'moderator' });
        expect((await alice.get(`/v1/cases/${c.caseId}`)).body).toMatchObject({ status: 'decided', published: true });
      });

      it('undo within the window reopens the case for its moderator; nothing was published', async () => {
        const game = newGame();
        const c = await openCase({ gameId: game });
        await alice.post(`/v1/cases/${c.caseId}/claim`);
        await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'block', category: 'insult' });
        expect((await bob.post(`/v1/cases/${c.caseId}/undo`)).status).toBe(403);
        h.clock.advance(10_000);
        const undone = await alice.post(`/v1/cases/${c.caseId}/undo`);
        expect(undone.status).toBe(200);
        expect(undone.body).toMatchObject({ status: 'pending', claim: { moderatorId: 'alice' } });
        expect((await bob.get(`/v1/cases?gameId=${game}`)).body.cases).toEqual([]);
        h.clock.advance(25_000);
        await h.sweep();
        expect(h.published.filter((r) => r.caseId === c.caseId)).toHaveLength(0);
        expect((await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow' })).status).toBe(200);
        h.clock.advance(30_001);
        await h.sweep();
        expect(h.published.filter((r) => r.caseId === c.caseId).map((r) => r.verdict)).toEqual(['allow']);
        const late = await alice.post(`/v1/cases/${c.caseId}/undo`);
        expect(late.status).toBe(409);
        expect(late.body.error).toBe('too-late');
      });

      it('keeps the API token flow: a direct verdict on an unclaimed case is published at once', async () => {
        const game = newGame();
        const c = await openCase({ gameId: game });
        const list = await bot.get(`/v1/cases?gameId=${game}`);
        expect(list.body.cases.map((x: { caseId: string }) => x.caseId)).toEqual([c.caseId]);
        const res = await bot.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'block', category: 'profanity' });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ caseId: c.caseId, status: 'decided', published: true });
        expect(h.published.filter((r) => r.caseId === c.caseId)).toMatchObject([{ verdict: 'block', moderatorId: 'api-bot' }]);
        const again = await bot.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow' });
        expect(again.status).toBe(409);
        expect(again.body.error).toBe('already-decided');
      });

      it('closes an undecided case with the provisional verdict at its deadline', async () => {
        const c = await openCase({ gameId: newGame(), dueInMs: 5000 });
        await alice.post(`/v1/cases/${c.caseId}/claim`);
        h.clock.advance(5001);
        await h.sweep();
        expect(h.published.filter((r) => r.caseId === c.caseId)).toMatchObject([{ resolution: 'expired', verdict: 'allow' }]);
        expect((await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'block', category: 'insult' })).status).toBe(409);
      });
    });

    describe('case context', () => {
      it('shows the channel around the message and the player history', async () => {
        const game = newGame();
        const key = `${game}/match-ctx`;
        const line = (id: string, playerId: string, text: string) => h.stores.context.append(key, { messageId: id, playerId, text, sentAt: h.clock.now().toISOString() });
        await line('a1', 'p-2', 'mid or feed');
        await line('a2', 'p-target', 'shut up');
        const c = await openCase({ gameId: game, channelId: 'match-ctx', playerId: 'p-target', messageId: 'a3', text: 'you are trash' });
        await line('a3', 'p-target', 'you are trash');
        await line('a4', 'p-2', 'reported');
        const earlier = await openCase({ gameId: game, channelId: 'match-0', playerId: 'p-target', text: 'earlier one' });
        await bot.post(`/v1/cases/${earlier.caseId}/verdict`, { verdict: 'block', category: 'insult' });

        const res = await alice.get(`/v1/cases/${c.caseId}/context`);
        expect(res.status).toBe(200);
        expect(res.body.source).toBe('channel');
        expect(res.body.before.map((l: { text: string }) => l.text)).toEqual(['mid or feed', 'shut up']);
        expect(res.body.after.map((l: { text: string; playerId: string }) => [l.playerId, l.text])).toEqual([['p-2', 'reported']]);
        expect(res.body.history).toMatchObject({ cases: 1, blocked: 1, recent: [{ caseId: earlier.caseId, text: 'earlier one', verdict: 'block', category: 'insult' }] });
      });

      it('falls back to the lines the model saw when the channel has moved on', async () => {
        const c = await openCase({ gameId: newGame(), channelId: 'quiet' });
        const res = await alice.get(`/v1/cases/${c.caseId}/context`);
        expect(res.body.source).toBe('case');
        expect(res.body.before).toEqual(c.context);
      });
    });

    describe('audit log and accounts', () => {
      it('a moderator cannot read the audit log; a lead can, with every action', async () => {
        const c = await openCase({ gameId: newGame() });
        await alice.post(`/v1/cases/${c.caseId}/claim`);
        await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow', note: 'banter' });
        await alice.post(`/v1/cases/${c.caseId}/undo`);
        const denied = await alice.get('/v1/audit');
        expect(denied.status).toBe(403);
        expect(denied.body.error).toBe('forbidden');
        expect((await bot.get('/v1/audit')).status).toBe(403);
        const res = await lead.get(`/v1/audit?caseId=${c.caseId}`);
        expect(res.status).toBe(200);
        expect(res.body.entries.map((e: { action: string }) => e.action)).toEqual(['undo', 'verdict', 'claim']);
        expect(res.body.entries[1]).toMatchObject({ actor: 'alice', caseId: c.caseId, detail: { verdict: 'allow', note: 'banter' } });
        const logins = await lead.get('/v1/audit?actor=alice&limit=500');
        expect(logins.body.entries.some((e: { action: string }) => e.action === 'login')).toBe(true);
      });

      it('a lead creates and disables accounts; a moderator cannot', async () => {
        expect((await alice.post('/v1/moderators', { username: 'carol', password: PASSWORD })).status).toBe(403);
        const created = await lead.post('/v1/moderators', { username: 'carol', password: PASSWORD });
        expect(created.status).toBe(201);
        // A new moderator sees no game until a lead assigns some.
        expect(created.body).toEqual({ username: 'carol', role: 'moderator', games: [] });
        expect((await lead.post('/v1/moderators', { username: 'carol', password: PASSWORD })).status).toBe(409);
        expect((await lead.post('/v1/moderators', { username: 'dave', password: 'short' })).status).toBe(400);
        const carol = client(h.url, await login(h.url, 'carol', PASSWORD));
        expect((await carol.get('/v1/me')).body).toMatchObject({ username: 'carol', games: [] });
        expect((await lead.post('/v1/moderators/carol/disable')).status).toBe(200);
        expect((await carol.get('/v1/me')).status).toBe(401);
        expect((await client(h.url).post('/v1/auth/login', { username: 'carol', password: PASSWORD })).status).toBe(401);
        const list = await lead.get('/v1/moderators');
        expect(list.body.moderators.find((m: { username: string }) => m.username === 'carol')).toMatchObject({ role: 'moderator', createdBy: 'lena' });
        expect(JSON.stringify(list.body)).not.toContain('scrypt');
      });
    });

    describe('live updates and scale to zero', () => {
      it('streams queue changes to connected moderators and stays busy while one is connected', async () => {
        const game = newGame();
        // settle everything this suite left open, so busy() only reflects this test
        for (const c of await h.stores.cases.listPending({ limit: 1000 })) await h.stores.cases.close(c.caseId, { ...c, verdict: 'allow', resolution: 'expired', decidedAt: new Date().toISOString() }, 'expired');
        h.clock.advance(60_000);
        await h.sweep();
        expect(h.running.busy!()).toBe(false);

        const token = await login(h.url, 'bob', PASSWORD);
        const events: string[] = [];
        const url = new URL('/v1/events', h.url);
        const req = request(url, { headers: { authorization: `Bearer ${token}` } });
        const opened = new Promise<void>((resolve, reject) => {
          req.on('response', (res) => {
            expect(res.statusCode).toBe(200);
            expect(res.headers['content-type']).toContain('text/event-stream');
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => events.push(chunk));
            resolve();
          });
          req.on('error', reject);
        });
        req.end();
        await opened;
        await expect.poll(() => events.join('')).toContain('event: hello');
        expect(h.running.busy!()).toBe(true);

        const c = await openCase({ gameId: game });
        await alice.post(`/v1/cases/${c.caseId}/claim`);
        await expect.poll(() => events.join(''), { timeout: 20_000 }).toContain(`"caseId":"${c.caseId}"`);
        const text = events.join('');
        expect(text).toContain('"type":"opened"');
        expect(text).toContain('"type":"claimed"');
        expect(text).toContain('"counts"');

        await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow' });
        h.clock.advance(30_001);
        await h.sweep();
        expect(h.running.busy!()).toBe(true); // the stream is still open
        req.destroy();
        await expect.poll(() => h.running.busy!(), { timeout: 20_000 }).toBe(false);
      });

      it('is busy while a case waits and while a verdict waits out its undo window', async () => {
        const c = await openCase({ gameId: newGame() });
        expect(h.running.busy!()).toBe(true);
        await alice.post(`/v1/cases/${c.caseId}/claim`);
        await alice.post(`/v1/cases/${c.caseId}/verdict`, { verdict: 'allow' });
        await h.sweep();
        expect(h.running.busy!()).toBe(true);
        h.clock.advance(30_001);
        await h.sweep();
        expect(h.running.busy!()).toBe(false);
      });
    });
  });
}
