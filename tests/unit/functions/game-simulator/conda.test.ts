import { describe, expect, it } from 'vitest';
import { groupConda, labelOf, parseCsv, type CondaOptions } from '../../../../functions/game-simulator/src/conda';

const HEADER = 'Id,matchId,conversationId,utterance,chatTime,playerSlot,playerId,intentClass,slotClasses,slotTokens';
const csv = (...rows: string[]) => parseCsv([HEADER, ...rows].join('\n') + '\n');

describe('labelOf', () => {
  it.each([
    ['E', 'toxic'],
    ['I', 'toxic'],
    ['i', 'toxic'],
    ['A', 'ok'],
    ['O', 'ok'],
    ['', undefined],
    [undefined, undefined],
    ['X', undefined],
  ] as const)('%s -> %s', (intent, want) => {
    expect(labelOf(intent)).toBe(want);
  });
});

describe('groupConda', () => {
  const rows = csv(
    '10,7,1,late in match 7,300,2,Bob,O,,',
    '11,3,1,"hello, match 3",50,0,Ann,O,,',
    '12,7,1,early in match 7,100,4,Cid,E,,',
    '9,7,1,same time lower Id,300,1,Dee,I,,',
    '13,7,1,   ,200,3,Eve,O,,',
    '14,3,1,gg [SEPA] wp [SEPA]  ez,60,1,Fay,E,,',
    '15,12,1,"quote ""x""",10,9,Gus,A,,',
  );

  const table: { name: string; opts: CondaOptions; want: { matchId: string; lines: { playerId: string; text: string; label?: string; labelGroup?: string }[] }[] }[] = [
    {
      name: 'join: sorted by chatTime then Id, empty skipped, numeric match order',
      opts: {},
      want: [
        {
          matchId: '3',
          lines: [
            { playerId: 'm3-slot-0', text: 'hello, match 3', label: 'ok', labelGroup: '3/11' },
            { playerId: 'm3-slot-1', text: 'gg wp ez', label: 'toxic', labelGroup: '3/14' },
          ],
        },
        {
          matchId: '7',
          lines: [
            { playerId: 'm7-slot-4', text: 'early in match 7', label: 'toxic', labelGroup: '7/12' },
            { playerId: 'm7-slot-1', text: 'same time lower Id', label: 'toxic', labelGroup: '7/9' },
            { playerId: 'm7-slot-2', text: 'late in match 7', label: 'ok', labelGroup: '7/10' },
          ],
        },
        { matchId: '12', lines: [{ playerId: 'm12-slot-9', text: 'quote "x"', label: 'ok', labelGroup: '12/15' }] },
      ],
    },
    {
      name: 'split: one message per [SEPA] part, sharing the row label',
      opts: { sepa: 'split' },
      want: [
        {
          matchId: '3',
          lines: [
            { playerId: 'm3-slot-0', text: 'hello, match 3', label: 'ok', labelGroup: '3/11' },
            { playerId: 'm3-slot-1', text: 'gg', label: 'toxic', labelGroup: '3/14' },
            { playerId: 'm3-slot-1', text: 'wp', label: 'toxic', labelGroup: '3/14' },
            { playerId: 'm3-slot-1', text: 'ez', label: 'toxic', labelGroup: '3/14' },
          ],
        },
        {
          matchId: '7',
          lines: [
            { playerId: 'm7-slot-4', text: 'early in match 7', label: 'toxic', labelGroup: '7/12' },
            { playerId: 'm7-slot-1', text: 'same time lower Id', label: 'toxic', labelGroup: '7/9' },
            { playerId: 'm7-slot-2', text: 'late in match 7', label: 'ok', labelGroup: '7/10' },
          ],
        },
        { matchId: '12', lines: [{ playerId: 'm12-slot-9', text: 'quote "x"', label: 'ok', labelGroup: '12/15' }] },
      ],
    },
    {
      name: 'labels off',
      opts: { labels: false },
      want: [
        { matchId: '3', lines: [{ playerId: 'm3-slot-0', text: 'hello, match 3' }, { playerId: 'm3-slot-1', text: 'gg wp ez' }] },
        {
          matchId: '7',
          lines: [
            { playerId: 'm7-slot-4', text: 'early in match 7' },
            { playerId: 'm7-slot-1', text: 'same time lower Id' },
            { playerId: 'm7-slot-2', text: 'late in match 7' },
          ],
        },
        { matchId: '12', lines: [{ playerId: 'm12-slot-9', text: 'quote "x"' }] },
      ],
    },
  ];

  it.each(table)('$name', async ({ opts, want }) => {
    const matches = await groupConda(rows, opts);
    expect(matches).toEqual(want.map((m) => ({ matchId: m.matchId, lines: m.lines.map((l) => ({ channelId: `match-${m.matchId}`, ...l })) })));
  });

  it('reads an unlabelled file (no intentClass column)', async () => {
    const matches = await groupConda(parseCsv('matchId,utterance,chatTime,playerSlot\n1,hi,5,0\n1,yo,1,1\n'));
    expect(matches).toEqual([{ matchId: '1', lines: [{ channelId: 'match-1', playerId: 'm1-slot-1', text: 'yo' }, { channelId: 'match-1', playerId: 'm1-slot-0', text: 'hi' }] }]);
  });

  it('cuts texts longer than the gateway allows', async () => {
    const [match] = await groupConda(csv(`1,1,1,${'a'.repeat(50)},1,0,x,O,,`), { maxTextLength: 10 });
    expect(match!.lines[0]!.text).toBe('a'.repeat(10));
  });

  it.each([
    ['a file without the needed columns', 'foo,bar\n1,2\n', /missing column/],
    ['an empty file', '', /empty/],
  ])('rejects %s', async (_name, text, error) => {
    await expect(groupConda(parseCsv(text))).rejects.toThrow(error);
  });
});
