// The moderation function's pure parts for leads: deadlines by the game's rule, what a moderator's
// scope lets them count, wellbeing thresholds, the shadow report and the dashboard.
import { describe, expect, it } from 'vitest';
import { type QueueCounts, ShadowReportResponseSchema, DashboardResponseSchema, type ShadowTallies } from '@sinbin/contract';
import { breakDue, inScope, isSevere, onDeadlinePassed, scopeCounts, scopeOf, utcDay } from '../../../../functions/moderation/src/core';
import { bucketStarts, dashboard, shadowReport } from '../../../../functions/moderation/src/reports';
import { at, categories, iso, moderationCase, modelScore } from '../../../helpers/events';

describe('onDeadlinePassed', () => {
  it.each([
    { onDeadline: undefined, provisional: 'block' as const, want: { kind: 'close', verdict: 'block', lapse: 'model' } },
    { onDeadline: { lapse: 'model' as const }, provisional: 'allow' as const, want: { kind: 'close', verdict: 'allow', lapse: 'model' } },
    { onDeadline: { lapse: 'allow' as const }, provisional: 'block' as const, want: { kind: 'close', verdict: 'allow', lapse: 'allow' } },
  ])('closes by the rule: $onDeadline.lapse (provisional $provisional)', ({ onDeadline, provisional, want }) => {
    const step = onDeadlinePassed(moderationCase({ provisionalVerdict: provisional, ...(onDeadline ? { onDeadline } : {}) }), at(0));
    expect(step.kind).toBe(want.kind);
    if (step.kind === 'close') expect(step.result).toMatchObject({ resolution: 'expired', verdict: want.verdict, lapse: want.lapse, decidedAt: iso(0) });
  });

  it('holds once for holdSeconds, then the models reading closes it', () => {
    const c = moderationCase({ provisionalVerdict: 'block', onDeadline: { lapse: 'hold', holdSeconds: 600 } });
    expect(onDeadlinePassed(c, at(1000))).toEqual({ kind: 'hold', until: at(601_000) });
    const later = onDeadlinePassed({ ...c, heldAt: iso(1000), dueAt: iso(601_000) }, at(601_000));
    expect(later.kind === 'close' && later.result).toMatchObject({ verdict: 'block', lapse: 'hold' });
  });
});

describe('game scopes', () => {
  const counts: QueueCounts = {
    pending: 5,
    claimed: 1,
    oldestOpenedAt: iso(0),
    awaitingPublish: 3,
    byGame: [
      { gameId: 'a', pending: 2, claimed: 1, oldestOpenedAt: iso(1000) },
      { gameId: 'b', pending: 3, claimed: 0, oldestOpenedAt: iso(0) },
    ],
    awaitingByGame: { a: 1, b: 2 },
  };

  it('counts only the games in scope, and names no other', () => {
    expect(scopeCounts(counts, ['a'])).toEqual({ pending: 2, claimed: 1, oldestOpenedAt: iso(1000), awaitingPublish: 1, byGame: [counts.byGame[0]], awaitingByGame: { a: 1 } });
    expect(scopeCounts(counts, [])).toEqual({ pending: 0, claimed: 0, awaitingPublish: 0, byGame: [], awaitingByGame: {} });
    expect(scopeCounts(counts, '*')).toBe(counts);
  });

  it('reads stored games as a scope', () => {
    expect(scopeOf(['*'])).toBe('*');
    expect(scopeOf(['a', 'b'])).toEqual(['a', 'b']);
    expect(inScope(['a'], 'b')).toBe(false);
    expect(inScope('*', 'b')).toBe(true);
  });
});

describe('wellbeing', () => {
  it('a case is the worst content with a masked term, or from the severity cut', () => {
    const mild = moderationCase({ fast: modelScore({ toxicity: 0.3 }), deep: undefined });
    const severe = moderationCase({ fast: modelScore({ toxicity: 0.5, categories: categories({ threat: 0.6 }) }), deep: undefined });
    expect(isSevere(mild, false, { severeFrom: 0.75 })).toBe(false);
    expect(isSevere(mild, true, { severeFrom: 0.75 })).toBe(true);
    expect(isSevere(severe, false, { severeFrom: 0.75 })).toBe(true); // threat x1.5 = 0.9
  });

  it('a break is due from breakAfterSevere on', () => {
    expect(breakDue({ severeSinceBreak: 19 }, { breakAfterSevere: 20 })).toBe(false);
    expect(breakDue({ severeSinceBreak: 20 }, { breakAfterSevere: 20 })).toBe(true);
  });

  it.each([
    { input: '2026-05-01', want: '2026-05-01' },
    { input: new Date('2026-05-01T23:59:59Z'), want: '2026-05-01' },
    { input: '2026-02-30', want: undefined },
    { input: 'yesterday', want: undefined },
  ])('utcDay($input)', ({ input, want }) => {
    const day = utcDay(input);
    expect(day?.day).toBe(want);
    if (day) expect(day.until.getTime() - day.since.getTime()).toBe(86_400_000);
  });
});

