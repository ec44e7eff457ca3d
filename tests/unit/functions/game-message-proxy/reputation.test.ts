// The reputation view (GET /v1/players/{playerId}) and the standing it reports, table by table.
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPUTATION, type PlayerOffence, standingOf } from '@sinbin/contract';
import { reputationView } from '../../../../functions/game-message-proxy/src/reputation';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const ACTIVITY = { firstSeen: daysAgo(60), lastSeen: daysAgo(0), messages: 40 };

function offence(id: string, days: number, extra: Partial<PlayerOffence> = {}): PlayerOffence {
  return { gameId: 'g', playerId: 'p', messageId: id, channelId: 'c', at: daysAgo(days), decidedBy: 'fast', category: 'insult', severity: 'low', toxicity: 0.6, action: { type: 'warn' }, counts: true, ...extra };
}

describe('standing', () => {
  it.each([
    ['a clean record', [], 1],
    ['one low offence today', [offence('a', 0)], 0.8825],
    ['one severe offence today', [offence('a', 0, { severity: 'severe' })], 0.3679],
    ['a severe offence 28 days ago (two half-lives)', [offence('a', 28, { severity: 'severe' })], 0.7788],
    ['an overturned offence', [offence('a', 0, { severity: 'severe', overturnedAt: daysAgo(0) })], 1],
    ['a dropped flood line (does not count)', [offence('a', 0, { counts: false, category: 'spam' })], 1],
  ])('%s: %f', (_name, offences, standing) => {
    expect(standingOf(offences, NOW, DEFAULT_REPUTATION).standing).toBeCloseTo(standing, 3);
  });
});

describe('reputationView', () => {
  const offences = [
    offence('m3', 0, { action: { type: 'mute', durationSeconds: 3600 }, severity: 'high', category: 'threat' }),
    offence('m2', 1, { action: { type: 'mute', durationSeconds: 60 } }),
    offence('m1', 2, { action: { type: 'ban' }, overturnedAt: daysAgo(1) }),
    offence('m0', 3, { action: { type: 'ban' } }),
  ];
  const view = reputationView('g', 'p', ACTIVITY, offences, DEFAULT_REPUTATION, NOW);

  it('counts offences by category and severity, leaving out overturned ones', () => {
    expect(view.offences).toMatchObject({ total: 4, counted: 3, overturned: 1 });
    expect(view.offences.byCategory).toEqual({ threat: { low: 0, medium: 0, high: 1, severe: 0 }, insult: { low: 2, medium: 0, high: 0, severe: 0 } });
  });

  it('lists the sanctions in force: an unexpired mute, a ban without end; not an expired mute nor an overturned ban', () => {
    expect(view.sanctions).toEqual([
      { messageId: 'm3', action: 'mute', durationSeconds: 3600, since: daysAgo(0), until: new Date(NOW.getTime() + 3600_000).toISOString() },
      { messageId: 'm0', action: 'ban', since: daysAgo(3), until: null },
    ]);
  });

  it('shows recent decisions newest first, with their weight today and links', () => {
    expect(view.recent.map((d) => [d.messageId, d.status])).toEqual([['m3', 'standing'], ['m2', 'standing'], ['m1', 'overturned'], ['m0', 'standing']]);
    expect(view.recent[2]!.weight).toBe(0);
    expect(view.recent[0]!.weight).toBe(4);
    expect(view.recent[0]!.links).toEqual({ decision: '/v1/decisions/m3', appeal: '/v1/decisions/m3/appeal' });
    expect(view.standing).toBeLessThan(0.6);
  });
});
