// One behaviour for every adapter of the case store port (CaseStore): in memory (tests, a single
// process) and SQL (PGlite on the embedded default, PostgreSQL on the real stack). A verdict takes
// effect once, claims are arbitrated by the store, and closed results wait in an outbox.
import { describe, expect, it } from 'vitest';
import type { CaseStore } from '@sinbin/contract';
import { at, chatMessage, iso, moderationCase, moderationResult } from '../helpers/events';

let unique = 0;
/** A game of the test's own, so suites sharing a database do not see each other's cases. */
const game = () => `case-contract-${process.pid}-${++unique}`;
const caseIn = (gameId: string, over: Parameters<typeof moderationCase>[0] = {}) => moderationCase({ message: chatMessage({ gameId, messageId: `m-${++unique}` }), ...over });
const resultFor = (c: ReturnType<typeof moderationCase>, over: Parameters<typeof moderationResult>[0] = {}) => moderationResult({ caseId: c.caseId, message: c.message, ...over });

export function caseStoreContract(name: string, open: () => Promise<CaseStore>): void {
  describe(`case store contract: ${name}`, () => {
    it('opens a case once', async () => {
      const s = await open();
      const g = game();
      const c = caseIn(g);
      expect(await s.open(c)).toEqual({ created: true });
      expect(await s.open(c)).toEqual({ created: false });
      expect(await s.countPending(g)).toBe(1);
      expect(await s.get(c.caseId)).toMatchObject({ case: c, status: 'pending' });
      expect(await s.get(`nope-${g}`)).toBeUndefined();
    });

    it('closes a case exactly once; the second close is already-closed', async () => {
      const s = await open();
      const g = game();
      const c = caseIn(g);
      await s.open(c);
      const result = resultFor(c);
      expect(await s.close(c.caseId, result, 'decided')).toBe('closed');
      expect(await s.close(c.caseId, resultFor(c, { verdict: 'allow' }), 'expired')).toBe('already-closed');
      expect(await s.close(`nope-${g}`, result, 'decided')).toBe('not-found');
      expect(await s.get(c.caseId)).toMatchObject({ status: 'decided', result, published: false });
      expect(await s.countPending(g)).toBe(0);
    });

    it('lists pending cases by game, oldest first, up to the limit', async () => {
      const s = await open();
      const g = game();
      const a2 = caseIn(g, { openedAt: iso(2000) });
      const a1 = caseIn(g, { openedAt: iso(1000) });
      const other = caseIn(game(), { openedAt: iso(500) });
      for (const c of [a2, a1, other]) await s.open(c);
      expect(await s.listPending({ gameId: g, limit: 10 })).toEqual([a1, a2]);
      expect(await s.listPending({ gameId: g, limit: 1 })).toEqual([a1]);
      expect(await s.countPending(other.message.gameId)).toBe(1);
    });

    it('listDue: pending cases at or past their deadline, soonest first', async () => {
      const s = await open();
      const g = game();
      // Far in the past, so other tests' cases sharing the store are not due before these.
      const late = caseIn(g, { dueAt: new Date(2000).toISOString() });
      const early = caseIn(g, { dueAt: new Date(1000).toISOString() });
      const future = caseIn(g, { dueAt: iso(9_000_000_000) });
      const closed = caseIn(g, { dueAt: new Date(500).toISOString() });
      for (const c of [late, early, future, closed]) await s.open(c);
      await s.close(closed.caseId, resultFor(closed), 'decided');
      const mine = (cases: { caseId: string }[]) => cases.filter((c) => [late, early, future, closed].some((x) => x.caseId === c.caseId));
      expect(mine(await s.listDue(new Date(2000), 1000))).toEqual([early, late]);
      expect(mine(await s.listDue(new Date(1999), 1000))).toEqual([early]);
    });

    it('unpublished outbox: closed results until marked published', async () => {
      const s = await open();
      const g = game();
      const [c1, c2, c3] = [caseIn(g), caseIn(g), caseIn(g)];
      for (const c of [c1, c2, c3]) await s.open(c);
      const r1 = resultFor(c1);
      const r2 = resultFor(c2, { resolution: 'expired', moderatorId: undefined });
      await s.close(c1.caseId, r1, 'decided');
      await s.close(c2.caseId, r2, 'expired');
      // Decided at the same instant, so in no particular order.
      const mine = async () => (await s.listUnpublished(1000)).filter((r) => r.message.gameId === g).sort((a, b) => a.caseId.localeCompare(b.caseId));
      expect(await mine()).toEqual([r1, r2].sort((a, b) => a.caseId.localeCompare(b.caseId)));
      await s.markPublished(c1.caseId);
      await s.markPublished(c3.caseId); // pending: nothing to mark
      expect(await mine()).toEqual([r2]);
      expect((await s.get(c1.caseId))?.published).toBe(true);
      expect((await s.get(c3.caseId))?.published).toBeUndefined();
    });

    it('claims: one holder at a time, renewable by the holder, free again once released or lapsed', async () => {
      const s = await open();
      const c = caseIn(game());
      await s.open(c);
      const t0 = at(0);
      expect(await s.claim(c.caseId, 'alice', t0, 60_000)).toMatchObject({ status: 'claimed', renewed: false, claim: { moderatorId: 'alice' } });
      expect(await s.claim(c.caseId, 'bob', t0, 60_000)).toMatchObject({ status: 'taken', claim: { moderatorId: 'alice' } });
      expect(await s.claim(c.caseId, 'alice', at(1000), 60_000)).toMatchObject({ status: 'claimed', renewed: true });
      expect(await s.release(c.caseId, 'bob', at(2000))).toBe(false);
      expect(await s.release(c.caseId, 'alice', at(2000))).toBe(true);
      expect(await s.claim(c.caseId, 'bob', at(3000), 1000)).toMatchObject({ status: 'claimed' });
      // bob's lease lapses: the case is free for alice
      expect(await s.claim(c.caseId, 'alice', at(5000), 60_000)).toMatchObject({ status: 'claimed', claim: { moderatorId: 'alice' } });
      expect(await s.claim(`nope-${c.caseId}`, 'alice', t0, 1000)).toEqual({ status: 'not-found' });
    });

    it('concurrent claims: exactly one winner', async () => {
      const s = await open();
      const c = caseIn(game());
      await s.open(c);
      const outcomes = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((m) => s.claim(c.caseId, m, at(0), 60_000)));
      expect(outcomes.filter((o) => o.status === 'claimed')).toHaveLength(1);
    });

    it('decide: only the holder (when a claim is required), once; undo within the window keeps the claim', async () => {
      const s = await open();
      const c = caseIn(game());
      await s.open(c);
      await s.claim(c.caseId, 'alice', at(0), 60_000);
      const result = resultFor(c, { moderatorId: 'alice' });
      expect(await s.decide(c.caseId, result, { moderatorId: 'bob', now: at(1), requireClaim: true })).toBe('not-holder');
      expect(await s.decide(c.caseId, result, { moderatorId: 'alice', now: at(1), requireClaim: true, undoUntil: at(30_000) })).toBe('decided');
      expect(await s.decide(c.caseId, result, { moderatorId: 'alice', now: at(2), requireClaim: true })).toBe('already-closed');
      // held back during the undo window, then due for publishing
      expect((await s.listUnpublished(1000, at(10))).map((r) => r.caseId)).not.toContain(c.caseId);
      expect(await s.undo(c.caseId, 'bob', at(20), 60_000)).toEqual({ status: 'not-yours' });
      expect(await s.undo(c.caseId, 'alice', at(20), 60_000)).toMatchObject({ status: 'reopened', claim: { moderatorId: 'alice' } });
      expect((await s.get(c.caseId, at(21)))?.status).toBe('pending');
      expect(await s.decide(c.caseId, result, { moderatorId: 'alice', now: at(30), requireClaim: true, undoUntil: at(40) })).toBe('decided');
      expect(await s.undo(c.caseId, 'alice', at(50), 60_000)).toEqual({ status: 'too-late' });
      expect((await s.listUnpublished(1000, at(50))).map((r) => r.caseId)).toContain(c.caseId);
    });

    it("a player's history: their other cases in the game, newest first, with outcomes", async () => {
      const s = await open();
      const g = game();
      const player = `p-${g}`;
      const older = caseIn(g, { openedAt: iso(1000), message: chatMessage({ gameId: g, playerId: player, messageId: `h1-${g}` }) });
      const newer = caseIn(g, { openedAt: iso(2000), message: chatMessage({ gameId: g, playerId: player, messageId: `h2-${g}` }) });
      const current = caseIn(g, { openedAt: iso(3000), message: chatMessage({ gameId: g, playerId: player, messageId: `h3-${g}` }) });
      for (const c of [older, newer, current]) await s.open(c);
      await s.close(older.caseId, resultFor(older, { verdict: 'block' }), 'decided');
      const history = await s.playerHistory(g, player, { exceptCaseId: current.caseId, limit: 10 });
      expect(history).toMatchObject({ cases: 2, blocked: 1 });
      expect(history.recent.map((l) => l.caseId)).toEqual([newer.caseId, older.caseId]);
      expect(history.recent[1]).toMatchObject({ status: 'decided', verdict: 'block' });
    });

    it("queues only a moderator's games when given, and counts the outbox per game", async () => {
      const s = await open();
      const [g1, g2] = [game(), game()];
      const a = caseIn(g1);
      const b = caseIn(g2);
      for (const c of [a, b]) await s.open(c);
      const mine = await s.queue({ games: [g1], limit: 1000, now: at(0) });
      expect(mine.map((q) => q.case.caseId)).toEqual([a.caseId]);
      expect(await s.queue({ games: [], limit: 1000, now: at(0) })).toEqual([]);
      await s.close(b.caseId, resultFor(b), 'decided');
      const counts = await s.counts(at(0));
      expect(counts.awaitingByGame?.[g2]).toBe(1);
      expect(counts.awaitingByGame?.[g1]).toBeUndefined();
    });

    it('holds a case past its deadline once: a new dueAt, marked held, audited', async () => {
      const s = await open();
      const g = game();
      const c = caseIn(g, { dueAt: iso(1000), onDeadline: { lapse: 'hold', holdSeconds: 60 } });
      await s.open(c);
      expect(await s.hold(c.caseId, at(61_000), at(1000))).toBe(true);
      expect(await s.hold(c.caseId, at(99_000), at(2000))).toBe(false);
      const held = await s.get(c.caseId, at(2000));
      expect(held?.case).toMatchObject({ dueAt: iso(61_000), heldAt: iso(1000) });
      expect((await s.listDue(at(30_000), 1000)).map((x) => x.caseId)).not.toContain(c.caseId);
      expect((await s.listDue(at(61_000), 1000)).map((x) => x.caseId)).toContain(c.caseId);
      await s.close(c.caseId, resultFor(c, { resolution: 'expired', lapse: 'hold', moderatorId: undefined }), 'expired');
      expect(await s.hold(c.caseId, at(99_000), at(62_000))).toBe(false);
    });

    it('releases lapsed leases and names their games', async () => {
      const s = await open();
      const g = game();
      const c = caseIn(g);
      await s.open(c);
      await s.claim(c.caseId, 'alice', at(0), 1000);
      const lapsed = await s.releaseLapsed(at(5000), 1000);
      expect(lapsed).toContainEqual({ caseId: c.caseId, gameId: g });
    });

    it('review statistics: verdicts per moderator with agreement, lapses by rule, queue depth per bucket', async () => {
      const s = await open();
      const g = game();
      const opened = (ms: number, over: Parameters<typeof moderationCase>[0] = {}) => caseIn(g, { openedAt: iso(ms), provisionalVerdict: 'block', ...over });
      const [agree, disagree, lapse, waiting] = [opened(0), opened(0), opened(60_000, { onDeadline: { lapse: 'allow' } }), opened(120_000)];
      for (const c of [agree, disagree, lapse, waiting]) await s.open(c);
      const verdict = (c: typeof agree, v: 'allow' | 'block', ms: number) =>
        s.decide(c.caseId, resultFor(c, { verdict: v, moderatorId: 'alice', resolution: 'moderator', decidedAt: iso(ms) }), { moderatorId: 'alice', now: at(ms), requireClaim: false });
      await verdict(agree, 'block', 90_000);
      await verdict(disagree, 'allow', 150_000);
      await s.close(lapse.caseId, resultFor(lapse, { verdict: 'allow', resolution: 'expired', lapse: 'allow', moderatorId: undefined, decidedAt: iso(200_000) }), 'expired');
      const stats = await s.reviewStats({ since: at(0), until: at(240_000), bucketSeconds: 60, games: [g] });
      expect(stats.moderators).toEqual([{ moderatorId: 'alice', decided: 2, blocked: 1, agreedWithModel: 1 }]);
      expect(stats.throughput.map((t) => [t.bucket, t.decided])).toEqual([
        [iso(60_000), 1],
        [iso(120_000), 1],
      ]);
      expect(stats.lapsed).toEqual({ allow: 1, model: 0, hold: 0 });
      // Pending at the end of each minute (a case opened at that instant counts): 1:00 three, 2:00 three
      // (one decided at 1:30, one opened at 2:00), 3:00 two (one decided at 2:30), 4:00 one (one lapsed at 3:20).
      expect(stats.depth.map((d) => d.pending)).toEqual([3, 3, 2, 1]);
      expect(stats.depth[0]).toMatchObject({ at: iso(60_000), oldestAgeSeconds: 60 });
      expect(await s.reviewStats({ since: at(0), until: at(240_000), bucketSeconds: 60, games: ['nobody'] })).toMatchObject({ moderators: [], lapsed: { allow: 0 } });
    });
  });
}