describe('shadowReport', () => {
  const tallies: ShadowTallies = {
    quiet: 900,
    transitions: [
      { real: { path: 'fast', verdict: 'block', action: 'warn' }, wouldBe: { path: 'fast', verdict: 'block', action: 'mute', durationSeconds: 600 }, messages: 60, players: 40 },
      { real: { path: 'fast', verdict: 'block', action: 'warn' }, wouldBe: { path: 'fast', verdict: 'block', action: 'warn' }, messages: 30, players: 25 },
      { real: { path: 'fast', verdict: 'allow', action: 'none' }, wouldBe: { path: 'analysis' }, messages: 10, players: 9 },
      { real: { path: 'deep', verdict: 'block', action: 'warn' }, wouldBe: { path: 'deep', verdict: 'allow', action: 'none' }, messages: 5, players: 5 },
    ],
    players: { real: { warn: 60, none: 9 }, wouldBe: { mute: 40, warn: 25, pending: 9, none: 5 } },
    examples: [],
  };
  const meta = { shadowVersion: 4, activeVersion: 3, since: at(0), until: at(86_400_000), period: 'in the last 24 hours' };

  it('counts what changes and says it in sentences', () => {
    const r = ShadowReportResponseSchema.parse(shadowReport(tallies, meta));
    expect(r).toMatchObject({ compared: 1005, same: 930, changed: 75, verdicts: { allowToBlock: 0, blockToAllow: 5 }, routing: { wouldAnalyse: 10, wouldReview: 0 } });
    expect(r.actions.find((a) => a.action === 'mute')).toEqual({ action: 'mute', real: { messages: 0, players: 0 }, wouldBe: { messages: 60, players: 40 } });
    expect(r.summary).toEqual([
      'Version 4 would have decided 75 messages of 1,005 differently in the last 24 hours (7.5%).',
      'It would have warned 35 players fewer (25 instead of 60; 30 messages instead of 95).',
      'It would have muted 40 players more (40 instead of 0; 60 messages instead of 0).',
      'It would have allowed 5 messages that were blocked.',
      'It would have sent 10 messages on to the deep model that the fast model decided.',
    ]);
  });

  it('says so when nothing was compared, or nothing differs', () => {
    expect(shadowReport({ quiet: 0, transitions: [], players: { real: {}, wouldBe: {} }, examples: [] }, meta).summary).toEqual(['No decisions compared in the last 24 hours: the candidate has not seen traffic yet.']);
    expect(shadowReport({ quiet: 12, transitions: [], players: { real: {}, wouldBe: {} }, examples: [] }, meta).summary[0]).toBe('Version 4 would have decided all 12 messages in the last 24 hours exactly as version 3 did.');
  });
});

describe('dashboard', () => {
  it('lays tallies and review statistics out as series per bucket', () => {
    const since = at(0);
    const until = at(180_000);
    const b = bucketStarts(since, until, 60);
    expect(b).toEqual([iso(0), iso(60_000), iso(120_000)]);
    const tally = (bucket: string, path: 'fast' | 'deep' | 'deadline', verdict: 'allow' | 'block', count: number, category: string | null = null, modelVersion = 'fast-1') => ({
      bucket,
      gameId: 'g',
      path,
      verdict,
      action: verdict === 'block' ? ('warn' as const) : ('none' as const),
      category,
      modelVersion,
      policyVersion: 1,
      count,
      latencyMsSum: 0,
    });
    const r = DashboardResponseSchema.parse(
      dashboard({
        since,
        until,
        now: until,
        bucketSeconds: 60,
        tallies: [tally(b[0]!, 'fast', 'allow', 10), tally(b[0]!, 'fast', 'block', 3, 'insult'), tally(b[2]!, 'deep', 'block', 2, 'threat', 'deep-1'), tally(b[2]!, 'deadline', 'allow', 1, null, 'deep-1')],
        review: {
          moderators: [{ moderatorId: 'alice', decided: 4, blocked: 1, agreedWithModel: 3 }],
          throughput: [{ bucket: b[1]!, moderatorId: 'alice', decided: 4 }],
          lapsed: { allow: 1, model: 0, hold: 0 },
          depth: [
            { at: iso(60_000), pending: 2, oldestAgeSeconds: 30 },
            { at: iso(120_000), pending: 1, oldestAgeSeconds: 90 },
            { at: iso(180_000), pending: 0, oldestAgeSeconds: 0 },
          ],
        },
        counts: { pending: 0, claimed: 0, awaitingPublish: 0, byGame: [] },
        heads: { active: { version: 1, since: iso(0), by: 'x' } },
      }),
    );
    expect(r.traffic.byPath.fast).toEqual([13, 0, 0]);
    expect(r.traffic.byPath.deadline).toEqual([0, 0, 1]);
    expect(r.traffic.blocked).toEqual([3, 0, 2]);
    expect(r.decisions.byPath).toEqual({ fast: 13, deep: 2, moderator: 0, deadline: 1, limits: 0, terms: 0 });
    expect(r.categories).toEqual([
      { category: 'insult', blocked: 3 },
      { category: 'threat', blocked: 2 },
    ]);
    expect(r.models.map((m) => [m.modelVersion, m.decisions])).toEqual([
      ['fast-1', 13],
      ['deep-1', 3],
    ]);
    expect(r.queue.depth).toEqual([2, 1, 0]);
    expect(r.moderators).toEqual([{ moderatorId: 'alice', decided: 4, blocked: 1, agreement: 0.75 }]);
    expect(r.throughput.alice).toEqual([0, 4, 0]);
    expect(r.appeals).toMatchObject({ available: false, opened: 0, overturnRate: null });
    expect(r.policies).toEqual({ active: 1, shadow: null });
  });
});
