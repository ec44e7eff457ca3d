import { describe, expect, it } from 'vitest';
import { TrainingExampleSchema } from '@sinbin/contract';
import { compactionPlan, countExamples, exampleObjectBody, exampleObjectKey } from '../../../../functions/training-data-sink/src/core';
import { trainingExample } from '../../../helpers/events';

describe('training-data-sink exampleObjectKey', () => {
  it.each([
    { e: {}, want: 'staging/game=game-a/date=2026-03-01/moderator/example-0123456789abcdef.json' },
    { e: { source: 'deep' as const }, want: 'staging/game=game-a/date=2026-03-01/deep/example-0123456789abcdef.json' },
    { e: { createdAt: '2026-12-31T23:59:59.999Z' }, want: 'staging/game=game-a/date=2026-12-31/moderator/example-0123456789abcdef.json' },
    { e: { gameId: 'a/b c%' }, want: 'staging/game=a%2Fb%20c%25/date=2026-03-01/moderator/example-0123456789abcdef.json', why: 'a game id cannot add path segments' },
  ])('$want', ({ e, want }) => {
    expect(exampleObjectKey(trainingExample(e))).toBe(want);
  });

  it('is the same for a redelivered example (same exampleId), so it overwrites instead of duplicating', () => {
    const a = trainingExample();
    const b = trainingExample({ context: [{ text: 'other context' }] });
    expect(exampleObjectKey(a)).toBe(exampleObjectKey(b));
    expect(exampleObjectKey(trainingExample({ exampleId: 'other' }))).not.toBe(exampleObjectKey(a));
  });
});

describe('training-data-sink exampleObjectBody', () => {
  it('is one JSON line that parses back to the example', () => {
    const e = trainingExample();
    const body = exampleObjectBody(e);
    expect(body.endsWith('\n')).toBe(true);
    expect(body.trimEnd().includes('\n')).toBe(false);
    expect(TrainingExampleSchema.parse(JSON.parse(body))).toEqual(e);
  });
});

describe('training-data-sink compactionPlan', () => {
  const key = (game: string, day: string, id: string, source = 'moderator') => exampleObjectKey(trainingExample({ gameId: game, createdAt: `${day}T10:00:00.000Z`, exampleId: id, source: source as 'moderator' }));
  it.each([
    { name: 'nothing staged', keys: [], want: [] },
    { name: 'one partition, sources together', keys: [key('g', '2026-03-01', 'a'), key('g', '2026-03-01', 'b', 'deep')], want: [['game=g/date=2026-03-01', 2]] },
    { name: 'by game and by day', keys: [key('g', '2026-03-01', 'a'), key('g', '2026-03-02', 'b'), key('h', '2026-03-01', 'c')], want: [['game=g/date=2026-03-01', 1], ['game=g/date=2026-03-02', 1], ['game=h/date=2026-03-01', 1]] },
    { name: 'keys that are not staged examples are left alone', keys: ['staging/odd.json', 'game=g/date=2026-03-01/batch-x.jsonl.gz'], want: [] },
  ])('$name', ({ keys, want }) => {
    const plan = compactionPlan(keys);
    expect(plan.map((b) => [b.key.replace(/\/batch-[0-9a-f]{16}-g\d+-d\d+\.jsonl\.gz$/, ''), b.staged.length])).toEqual(want);
  });

  it('names a batch by its contents and splits large partitions', () => {
    const keys = Array.from({ length: 5 }, (_, i) => key('g', '2026-03-01', `e${i}`));
    expect(compactionPlan(keys)[0]!.key).toBe(compactionPlan([...keys].reverse())[0]!.key);
    expect(compactionPlan(keys, 2).map((b) => b.staged.length)).toEqual([2, 2, 1]);
  });
});

describe('training-data-sink countExamples', () => {
  it('counts gold and deep examples from staged keys and batch names alike', () => {
    const staged = [trainingExample({ exampleId: 'a' }), trainingExample({ exampleId: 'b', source: 'deep' }), trainingExample({ exampleId: 'c', source: 'appeal' })].map(exampleObjectKey);
    const [batch] = compactionPlan(staged);
    expect(batch!.key).toMatch(/-g2-d1\.jsonl\.gz$/);
    expect(countExamples(staged)).toEqual({ gold: 2, deep: 1 });
    expect(countExamples([batch!.key, ...staged, 'erasures/x.json'])).toEqual({ gold: 4, deep: 2 });
  });
});
