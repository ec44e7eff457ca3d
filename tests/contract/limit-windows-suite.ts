// One behaviour for every adapter of the flood and spam limits' recent traffic (LimitWindows): in
// memory (make run), SQL on PGlite here and on PostgreSQL in tests/integration (what every gateway
// replica of the real stack shares).
import { describe, expect, it } from 'vitest';
import type { ChatTrace, LimitWindows } from '@sinbin/contract';

let unique = 0;
const game = () => `lw-${process.pid}-${Date.now()}-${++unique}`;
const T = Date.parse('2026-12-01T10:00:00.000Z');
const since = (s: number) => new Date(T + s * 1000);

function trace(gameId: string, messageId: string, seconds: number, opts: Partial<ChatTrace> = {}): ChatTrace {
  return { gameId, messageId, channelId: 'c1', playerId: 'p1', at: new Date(T + seconds * 1000).toISOString(), shape: `line ${messageId}`, links: 0, ...opts };
}
const ids = (traces: ChatTrace[]) => traces.map((t) => t.messageId);

export function limitWindowsContract(name: string, open: () => Promise<LimitWindows>): void {
  describe(`limit windows contract: ${name}`, () => {
    it("returns the channel's and the player's earlier traces, newest first, never the message itself", async () => {
      const w = await open();
      const g = game();
      expect(await w.observe(trace(g, 'a', 0), since(-60), 10)).toEqual({ channel: [], player: [] });
      await w.observe(trace(g, 'b', 1, { playerId: 'p2' }), since(-60), 10);
      await w.observe(trace(g, 'c', 2, { channelId: 'c2', shape: 'gg', links: 2 }), since(-60), 10);
      const seen = await w.observe(trace(g, 'd', 3), since(-60), 10);
      expect(ids(seen.channel)).toEqual(['b', 'a']);
      expect(ids(seen.player)).toEqual(['c', 'a']);
      expect(seen.player[0]).toEqual(trace(g, 'c', 2, { channelId: 'c2', shape: 'gg', links: 2 }));
    });

    it('counts a redelivered message once, keeps only the window and at most `limit` each', async () => {
      const w = await open();
      const g = game();
      for (let i = 0; i < 6; i++) await w.observe(trace(g, `m${i}`, i), since(-60), 10);
      await w.observe(trace(g, 'm5', 5), since(-60), 10);
      const seen = await w.observe(trace(g, 'x', 10), since(3), 2);
      expect(ids(seen.player)).toEqual(['m5', 'm4']);
      expect(ids((await w.observe(trace(g, 'y', 11), since(3), 10)).channel)).toEqual(['x', 'm5', 'm4', 'm3']);
    });

    it('keeps games apart', async () => {
      const w = await open();
      const [g1, g2] = [game(), game()];
      await w.observe(trace(g1, 'a', 0), since(-60), 10);
      expect(await w.observe(trace(g2, 'b', 1), since(-60), 10)).toEqual({ channel: [], player: [] });
    });

    it('concurrent messages of one channel each see the ones observed before them (what replicas share)', async () => {
      const w = await open();
      const g = game();
      const seen = await Promise.all(Array.from({ length: 12 }, (_, i) => w.observe(trace(g, `m${i}`, 0.1 * i, { playerId: `p${i}` }), since(-60), 50)));
      // Whatever the batching, a channel's counts grow one by one: no two messages both see the same count.
      expect(seen.map((s) => s.channel.length).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    });

    it('purges traces older than asked', async () => {
      const w = await open();
      const g = game();
      await w.observe(trace(g, 'old', 0), since(-60), 10);
      await w.observe(trace(g, 'new', 100), since(-60), 10);
      expect(await w.purge(since(50))).toBeGreaterThanOrEqual(1);
      expect(ids((await w.observe(trace(g, 'now', 101), since(-600), 10)).channel)).toEqual(['new']);
    });
  });
}
