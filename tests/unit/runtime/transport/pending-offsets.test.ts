import { describe, expect, it } from 'vitest';
import { PendingOffsets } from '../../../../runtime/src/transport/pending-offsets';

type Step = ['done', string, number, string] | ['restore', string, number, string] | ['retain', Record<string, number[]>];

describe('PendingOffsets', () => {
  it.each<{ name: string; steps: Step[]; taken: [string, number, string][] }>([
    { name: 'nothing done, nothing to commit', steps: [], taken: [] },
    { name: 'commits the next offset after the last done', steps: [['done', 'raw', 0, '41']], taken: [['raw', 0, '42']] },
    {
      name: 'one entry per partition, the newest wins',
      steps: [['done', 'raw', 0, '1'], ['done', 'raw', 0, '7'], ['done', 'raw', 1, '3'], ['done', 'classified', 0, '5']],
      taken: [['raw', 0, '8'], ['raw', 1, '4'], ['classified', 0, '6']],
    },
    { name: 'never moves back', steps: [['done', 'raw', 0, '9'], ['done', 'raw', 0, '4']], taken: [['raw', 0, '10']] },
    { name: 'offsets past 2^53 stay exact', steps: [['done', 'raw', 0, '9007199254740993']], taken: [['raw', 0, '9007199254740994']] },
    {
      name: 'a rebalance drops partitions no longer owned',
      steps: [['done', 'raw', 0, '1'], ['done', 'raw', 1, '1'], ['done', 'classified', 2, '1'], ['retain', { raw: [1], other: [2] }]],
      taken: [['raw', 1, '2']],
    },
    { name: 'a failed commit comes back', steps: [['restore', 'raw', 0, '12']], taken: [['raw', 0, '12']] },
    { name: 'a failed commit does not undo newer progress', steps: [['done', 'raw', 0, '20'], ['restore', 'raw', 0, '12']], taken: [['raw', 0, '21']] },
  ])('$name', ({ steps, taken }) => {
    const pending = new PendingOffsets();
    for (const step of steps) {
      if (step[0] === 'done') pending.done(step[1], step[2], step[3]);
      else if (step[0] === 'restore') pending.restore([{ topic: step[1], partition: step[2], offset: step[3] }]);
      else pending.retain(step[1]);
    }
    expect(pending.size).toBe(taken.length);
    expect(pending.take()).toEqual(taken.map(([topic, partition, offset]) => ({ topic, partition, offset })));
    expect(pending.size).toBe(0);
  });
});
