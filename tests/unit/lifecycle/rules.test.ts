// The lifecycle's pure rules: the gate, the champion's history (promote, rollback), the training
// set's selection and the retraining trigger.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gate, gatePolicyFrom, tolerancesFor, type EvalFigures, parseHistory, promotion, rollback, type TrainingExample } from '@sinbin/contract';
import { selectTrainingSet, DEFAULT_SELECT } from '../../../cli/lifecycle/training-data';
import { due } from '../../../cli/lifecycle/trigger';
import { figures } from '../../../cli/lifecycle/golden';

const fig = (f1: number, reviewRate = 0.1, n = 100): EvalFigures => ({ f1, reviewRate, n });
const POLICY = { f1Tolerance: 0.01, reviewTolerance: 0.02, latencyBudgetMs: 5 };

type Case = { name: string; challenger: Record<string, EvalFigures>; champion: Record<string, EvalFigures>; latency: number; passed: boolean };

describe('gate', () => {
  it.each<Case>([
    { name: 'equal figures pass', challenger: { conda: fig(0.8) }, champion: { conda: fig(0.8) }, latency: 1, passed: true },
    { name: 'within the F1 tolerance passes', challenger: { conda: fig(0.791) }, champion: { conda: fig(0.8) }, latency: 1, passed: true },
    { name: 'F1 beyond the tolerance fails', challenger: { conda: fig(0.78) }, champion: { conda: fig(0.8) }, latency: 1, passed: false },
    { name: 'one worse set fails the whole', challenger: { conda: fig(0.9), tweeteval: fig(0.6) }, champion: { conda: fig(0.8), tweeteval: fig(0.7) }, latency: 1, passed: false },
    { name: 'more review beyond the tolerance fails', challenger: { conda: fig(0.8, 0.2) }, champion: { conda: fig(0.8, 0.1) }, latency: 1, passed: false },
    { name: 'over the latency budget fails', challenger: { conda: fig(0.8) }, champion: { conda: fig(0.8) }, latency: 6, passed: false },
    { name: 'a set the champion lacks only has to exist', challenger: { 'recent-verdicts': fig(0.1) }, champion: {}, latency: 1, passed: true },
    { name: 'an empty set is skipped', challenger: { conda: fig(0, 1, 0) }, champion: { conda: fig(0.9) }, latency: 1, passed: true },
  ])('$name', ({ challenger, champion, latency, passed }) => {
    const verdict = gate(challenger, champion, latency, POLICY);
    expect(verdict.passed).toBe(passed);
    expect(verdict.reasons.length === 0).toBe(passed);
  });

  it('says which set and measure failed, with the figures', () => {
    const verdict = gate({ conda: fig(0.7) }, { conda: fig(0.8) }, 1, POLICY);
    expect(verdict.reasons).toEqual(['conda: f1 0.7 vs champion 0.8 (limit 0.79)']);
    expect(verdict.checks.find((c) => c.measure === 'latencyP95Ms')).toMatchObject({ passed: true, limit: 5 });
  });
});

