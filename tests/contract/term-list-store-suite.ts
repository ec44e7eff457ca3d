// One behaviour for every adapter of the studios' term lists (TermListStore): immutable versions
// per game, numbered from 1, a save that races another loses with the version in force, the
// history newest first (the audit), and the heads every replica polls.
import { describe, expect, it } from 'vitest';
import type { TermLists, TermListStore } from '@sinbin/contract';

let unique = 0;
const game = () => `tl-${process.pid}-${Date.now()}-${++unique}`;
const T = new Date('2026-12-01T10:00:00.000Z');
const LISTS: TermLists = { block: [{ term: 'scrub' }, { term: 'i will find you', category: 'threat', note: 'raid threats' }], allow: [{ term: 'kill' }] };
const meta = (expected: number | null, by = 'admin:abc', note?: string) => ({ by, contentHash: `h-${expected}`, now: T, expected, ...(note ? { note } : {}) });

export function termListStoreContract(name: string, open: () => Promise<TermListStore>): void {
  describe(`term list store contract: ${name}`, () => {
    it('saves numbered versions and keeps each as it was, with who, when and why', async () => {
      const s = await open();
      const g = game();
      expect(await s.latest(g)).toBeUndefined();
      const first = await s.save(g, LISTS, meta(null, 'admin:abc', 'launch'));
      expect(first).toEqual({ status: 'saved', version: { gameId: g, version: 1, lists: LISTS, contentHash: 'h-null', createdAt: T.toISOString(), createdBy: 'admin:abc', note: 'launch' } });
      await s.save(g, { block: [], allow: [] }, meta(1, 'lead:ann'));
      expect((await s.latest(g))!.version).toBe(2);
      expect((await s.get(g, 1))!.lists).toEqual(LISTS);
      expect(await s.get(g, 3)).toBeUndefined();
      expect((await s.history(g, { limit: 10 })).map((v) => [v.version, v.createdBy])).toEqual([[2, 'lead:ann'], [1, 'admin:abc']]);
      expect((await s.history(g, { limit: 10, before: 2 })).map((v) => v.version)).toEqual([1]);
    });

    it('refuses a save on a version that is no longer the latest; of concurrent saves one wins', async () => {
      const s = await open();
      const g = game();
      expect(await s.save(g, LISTS, meta(3))).toEqual({ status: 'conflict', current: null });
      const results = await Promise.all([s.save(g, LISTS, meta(null)), s.save(g, LISTS, meta(null)), s.save(g, LISTS, meta(null))]);
      expect(results.filter((r) => r.status === 'saved')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'conflict').every((r) => r.status === 'conflict' && r.current === 1)).toBe(true);
    });

    it('lists the latest version of every game with lists', async () => {
      const s = await open();
      const [g1, g2] = [game(), game()];
      await s.save(g1, LISTS, meta(null));
      await s.save(g1, LISTS, meta(1));
      await s.save(g2, LISTS, meta(null));
      const heads = await s.heads();
      expect(heads[g1]).toBe(2);
      expect(heads[g2]).toBe(1);
    });
  });
}
