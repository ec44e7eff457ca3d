// One behaviour for every adapter of reputation (ReputationStore): activity counted per decided
// message, offences kept once per messageId with their evidence, newest first, overturned once.
import { describe, expect, it } from 'vitest';
import type { DecisionEvidence, PlayerOffence, ReputationStore } from '@sinbin/contract';

let unique = 0;
const game = () => `rep-${process.pid}-${Date.now()}-${++unique}`;
const T = Date.parse('2026-12-01T10:00:00.000Z');
const at = (s: number) => new Date(T + s * 1000);

function offence(gameId: string, messageId: string, s: number, extra: Partial<PlayerOffence> = {}): PlayerOffence {
  return { gameId, playerId: 'p1', messageId, channelId: 'c1', at: at(s).toISOString(), decidedBy: 'fast', category: 'insult', severity: 'medium', toxicity: 0.8, action: { type: 'warn' }, rule: 'r', counts: true, ...extra };
}
const evidence = (gameId: string, messageId: string): DecisionEvidence => ({
  message: { messageId, gameId, channelId: 'c1', playerId: 'p1', text: 'ur trash', sentAt: at(0).toISOString(), receivedAt: at(0).toISOString() },
  context: [{ text: 'earlier line' }],
});

export function reputationStoreContract(name: string, open: () => Promise<ReputationStore>): void {
  describe(`reputation store contract: ${name}`, () => {
    it('counts decided messages and keeps each offence once, newest first, with its evidence', async () => {
      const s = await open();
      const g = game();
      expect(await s.player(g, 'p1', at(-3600), 10)).toEqual({ offences: [] });
      await Promise.all([s.seen(g, 'p1', at(0)), s.seen(g, 'p1', at(5))]);
      expect(await s.recordOffence(offence(g, 'm1', 10), evidence(g, 'm1'), at(-3600))).toEqual([]);
      const mute = offence(g, 'm2', 20, { action: { type: 'mute', durationSeconds: 60 }, sanctionUntil: at(80).toISOString() });
      expect((await s.recordOffence(mute, evidence(g, 'm2'), at(-3600))).map((o) => o.messageId)).toEqual(['m1']);
      await s.recordOffence(offence(g, 'm2', 20), evidence(g, 'm2'), at(-3600)); // a redelivery
      const { activity, offences } = await s.player(g, 'p1', at(-3600), 10);
      expect(activity).toEqual({ firstSeen: at(0).toISOString(), lastSeen: at(20).toISOString(), messages: 4 });
      expect(offences.map((o) => o.messageId)).toEqual(['m2', 'm1']);
      expect(offences[0]).toMatchObject({ action: { type: 'mute', durationSeconds: 60 }, sanctionUntil: at(80).toISOString() });
      expect((await s.player(g, 'p1', at(15), 10)).offences.map((o) => o.messageId)).toEqual(['m2']);
      expect(await s.offence(g, 'm1')).toEqual({ offence: offence(g, 'm1', 10), evidence: evidence(g, 'm1') });
    });

    it('reads activity without offences, and offences inside the lookback only, newest first', async () => {
      const s = await open();
      const g = game();
      await s.seen(g, 'p1', at(0));
      expect(await s.player(g, 'p1', at(-60), 10)).toEqual({ activity: { firstSeen: at(0).toISOString(), lastSeen: at(0).toISOString(), messages: 1 }, offences: [] });
      for (const [id, sec] of [['m1', 10], ['m3', 30], ['m2', 20]] as const) await s.recordOffence(offence(g, id, sec), evidence(g, id), at(-60));
      const read = await s.player(g, 'p1', at(15), 10);
      expect(read.offences.map((o) => o.messageId)).toEqual(['m3', 'm2']);
      expect(read.activity).toEqual({ firstSeen: at(0).toISOString(), lastSeen: at(30).toISOString(), messages: 4 });
      expect((await s.player(g, 'p1', at(-60), 2)).offences.map((o) => o.messageId)).toEqual(['m3', 'm2']);
      expect(await s.player(g, 'nobody', at(-60), 10)).toEqual({ offences: [] });
    });

    it('overturns an offence once', async () => {
      const s = await open();
      const g = game();
      await s.recordOffence(offence(g, 'm1', 0), evidence(g, 'm1'), at(-60));
      expect(await s.overturn(g, 'm1', at(30))).toBe(true);
      expect(await s.overturn(g, 'm1', at(40))).toBe(false);
      expect(await s.overturn(g, 'nope', at(40))).toBe(false);
      expect((await s.offence(g, 'm1'))!.offence.overturnedAt).toBe(at(30).toISOString());
    });
  });
}
