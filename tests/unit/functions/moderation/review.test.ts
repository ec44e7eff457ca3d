// The review-side pure parts of moderation: queue priority, the undo window, accounts and
// tokens, login throttling, the counts cache. (core.test.ts covers verdicts and results.)
import { describe, expect, it } from 'vitest';
import { channelKey as fastClassifierChannelKey } from '../../../../functions/fast-classifier/src/core';
import { hashPassword, hashToken, newSessionToken, verifyPassword } from '../../../../functions/moderation/src/auth';
import { caseRank, channelKey, LoginThrottle, severity, undoDeadline } from '../../../../functions/moderation/src/core';
import { NewModeratorSchema } from '@sinbin/contract';
import { CountsCache } from '../../../../functions/moderation/src/live';
import { makeCase } from './harness';

describe('severity', () => {
  it.each([
    ['plain toxicity', { toxicity: 0.4 }, 0.4],
    ['a threat weighs more than its score', { toxicity: 0.4, threat: 0.5 }, 0.75],
    ['capped at 1', { toxicity: 0.9, threat: 0.9 }, 1],
  ])('%s', (_name, scores, expected) => {
    expect(severity(makeCase({ gameId: 'g', ...scores }))).toBeCloseTo(expected, 3);
  });

  it('reads the deep score when there is one', () => {
    const c = makeCase({ gameId: 'g', toxicity: 0.3 });
    expect(severity({ fast: { ...c.fast, toxicity: 0.9 }, deep: c.deep })).toBeCloseTo(0.3, 3);
    expect(severity({ fast: { ...c.fast, toxicity: 0.9 } })).toBeCloseTo(0.9, 3);
  });
});

describe('caseRank', () => {
  const openedAt = new Date('2026-11-24T10:00:00Z');

  it('moves a case earlier in the queue by severity and history', () => {
    const c = makeCase({ gameId: 'g', toxicity: 0.5, openedAt });
    expect(caseRank(c, { cases: 0, blocked: 0 }).rankAt).toBe(new Date(openedAt.getTime() - 0.5 * 1200_000).toISOString());
    expect(caseRank(c, { cases: 2, blocked: 1 })).toEqual({
      rankAt: new Date(openedAt.getTime() - 600_000 - 240_000 - 120_000).toISOString(),
      priorCases: 2,
      priorBlocks: 1,
    });
  });

  it('caps the history boost, so a long record does not starve everyone else', () => {
    const c = makeCase({ gameId: 'g', toxicity: 0, openedAt });
    expect(caseRank(c, { cases: 50, blocked: 50 }).rankAt).toBe(caseRank(c, { cases: 5, blocked: 5 }).rankAt);
  });

  it('lets age win over severity eventually', () => {
    const severe = makeCase({ gameId: 'g', toxicity: 1, openedAt });
    const oldMild = makeCase({ gameId: 'g', toxicity: 0, openedAt: new Date(openedAt.getTime() - 21 * 60_000) });
    expect(caseRank(oldMild, { cases: 0, blocked: 0 }).rankAt < caseRank(severe, { cases: 0, blocked: 0 }).rankAt).toBe(true);
  });
});

describe('undoDeadline', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  it.each([
    ['the window', 30_000, '2026-11-24T11:00:00Z', '2026-11-24T10:00:30.000Z'],
    ['never past the case deadline', 30_000, '2026-11-24T10:00:10Z', '2026-11-24T10:00:10.000Z'],
    ['none when the window is 0', 0, '2026-11-24T11:00:00Z', undefined],
    ['none when the deadline has passed', 30_000, '2026-11-24T09:59:00Z', undefined],
  ])('%s', (_name, ms, dueAt, expected) => {
    expect(undoDeadline(now, ms, dueAt)?.toISOString()).toBe(expected);
  });
});

describe('accounts', () => {
  it('hashes passwords with a salt and verifies them', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(await verifyPassword('anything', 'md5$nope')).toBe(false);
  });

  it('issues opaque tokens and keeps only their hash', () => {
    const { token, tokenHash } = newSessionToken();
    expect(token).toMatch(/^tms_[\w-]{43}$/);
    expect(tokenHash).toBe(hashToken(token));
    expect(tokenHash).not.toContain(token.slice(4));
  });

  it.each([
    [{ username: 'alice', password: 'twelve chars!' }, true],
    [{ username: 'Alice', password: 'twelve chars!' }, false],
    [{ username: 'alice', password: 'short' }, false],
    [{ username: 'a', password: 'twelve chars!' }, false],
    [{ username: 'lead.1', password: 'twelve chars!', role: 'lead' }, true],
    [{ username: 'alice', password: 'twelve chars!', role: 'admin' }, false],
  ])('new account %j -> %s', (body, ok) => {
    expect(NewModeratorSchema.safeParse(body).success).toBe(ok);
  });

  it('throttles repeated failed logins per account', () => {
    const t = new LoginThrottle(3, 60_000);
    const at = new Date('2026-11-24T10:00:00Z');
    t.failed('alice', at);
    t.failed('alice', at);
    expect(t.lockedFor('alice', at)).toBe(0);
    t.failed('alice', at);
    expect(t.lockedFor('alice', at)).toBe(60_000);
    expect(t.lockedFor('bob', at)).toBe(0);
    expect(t.lockedFor('alice', new Date(at.getTime() + 60_000))).toBe(0);
    t.succeeded('alice');
    expect(t.lockedFor('alice', at)).toBe(0);
  });
});

describe('channelKey', () => {
  it('names channels as the fast classifier does', () => {
    const m = { gameId: 'dota', channelId: 'match-7' };
    expect(channelKey(m)).toBe('dota/match-7');
    expect(channelKey(m)).toBe(fastClassifierChannelKey(m));
  });
});

describe('CountsCache', () => {
  const counts = (pending: number) => ({ pending, claimed: 0, awaitingPublish: 0, byGame: [] });

  it('computes once for concurrent callers and keeps the value until invalidated or too old', async () => {
    let t = 0;
    let computed = 0;
    const cache = new CountsCache(async () => counts(++computed), 1000, () => t);
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect([a.pending, b.pending, computed]).toEqual([1, 1, 1]);
    t = 999;
    expect((await cache.get()).pending).toBe(1);
    cache.invalidate();
    expect((await cache.get()).pending).toBe(2);
    t = 2000;
    expect((await cache.get()).pending).toBe(3);
  });

  it('does not keep a value computed across an invalidation', async () => {
    let release!: () => void;
    let computed = 0;
    const cache = new CountsCache(
      () =>
        new Promise((resolve) => {
          const n = ++computed;
          if (n === 1) release = () => resolve(counts(1));
          else resolve(counts(n));
        }),
      60_000,
    );
    const stale = cache.get();
    cache.invalidate();
    const fresh = cache.get();
    release();
    expect((await stale).pending).toBe(1);
    expect((await fresh).pending).toBe(2);
    expect((await cache.get()).pending).toBe(2);
  });
});
