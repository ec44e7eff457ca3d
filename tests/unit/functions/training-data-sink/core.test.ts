import { describe, expect, it } from 'vitest';
import { TrainingExampleSchema } from '@sinbin/contract';
import { exampleObjectBody, exampleObjectKey } from '../../../../functions/training-data-sink/src/core';
import { trainingExample } from '../../../helpers/events';

describe('training-data-sink exampleObjectKey', () => {
  it.each([
    { e: {}, want: 'training-data/game=game-a/date=2026-03-01/moderator/example-0123456789abcdef.json' },
    { e: { source: 'deep' as const }, want: 'training-data/game=game-a/date=2026-03-01/deep/example-0123456789abcdef.json' },
    { e: { createdAt: '2026-12-31T23:59:59.999Z' }, want: 'training-data/game=game-a/date=2026-12-31/moderator/example-0123456789abcdef.json' },
    { e: { gameId: 'a/b c%' }, want: 'training-data/game=a%2Fb%20c%25/date=2026-03-01/moderator/example-0123456789abcdef.json', why: 'a game id cannot add path segments' },
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