describe('gate: the routing band a challenger carries', () => {
  const SERVED = { okBelow: 0.145, toxicFrom: 0.9 };
  it.each([
    { name: "the champion's band passes", challenger: SERVED, passed: true, reason: undefined },
    // What retrain.py used to do with 200+ validation verdicts: re-pick the band from CONDA-style targets.
    { name: 'a toxicFrom picked by train_fast targets fails', challenger: { okBelow: 0.145, toxicFrom: 0.57 }, passed: false, reason: /routing: toxicFrom 0\.57 differs from the champion's 0\.9/ },
    { name: 'a moved okBelow fails', challenger: { okBelow: 0.3, toxicFrom: 0.9 }, passed: false, reason: /routing: okBelow 0\.3 differs from the champion's 0\.145/ },
  ])('$name', ({ challenger, passed, reason }) => {
    const verdict = gate({ conda: fig(0.8) }, { conda: fig(0.8) }, 1, POLICY, { challenger, champion: SERVED });
    expect(verdict.passed).toBe(passed);
    expect(verdict.routing).toEqual({ challenger, champion: SERVED });
    expect(verdict.checks.filter((c) => c.set === 'routing').map((c) => c.measure)).toEqual(['okBelow', 'toxicFrom']);
    if (reason) expect(verdict.reasons.join('\n')).toMatch(reason);
  });

  it('without the bands, checks none and reports none', () => {
    const verdict = gate({ conda: fig(0.8) }, { conda: fig(0.8) }, 1, POLICY);
    expect(verdict.routing).toBeUndefined();
    expect(verdict.checks.some((c) => c.set === 'routing')).toBe(false);
  });
});

describe('per-set gate tolerances', () => {
  const STUDIO = { ...POLICY, sets: { 'recent-verdicts': { f1: -0.02 }, tweeteval: { f1: 0.08 }, 'eval-*': { f1: 0.3, reviewRate: 0.05 }, 'eval-threats*': { f1: 0.05 } } };

  it.each([
    { set: 'recent-verdicts', f1: -0.02, reviewRate: 0.02, from: 'recent-verdicts' },
    { set: 'tweeteval', f1: 0.08, reviewRate: 0.02, from: 'tweeteval' },
    { set: 'eval-attributes', f1: 0.3, reviewRate: 0.05, from: 'eval-*' },
    { set: 'eval-threats-selfharm-doxxing', f1: 0.05, reviewRate: 0.02, from: 'eval-threats*' },
    { set: 'conda', f1: 0.01, reviewRate: 0.02, from: 'default' },
  ])('$set takes its tolerances from $from', ({ set, ...want }) => {
    expect(tolerancesFor(set, STUDIO)).toEqual(want);
  });

  it.each<Case & { policy: typeof STUDIO | typeof POLICY }>([
    { name: 'a generic set may lose what the studio allows', policy: STUDIO, challenger: { 'eval-attributes': fig(0.4), 'recent-verdicts': fig(0.9) }, champion: { 'eval-attributes': fig(0.58), 'recent-verdicts': fig(0.6) }, latency: 1, passed: true },
    { name: 'the same loss fails the default gate', policy: POLICY, challenger: { 'eval-attributes': fig(0.4), 'recent-verdicts': fig(0.9) }, champion: { 'eval-attributes': fig(0.58), 'recent-verdicts': fig(0.6) }, latency: 1, passed: false },
    { name: 'a negative tolerance demands a gain on the studio\'s own chat', policy: STUDIO, challenger: { 'recent-verdicts': fig(0.61) }, champion: { 'recent-verdicts': fig(0.6) }, latency: 1, passed: false },
    { name: 'the more specific prefix holds the safety set tight', policy: STUDIO, challenger: { 'eval-threats-selfharm-doxxing': fig(0.1) }, champion: { 'eval-threats-selfharm-doxxing': fig(0.21) }, latency: 1, passed: false },
  ])('$name', ({ policy, challenger, champion, latency, passed }) => {
    expect(gate(challenger, champion, latency, policy).passed).toBe(passed);
  });

  it('a check names the tolerance and where it came from', () => {
    const v = gate({ 'eval-attributes': fig(0.4) }, { 'eval-attributes': fig(0.58) }, 1, STUDIO);
    expect(v.checks[0]).toMatchObject({ set: 'eval-attributes', measure: 'f1', tolerance: 0.3, toleranceFrom: 'eval-*', limit: 0.28, passed: true });
  });

  it('reads a gate config over a base, and lists every problem of a bad one', () => {
    expect(gatePolicyFrom({ sets: { 'eval-*': { f1: 0.3 } } }, POLICY)).toEqual({ policy: { ...POLICY, sets: { 'eval-*': { f1: 0.3 } } } });
    expect(gatePolicyFrom({}, POLICY)).toEqual({ policy: POLICY });
    const bad = gatePolicyFrom({ f1Tolerance: 2, sets: { 'eval/*': { f1: 0.1 }, conda: { f1: 0.1, weight: 3 } }, extra: true }, POLICY);
    expect('problems' in bad && bad.problems.length).toBeGreaterThanOrEqual(3);
  });

  it('the example in docs parses', () => {
    const made = gatePolicyFrom(JSON.parse(readFileSync(new URL('../../../docs/gate.example.json', import.meta.url), 'utf8')));
    expect('policy' in made).toBe(true);
  });
});

describe('champion history', () => {
  it('promote pushes the old champion; promoting the champion again changes nothing', () => {
    expect(promotion(undefined, [], '1')).toEqual({ champion: '1', history: [] });
    expect(promotion('1', [], '2')).toEqual({ champion: '2', history: ['1'] });
    expect(promotion('2', ['1'], '2')).toEqual({ champion: '2', history: ['1'] });
  });

  it('rollback steps back, twice, then says there is nothing left', () => {
    let state = { champion: '3', history: ['1', '2'] };
    const a = rollback(state.champion, state.history);
    expect(a).toEqual({ champion: '2', history: ['1'] });
    state = a as typeof state;
    expect(rollback(state.champion, state.history)).toEqual({ champion: '1', history: [] });
    expect(rollback('1', [])).toEqual({ error: 'no earlier champion to roll back to (champion is version 1)' });
    expect(rollback(undefined, [])).toEqual({ error: 'no champion to roll back' });
  });

  it('promote, rollback, promote, rollback ends where it began', () => {
    let s = { champion: '1', history: [] as string[] };
    for (let i = 0; i < 2; i++) {
      s = promotion(s.champion, s.history, '2');
      s = rollback(s.champion, s.history) as typeof s;
    }
    expect(s).toEqual({ champion: '1', history: [] });
  });

  it('parses the history tag, ignoring junk', () => {
    expect(parseHistory('1, 2,x,,3')).toEqual(['1', '2', '3']);
    expect(parseHistory(undefined)).toEqual([]);
  });
});

const NOW = new Date('2026-06-01T00:00:00Z');
const ex = (over: Partial<TrainingExample>): TrainingExample => ({
  exampleId: `e-${over.messageId ?? 'm'}-${over.source ?? 'moderator'}`,
  messageId: 'm',
  gameId: 'g',
  playerId: 'p',
  text: 'ur trash',
  context: [],
  label: 'toxic',
  source: 'moderator',
  createdAt: '2026-05-30T00:00:00.000Z',
  ...over,
});
const select = (examples: TrainingExample[], erasures: Parameters<typeof selectTrainingSet>[1] = [], minGoldForDeep = 2) =>
  selectTrainingSet(examples, erasures, { ...DEFAULT_SELECT, minGoldForDeep, now: NOW, retentionDays: 30 });

describe('selectTrainingSet', () => {
  it('keeps one example per message: appeal over moderator over deep, the latest among equals', () => {
    const set = select([
      ex({ messageId: 'a', source: 'deep', label: 'ok' }),
      ex({ messageId: 'a', source: 'moderator', label: 'toxic' }),
      ex({ messageId: 'a', source: 'appeal', label: 'ok' }),
      ex({ messageId: 'b', createdAt: '2026-05-29T00:00:00.000Z', label: 'ok' }),
      ex({ messageId: 'b', createdAt: '2026-05-30T00:00:00.000Z', label: 'toxic' }),
    ]);
    expect(set.rows.map((r) => [r.messageId, r.source, r.label])).toEqual([['a', 'appeal', 0], ['b', 'moderator', 1]]);
    expect(set.counts.duplicates).toBe(3);
  });

  it('drops what retention expired and what an erasure removed (by player or by message)', () => {
    const set = select(
      [ex({ messageId: 'old', createdAt: '2026-04-01T00:00:00.000Z' }), ex({ messageId: 'p2', playerId: 'p2' }), ex({ messageId: 'one' }), ex({ messageId: 'kept' })],
      [{ gameId: 'g', playerId: 'p2', requestedAt: '' }, { gameId: 'g', messageId: 'one', requestedAt: '' }, { gameId: 'other', messageId: 'kept', requestedAt: '' }],
    );
    expect(set.rows.map((r) => r.messageId)).toEqual(['kept']);
    expect(set.counts).toMatchObject({ expired: 1, erased: 2 });
  });

  it('never trains on deep decisions alone: without enough gold they are left out', () => {
    const deepOnly = select([ex({ messageId: 'x', source: 'deep' }), ex({ messageId: 'y', source: 'deep' })]);
    expect(deepOnly.rows).toEqual([]);
    expect(deepOnly.counts.deepUnused).toBe(2);
    const mixed = select([ex({ messageId: 'x', source: 'deep' }), ex({ messageId: 'g1' }), ex({ messageId: 'g2' })]);
    const deep = mixed.rows.find((r) => r.source === 'deep')!;
    expect(deep).toMatchObject({ weight: DEFAULT_SELECT.deepWeight, split: 'train' });
  });

  it('keeps game and language, names the blocked category and leaves the others unknown', () => {
    const [row] = select([ex({ language: 'fr', category: 'threat' })]).rows;
    expect(row).toMatchObject({ gameId: 'g', language: 'fr', label: 1 });
    expect(row!.categories).toMatchObject({ threat: 1, insult: null });
    expect(select([ex({ label: 'ok' })]).rows[0]!.categories).toMatchObject({ threat: 0, insult: 0 });
  });

  it('puts a message on the same side of the split every time', () => {
    const many = Array.from({ length: 400 }, (_, i) => ex({ messageId: `m${i}` }));
    const a = select(many).rows.map((r) => r.split);
    expect(select([...many].reverse()).rows.map((r) => r.split)).toEqual(a);
    const holdout = a.filter((s) => s === 'holdout').length;
    expect(holdout).toBeGreaterThan(20);
    expect(holdout).toBeLessThan(70);
  });
});

describe('retraining trigger', () => {
  const o = { everyVerdicts: 500, everyMinutes: 60 };
  it.each([
    { gold: 499, last: 0, minutes: 1, want: false },
    { gold: 500, last: 0, minutes: 1, want: true },
    { gold: 600, last: 500, minutes: 61, want: true },
    { gold: 500, last: 500, minutes: 600, want: false },
  ])('$gold verdicts, $last at the last retrain, $minutes min ago: $want', ({ gold, last, minutes, want }) => {
    expect(due(gold, last, 0, minutes * 60_000, o)).toBe(want);
  });
});

describe('golden figures', () => {
  it.each([
    { source: 'conda', labels: [1, 1, 0, 0], p: [0.9, 0.2, 0.6, 0.1], f1: 0.5, review: 0.5 },
    { source: 'tweeteval', labels: [1, 1, 0, 0], p: [0.9, 0.2, 0.6, 0.1], f1: 0.5, review: 0.5 },
    { source: 'eval-game-slang-harmless', labels: [0, 0, 0, 0], p: [0.9, 0.2, 0.1, 0.1], f1: 0.75, review: 0.25 },
  ])('$source', ({ source, labels, p, f1, review }) => {
    const f = figures(source, labels, p, { okBelow: 0.15, toxicFrom: 0.8 });
    expect(f.f1).toBeCloseTo(f1, 4);
    expect(f.reviewRate).toBeCloseTo(review, 4);
  });
});
