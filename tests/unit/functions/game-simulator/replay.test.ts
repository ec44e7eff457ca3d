import { describe, expect, it } from 'vitest';
import type { Match } from '../../../../functions/game-simulator/src/conda';
import { batches, lapId, mulberry32, replay, totalMessages, type ReplayOptions } from '../../../../functions/game-simulator/src/replay';

function match(id: string, n: number, label = false): Match {
  return {
    matchId: id,
    lines: Array.from({ length: n }, (_, i) => ({
      channelId: `match-${id}`,
      playerId: `m${id}-slot-${i % 3}`,
      text: `${id}:${i}`,
      ...(label ? { label: i % 2 ? ('toxic' as const) : ('ok' as const), labelGroup: `${id}/${i}` } : {}),
    })),
  };
}

const MATCHES = [match('a', 5), match('b', 3), match('c', 7), match('d', 1)];
const base: ReplayOptions = { rate: 100, durationSeconds: 1, concurrentMatches: 2, runId: 'run1', seed: 7 };

describe('replay', () => {
  it.each([
    { rate: 100, durationSeconds: 1, want: 100 },
    { rate: 200, durationSeconds: 0.5, want: 100 },
    { rate: 3, durationSeconds: 2, want: 6 },
    { rate: 10, durationSeconds: 0, want: 0 },
    { rate: 0.5, durationSeconds: 3, want: 2 },
  ])('sends round(rate * duration) messages, evenly spaced: $rate/s for $durationSeconds s', ({ rate, durationSeconds, want }) => {
    const out = [...replay(MATCHES, { ...base, rate, durationSeconds })];
    expect(out).toHaveLength(want);
    expect(totalMessages({ rate, durationSeconds })).toBe(want);
    out.forEach((m, k) => expect(m.atMs).toBeCloseTo((k * 1000) / rate, 9));
  });

  it.each([1, 2, 3, 4, 10])('keeps every match (and lap) in its own order with %i matches at once', (concurrentMatches) => {
    const out = [...replay(MATCHES, { ...base, concurrentMatches, durationSeconds: 2 })];
    const byChannel = new Map<string, string[]>();
    for (const m of out) byChannel.set(m.channelId, [...(byChannel.get(m.channelId) ?? []), m.text]);
    for (const [channel, texts] of byChannel) {
      const id = channel.replace(/^match-/, '').replace(/-r\d+$/, '');
      const source = MATCHES.find((m) => m.matchId === id)!.lines.map((l) => l.text);
      expect(texts, channel).toEqual(source.slice(0, texts.length));
    }
  });

  it('gives every message a unique id with the run prefix', () => {
    const out = [...replay(MATCHES, { ...base, rate: 1000, durationSeconds: 5 })];
    const ids = out.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.startsWith('run1-'))).toBe(true);
    expect(ids[0]).toBe('run1-0000');
  });

  it('wraps around when the data runs out, on fresh channels and players per lap', () => {
    const out = [...replay([match('x', 2), match('y', 2)], { ...base, concurrentMatches: 1, rate: 10, durationSeconds: 1 })];
    expect(out.map((m) => [m.channelId, m.playerId, m.text, m.lap])).toEqual([
      ['match-x', 'mx-slot-0', 'x:0', 0],
      ['match-x', 'mx-slot-1', 'x:1', 0],
      ['match-y', 'my-slot-0', 'y:0', 0],
      ['match-y', 'my-slot-1', 'y:1', 0],
      ['match-x-r2', 'mx-slot-0-r2', 'x:0', 1],
      ['match-x-r2', 'mx-slot-1-r2', 'x:1', 1],
      ['match-y-r2', 'my-slot-0-r2', 'y:0', 1],
      ['match-y-r2', 'my-slot-1-r2', 'y:1', 1],
      ['match-x-r3', 'mx-slot-0-r3', 'x:0', 2],
      ['match-x-r3', 'mx-slot-1-r3', 'x:1', 2],
    ]);
  });

  it('interleaves the live matches and never has more than concurrentMatches open at once', () => {
    const many = Array.from({ length: 20 }, (_, i) => match(String(i), 10));
    const out = [...replay(many, { ...base, concurrentMatches: 4, rate: 100, durationSeconds: 1.5 })];
    // A channel is open from its first message to its last; count overlaps at each position.
    const first = new Map<string, number>();
    const last = new Map<string, number>();
    out.forEach((m, k) => {
      if (!first.has(m.channelId)) first.set(m.channelId, k);
      last.set(m.channelId, k);
    });
    for (let k = 0; k < out.length; k++) {
      const open = [...first.keys()].filter((c) => first.get(c)! <= k && k <= last.get(c)!).length;
      expect(open).toBeLessThanOrEqual(4);
    }
    expect(new Set(out.slice(0, 20).map((m) => m.channelId)).size).toBeGreaterThan(1);
  });

  it('carries labels, with the lap in the label group', () => {
    const out = [...replay([match('z', 2, true)], { ...base, concurrentMatches: 1, rate: 4, durationSeconds: 1 })];
    expect(out.map((m) => [m.label, m.labelGroup])).toEqual([
      ['ok', 'z/0'],
      ['toxic', 'z/1'],
      ['ok', 'z/0-r2'],
      ['toxic', 'z/1-r2'],
    ]);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const texts = (seed: number) => [...replay(MATCHES, { ...base, seed })].map((m) => m.text);
    expect(texts(3)).toEqual(texts(3));
    expect(texts(3)).not.toEqual(texts(4));
  });

  it.each<[string, Match[], ReplayOptions, RegExp]>([
    ['no matches', [], base, /no match/],
    ['only empty matches', [{ matchId: 'e', lines: [] }], base, /no match/],
    ['zero rate', MATCHES, { ...base, rate: 0 }, /rate/],
    ['negative duration', MATCHES, { ...base, durationSeconds: -1 }, /duration/],
  ])('rejects %s', (_name, matches, opts, error) => {
    expect(() => [...replay(matches, opts)]).toThrow(error);
  });
});

describe('helpers', () => {
  it.each([
    ['id', 0, 'id'],
    ['id', 1, 'id-r2'],
    ['id', 4, 'id-r5'],
  ] as const)('lapId(%s, %i) = %s', (id, lap, want) => {
    expect(lapId(id, lap)).toBe(want);
  });

  it.each([
    [[1, 2, 3, 4, 5], 2, [[1, 2], [3, 4], [5]]],
    [[1, 2, 3], 5, [[1, 2, 3]]],
    [[1, 2], 1, [[1], [2]]],
    [[], 3, []],
  ])('batches(%j, %i)', (items, size, want) => {
    expect([...batches(items, size)]).toEqual(want);
  });

  it('mulberry32 stays in [0, 1)', () => {
    const r = mulberry32(42);
    for (let i = 0; i < 1000; i++) {
      const x = r();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
