// One behaviour for every adapter of appeals (AppealStore): one appeal per decision whichever
// replica files it, a filing taken back when its case could not be opened, one outcome, counts.
import { describe, expect, it } from 'vitest';
import type { AppealRecord, AppealStore } from '@sinbin/contract';

let unique = 0;
const game = () => `ap-${process.pid}-${Date.now()}-${++unique}`;
const T = Date.parse('2026-12-01T10:00:00.000Z');
const at = (s: number) => new Date(T + s * 1000);

const appeal = (gameId: string, messageId: string, extra: Partial<AppealRecord> = {}): AppealRecord => ({
  appealId: `a-${gameId}-${messageId}`,
  gameId,
  messageId,
  playerId: 'p1',
  caseId: `c-${messageId}`,
  statement: 'it was a quote',
  filedAt: at(0).toISOString(),
  dueAt: at(3600).toISOString(),
  status: 'open',
  ...extra,
});

export function appealStoreContract(name: string, open: () => Promise<AppealStore>): void {
  describe(`appeal store contract: ${name}`, () => {
    it('files one appeal per decision: of concurrent filings exactly one is created', async () => {
      const s = await open();
      const g = game();
      const results = await Promise.all([1, 2, 3].map((i) => s.file(appeal(g, 'm1', { appealId: `a-${g}-${i}` }))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      for (const r of results) if (!r.created) expect(r.existing.messageId).toBe('m1');
      expect(await s.get(g, 'm1')).toMatchObject({ messageId: 'm1', status: 'open', statement: 'it was a quote' });
      expect(await s.get(game(), 'm1')).toBeUndefined();
    });

    it('takes back a filing, so the game may file again', async () => {
      const s = await open();
      const g = game();
      await s.file(appeal(g, 'm1'));
      await s.withdraw(g, 'm1', `a-${g}-m1`);
      expect(await s.get(g, 'm1')).toBeUndefined();
      expect((await s.file(appeal(g, 'm1'))).created).toBe(true);
    });

    it('records one outcome, and counts filings by outcome', async () => {
      const s = await open();
      const g = game();
      await s.file(appeal(g, 'm1'));
      await s.file(appeal(g, 'm2'));
      await s.file(appeal(g, 'm3'));
      expect(await s.resolve(g, 'm1', 'overturned', 'bob', at(60))).toBe(true);
      expect(await s.resolve(g, 'm1', 'upheld', 'carol', at(70))).toBe(false);
      expect(await s.resolve(g, 'nope', 'upheld', 'carol', at(70))).toBe(false);
      expect(await s.resolve(g, 'm2', 'lapsed', undefined, at(80))).toBe(true);
      expect(await s.get(g, 'm1')).toMatchObject({ status: 'overturned', decidedBy: 'bob', decidedAt: at(60).toISOString() });
      expect(await s.stats({ since: at(-10), until: at(100), games: [g] })).toEqual({ filed: 3, open: 1, upheld: 0, overturned: 1, lapsed: 1 });
    });
  });
}
