// The SQL case and moderator stores (PGlite here; PostgreSQL in tests/integration/moderation), beyond
// the case store contract (tests/contract/case-store-suite.ts): the queue's order by rank, counts by
// game, each verdict's audit entry written with it, and the audit log's paging.
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPGlite, SqlCaseStore, SqlModeratorStore } from '@sinbin/stores';
import { at, chatMessage, iso, moderationCase, moderationResult } from '../../helpers/events';

let db: PGlite;
let cases: SqlCaseStore;
let moderators: SqlModeratorStore;
// PGlite boots its Postgres in WebAssembly: seconds on a loaded machine.
beforeAll(async () => {
  db = await openPGlite();
  cases = new SqlCaseStore(db);
  moderators = new SqlModeratorStore(db);
}, 120_000);
afterAll(async () => db.close());

let n = 0;
const caseIn = (gameId: string, openedAt: string) => moderationCase({ message: chatMessage({ gameId, messageId: `sql-${++n}` }), openedAt });

describe('SqlCaseStore', () => {
  it('queues by rank (openedAt moved earlier by a priority boost), not by arrival', async () => {
    const plain = caseIn('rank', iso(1000));
    const urgent = caseIn('rank', iso(5000));
    await cases.open(plain, { rankAt: plain.openedAt, priorCases: 0, priorBlocks: 0 });
    await cases.open(urgent, { rankAt: iso(0), priorCases: 3, priorBlocks: 2 });
    const queue = await cases.queue({ gameId: 'rank', limit: 10, now: at(6000) });
    expect(queue.map((q) => q.case.caseId)).toEqual([urgent.caseId, plain.caseId]);
    expect(queue[0]).toMatchObject({ priorCases: 3, priorBlocks: 2, rankAt: iso(0) });
  });

  it("hides a case someone else holds from the queue, not from its holder", async () => {
    const c = caseIn('held', iso(1000));
    await cases.open(c);
    await cases.claim(c.caseId, 'alice', at(2000), 60_000);
    expect((await cases.queue({ gameId: 'held', limit: 10, now: at(3000), viewer: 'bob' })).map((q) => q.case.caseId)).toEqual([]);
    expect((await cases.queue({ gameId: 'held', limit: 10, now: at(3000), viewer: 'alice' })).map((q) => q.case.caseId)).toEqual([c.caseId]);
  });

  it('counts pending and claimed cases by game', async () => {
    const a = caseIn('count-a', iso(1000));
    const b = caseIn('count-a', iso(2000));
    await cases.open(a);
    await cases.open(b);
    await cases.claim(b.caseId, 'carol', at(2500), 60_000);
    const counts = await cases.counts(at(3000));
    expect(counts.byGame.find((g) => g.gameId === 'count-a')).toEqual({ gameId: 'count-a', pending: 2, claimed: 1, oldestOpenedAt: iso(1000) });
  });

  it('writes the audit entry of a verdict in the same statement as the verdict', async () => {
    const c = caseIn('audit', iso(1000));
    await cases.open(c);
    await cases.claim(c.caseId, 'dave', at(2000), 60_000);
    await cases.decide(c.caseId, moderationResult({ caseId: c.caseId, message: c.message, moderatorId: 'dave' }), { moderatorId: 'dave', now: at(3000), requireClaim: true });
    const entries = await moderators.auditLog({ limit: 10, caseId: c.caseId });
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['claim', 'verdict']));
    expect(entries.every((e) => e.caseId === c.caseId)).toBe(true);
  });
});

describe('SqlModeratorStore', () => {
  it('pages the audit log newest first by seq', async () => {
    for (let i = 0; i < 5; i++) await moderators.audit({ at: at(i), actor: 'pager', action: `step-${i}` });
    const first = await moderators.auditLog({ limit: 2, actor: 'pager' });
    expect(first.map((e) => e.action)).toEqual(['step-4', 'step-3']);
    const next = await moderators.auditLog({ limit: 2, actor: 'pager', before: first.at(-1)!.seq });
    expect(next.map((e) => e.action)).toEqual(['step-2', 'step-1']);
  });

  it('creates an account once; a disabled account has no live session', async () => {
    expect(await moderators.create({ username: 'erin', role: 'moderator', passwordHash: 'h' }, at(0))).toBe('created');
    expect(await moderators.create({ username: 'erin', role: 'lead', passwordHash: 'h' }, at(0))).toBe('exists');
    await moderators.startSession('token-hash-erin', 'erin', at(0), at(60_000));
    expect(await moderators.session('token-hash-erin', at(1000))).toMatchObject({ username: 'erin', role: 'moderator' });
    expect(await moderators.disable('erin', at(2000))).toBe(true);
    expect(await moderators.session('token-hash-erin', at(3000))).toBeUndefined();
  });
});
