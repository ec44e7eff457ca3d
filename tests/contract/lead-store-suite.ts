// One behaviour for every adapter of the leads' ports: versioned documents (numbering, seeding from
// every replica at once, heads moved by one conditional statement with their audit entry), the
// shadow log, the decision tallies per slot and moderators' exposure. Memory and PGlite here
// (unit), PostgreSQL in tests/integration/moderation/postgres.test.ts.
import { describe, expect, it } from 'vitest';
import type { DecisionStats, DecisionTally, ExposureStore, ModeratorStore, ShadowComparison, ShadowLog, VersionedDocuments } from '@sinbin/contract';

export interface LeadStores {
  documents: VersionedDocuments;
  shadow: ShadowLog;
  decisionStats: DecisionStats;
  exposure: ExposureStore;
  /** The audit log the document store writes its entries to. */
  moderators: ModeratorStore;
}

const T = Date.parse('2026-05-01T10:00:00.000Z');
const at = (ms: number) => new Date(T + ms);
let unique = 0;
const name = (prefix: string) => `${prefix}-${process.pid}-${++unique}`;

export function leadStoreContract(label: string, open: () => Promise<LeadStores>): void {
  describe(`versioned documents contract: ${label}`, () => {
    it('numbers versions per kind from 1, keeps them as written, lists newest first', async () => {
      const { documents } = await open();
      const before = (await documents.list('wellbeing', { limit: 1 }))[0]?.version ?? 0;
      const a = await documents.create('wellbeing', { mask: true }, { by: 'lena', source: 'api', contentHash: 'h1', now: at(0), note: 'first' });
      const b = await documents.create('wellbeing', { mask: false }, { by: 'lena', source: 'api', contentHash: 'h2', now: at(1000) });
      expect([a.version, b.version]).toEqual([before + 1, before + 2]);
      expect(await documents.get('wellbeing', a.version)).toMatchObject({ kind: 'wellbeing', version: a.version, body: { mask: true }, source: 'api', createdBy: 'lena', note: 'first', createdAt: at(0).toISOString() });
      expect((await documents.list('wellbeing', { limit: 2 })).map((v) => v.version)).toEqual([b.version, a.version]);
      expect((await documents.list('wellbeing', { limit: 5, before: b.version })).map((v) => v.version)[0]).toBe(a.version);
      expect(await documents.get('wellbeing', 999_999)).toBeUndefined();
    });

    it('numbers concurrent creations without a gap or a repeat', async () => {
      const { documents } = await open();
      const made = await Promise.all(Array.from({ length: 6 }, (_, i) => documents.create('wellbeing', { i }, { by: 'lena', source: 'api', contentHash: `c${i}`, now: at(i) })));
      const versions = made.map((v) => v.version).sort((x, y) => x - y);
      expect(new Set(versions).size).toBe(6);
      expect(versions.at(-1)! - versions[0]!).toBe(5);
    });

    it('moves heads conditionally: not-found, conflict, unchanged, moved; audits each move', async () => {
      const { documents, moderators } = await open();
      const v = await documents.create('wellbeing', { x: 1 }, { by: 'lena', source: 'api', contentHash: 'p', now: at(0) });
      const w = await documents.create('wellbeing', { x: 2 }, { by: 'lena', source: 'api', contentHash: 'q', now: at(0) });
      const current = (await documents.heads('wellbeing')).active?.version ?? null;
      expect(await documents.point('wellbeing', 'active', 999_999, { by: 'lena', now: at(1) })).toBe('not-found');
      expect(await documents.point('wellbeing', 'active', v.version, { by: 'lena', now: at(1), expected: current === null ? 123 : null })).toBe('conflict');
      expect(await documents.point('wellbeing', 'active', v.version, { by: 'lena', now: at(2), expected: current })).toBe('moved');
      expect(await documents.point('wellbeing', 'active', v.version, { by: 'lena', now: at(3) })).toBe('unchanged');
      expect((await documents.heads('wellbeing')).active).toEqual({ version: v.version, since: at(2).toISOString(), by: 'lena' });
      expect(await documents.point('wellbeing', 'shadow', w.version, { by: 'mia', now: at(4) })).toBe('moved');
      expect((await documents.heads('wellbeing')).shadow).toMatchObject({ version: w.version, by: 'mia' });
      expect(await documents.point('wellbeing', 'shadow', null, { by: 'mia', now: at(5) })).toBe('moved');
      expect((await documents.heads('wellbeing')).shadow).toBeUndefined();
      expect((await documents.activations('wellbeing', 'shadow', 2)).map((a) => a.version)).toEqual([null, w.version]);
      const audit = await moderators.auditLog({ limit: 10 });
      expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['wellbeing-activated', 'wellbeing-shadow-started', 'wellbeing-shadow-stopped', 'wellbeing-version-created']));
      expect(audit.find((e) => e.action === 'wellbeing-activated')).toMatchObject({ actor: 'lena', detail: { version: v.version, previous: current } });
    });

    it('seeds once from every replica at once, and again only when the file changes', async () => {
      const { documents } = await open();
      const fileA = name('file-a');
      const fileB = name('file-b');
      // Seed an empty kind: the policies of a fresh database (this store may be shared, so check by effect).
      const fresh = await Promise.all(Array.from({ length: 4 }, () => documents.seed('policy', { v: 'file-a' }, { by: 'GAME_POLICIES_FILE', source: 'file', contentHash: fileA, now: at(0) })));
      const created = fresh.filter((s) => s.created);
      expect(created).toHaveLength(1);
      const seededVersion = created[0]!.version;
      expect((await documents.heads('policy')).active?.version).toBe(seededVersion);
      // An unchanged file changes nothing, even after a lead activated something else.
      const lead = await documents.create('policy', { v: 'lead' }, { by: 'lena', source: 'api', contentHash: 'lead', now: at(1) });
      await documents.point('policy', 'active', lead.version, { by: 'lena', now: at(2) });
      expect(await documents.seed('policy', { v: 'file-a' }, { by: 'GAME_POLICIES_FILE', source: 'file', contentHash: fileA, now: at(3) })).toEqual({ version: lead.version, created: false });
      expect((await documents.heads('policy')).active?.version).toBe(lead.version);
      // A changed file is a new version, and it is active.
      const changed = await documents.seed('policy', { v: 'file-b' }, { by: 'GAME_POLICIES_FILE', source: 'file', contentHash: fileB, now: at(4) });
      expect(changed.created).toBe(true);
      expect((await documents.heads('policy')).active?.version).toBe(changed.version);
      // The built-in default seeds only a kind that has no version at all.
      expect((await documents.seed('policy', { v: 'default' }, { by: 'built-in default', source: 'default', contentHash: 'd', now: at(5) })).created).toBe(false);
    });
  });

  describe(`shadow log contract: ${label}`, () => {
    const row = (over: Partial<ShadowComparison>): ShadowComparison => ({
      at: at(0).toISOString(),
      gameId: 'g1',
      messageId: name('m'),
      playerId: 'p1',
      activeVersion: 1,
      shadowVersion: 2,
      real: { path: 'fast', verdict: 'block', action: 'warn', rule: 'first offence' },
      wouldBe: { path: 'fast', verdict: 'block', action: 'mute', durationSeconds: 600, rule: 'strict' },
      ...over,
    });

    it('groups comparisons by what happened and what would have, with distinct players; counts the quiet ones', async () => {
      const { shadow } = await open();
      const v = 1000 + ++unique;
      const rows = [
        row({ shadowVersion: v, playerId: 'a' }),
        row({ shadowVersion: v, playerId: 'a' }),
        row({ shadowVersion: v, playerId: 'b' }),
        row({ shadowVersion: v, playerId: 'c', real: { path: 'fast', verdict: 'allow', action: 'none' }, wouldBe: { path: 'analysis' } }),
        row({ shadowVersion: v, playerId: 'd', real: { path: 'fast', verdict: 'allow', action: 'none' }, wouldBe: { path: 'fast', verdict: 'allow', action: 'none' } }),
        row({ shadowVersion: v, playerId: 'e', real: { path: 'fast', verdict: 'allow', action: 'none' }, wouldBe: { path: 'fast', verdict: 'allow', action: 'none' } }),
        row({ shadowVersion: v + 1, playerId: 'z' }),
        row({ shadowVersion: v, playerId: 'late', at: at(7_200_000).toISOString() }),
      ];
      await shadow.record(rows);
      await shadow.record([rows[0]!]); // a repeat is kept once
      const t = await shadow.tallies({ shadowVersion: v, since: at(-1000), until: at(3_600_000), examples: 2 });
      expect(t.quiet).toBe(2);
      const mute = t.transitions.find((x) => x.wouldBe.action === 'mute')!;
      expect(mute).toMatchObject({ real: { path: 'fast', verdict: 'block', action: 'warn' }, wouldBe: { path: 'fast', verdict: 'block', action: 'mute', durationSeconds: 600 }, messages: 3, players: 2 });
      expect(t.transitions.find((x) => x.wouldBe.path === 'analysis')).toMatchObject({ messages: 1, players: 1 });
      expect(t.players.real).toMatchObject({ warn: 2, none: 1 });
      expect(t.players.wouldBe).toMatchObject({ mute: 2, pending: 1 });
      expect(t.examples).toHaveLength(2);
      expect(t.examples.some((e) => e.real.rule === 'first offence' && e.wouldBe.rule === 'strict')).toBe(true);
      const scoped = await shadow.tallies({ shadowVersion: v, since: at(-1000), until: at(3_600_000), games: ['other'], examples: 0 });
      expect(scoped).toMatchObject({ quiet: 0, transitions: [] });
    });

    it('forgets comparisons older than the retention', async () => {
      const { shadow } = await open();
      const v = 5000 + ++unique;
      await shadow.record([row({ shadowVersion: v, at: at(-10 * 86_400_000).toISOString() }), row({ shadowVersion: v })]);
      expect(await shadow.purge(at(-86_400_000))).toBeGreaterThanOrEqual(1);
      const t = await shadow.tallies({ shadowVersion: v, since: at(-20 * 86_400_000), until: at(1000), examples: 5 });
      expect(t.transitions.reduce((n, x) => n + x.messages, 0)).toBe(1);
    });
  });

  describe(`decision tallies contract: ${label}`, () => {
    it('adds counts to their slot and sums them into buckets, per game when asked', async () => {
      const { decisionStats } = await open();
      const game = name('game');
      const tally = (minute: number, over: Partial<DecisionTally> = {}): DecisionTally => ({
        slot: at(minute * 60_000).toISOString(),
        gameId: game,
        path: 'fast',
        verdict: 'block',
        action: 'warn',
        category: 'insult',
        modelVersion: 'm1',
        policyVersion: 1,
        count: 1,
        latencyMsSum: 10,
        ...over,
      });
      await decisionStats.add([tally(0), tally(0), tally(1, { path: 'deep', category: null, verdict: 'allow', action: 'none' })]);
      await decisionStats.add([tally(0, { count: 3, latencyMsSum: 30 }), tally(7)]);
      const rows = await decisionStats.query({ since: at(0), until: at(10 * 60_000), bucketSeconds: 300, games: [game] });
      const first = rows.filter((r) => r.bucket === at(0).toISOString());
      expect(first.find((r) => r.path === 'fast')).toMatchObject({ count: 5, latencyMsSum: 50, category: 'insult', policyVersion: 1 });
      expect(first.find((r) => r.path === 'deep')).toMatchObject({ count: 1, category: null });
      expect(rows.find((r) => r.bucket === at(300_000).toISOString())).toMatchObject({ count: 1 });
      expect(await decisionStats.query({ since: at(0), until: at(10 * 60_000), bucketSeconds: 300, games: ['nobody'] })).toEqual([]);
    });
  });

  describe(`exposure contract: ${label}`, () => {
    it('counts each case once per moderator and kind, severe ones since the last break, inside the period', async () => {
      const { exposure } = await open();
      const who = name('mod');
      const view = (caseId: string, severe: boolean, ms: number) => ({ username: who, caseId, gameId: 'g', kind: 'view' as const, severe, at: at(ms) });
      expect(await exposure.record(view('c1', true, 1000))).toBe(true);
      expect(await exposure.record(view('c1', true, 2000))).toBe(false);
      await exposure.record(view('c2', false, 3000));
      await exposure.record({ ...view('c1', true, 4000), kind: 'reveal' });
      await exposure.takeBreak(who, at(5000));
      await exposure.record(view('c3', true, 6000));
      await exposure.record(view('c4', true, 86_400_000 + 1000)); // the next day
      const [today] = await exposure.counts({ since: at(0), until: at(86_400_000), username: who });
      expect(today).toMatchObject({ username: who, viewed: 3, severe: 2, reveals: 1, severeSinceBreak: 1, lastBreakAt: at(5000).toISOString(), firstAt: at(1000).toISOString(), lastAt: at(6000).toISOString() });
      const all = await exposure.counts({ since: at(0), until: at(86_400_000) });
      expect(all.find((c) => c.username === who)).toMatchObject({ viewed: 3 });
      expect(await exposure.counts({ since: at(0), until: at(1000), username: name('nobody') })).toMatchObject([{ viewed: 0, severe: 0, severeSinceBreak: 0 }]);
    });
  });
}
