// The in-memory store adapters: the embedded runtime's state and every function test's fake.
import { describe, expect, it } from 'vitest';
import type { StoredContextLine } from '@sinbin/contract';
import { MemoryContextStore, MemoryDecisionLedger, MemoryOffenceStore } from '@sinbin/stores';
import { at, finalDecision, iso } from '../../helpers/events';
import { BoundedMap } from '../../../shared/contract/src/bounded-map';

const line = (messageId: string, text = messageId): StoredContextLine => ({ messageId, playerId: 'p', text, sentAt: iso(0) });
const ids = (lines: StoredContextLine[]) => lines.map((l) => l.messageId);

describe('BoundedMap', () => {
  it('forgets the oldest entries past its capacity, and updating keeps the size', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 10);
    expect(m.size).toBe(2);
    m.set('c', 3);
    expect([m.has('a'), m.has('b'), m.has('c')]).toEqual([false, true, true]);
    expect(m.get('c')).toBe(3);
  });
});

describe('MemoryContextStore', () => {
  it('appends idempotently by messageId', async () => {
    const s = new MemoryContextStore();
    await s.append('g/c', line('m1'));
    await s.append('g/c', line('m1', 'changed'));
    await s.append('g/c', line('m2'));
    expect(await s.recent('g/c', 10)).toEqual([line('m1'), line('m2')]);
  });

  it('recent: the newest lines, oldest first, or those before a message', async () => {
    const s = new MemoryContextStore();
    for (const id of ['m1', 'm2', 'm3', 'm4', 'm5']) await s.append('g/c', line(id));
    expect(ids(await s.recent('g/c', 2))).toEqual(['m4', 'm5']);
    expect(ids(await s.recent('g/c', 2, 'm4'))).toEqual(['m2', 'm3']);
    expect(ids(await s.recent('g/c', 10, 'm2'))).toEqual(['m1']);
    expect(ids(await s.recent('g/c', 10, 'm1'))).toEqual([]);
    expect(ids(await s.recent('g/c', 2, 'not-stored'))).toEqual(['m4', 'm5']);
    expect(await s.recent('other/channel', 5)).toEqual([]);
  });

  it('appendAndRecall: appends the line and returns the lines before it; a redelivery recalls the same', async () => {
    const s = new MemoryContextStore();
    expect(await s.appendAndRecall('g/c', line('m1'), 8)).toEqual([]);
    expect(ids(await s.appendAndRecall('g/c', line('m2'), 8))).toEqual(['m1']);
    expect(ids(await s.appendAndRecall('g/c', line('m3'), 1))).toEqual(['m2']);
    await s.append('g/c', line('m4'));
    expect(ids(await s.appendAndRecall('g/c', line('m2'), 8))).toEqual(['m1']);
    expect(ids(await s.recent('g/c', 10))).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('after: the lines that followed a message', async () => {
    const s = new MemoryContextStore();
    for (const id of ['m1', 'm2', 'm3', 'm4']) await s.append('g/c', line(id));
    expect(ids(await s.after('g/c', 'm2', 10))).toEqual(['m3', 'm4']);
    expect(ids(await s.after('g/c', 'm1', 1))).toEqual(['m2']);
    expect(await s.after('g/c', 'm4', 10)).toEqual([]);
    expect(await s.after('g/c', 'unknown', 10)).toEqual([]);
  });

  it('keeps channels apart and bounds each to its window', async () => {
    const s = new MemoryContextStore(3);
    for (const id of ['m1', 'm2', 'm3', 'm4']) await s.append('g/a', line(id));
    await s.append('g/b', line('b1'));
    expect(ids(await s.recent('g/a', 10))).toEqual(['m2', 'm3', 'm4']);
    expect(ids(await s.recent('g/b', 10))).toEqual(['b1']);
  });
});

describe('MemoryDecisionLedger', () => {
  it('putIfAbsent stores the first decision and returns the one that holds afterwards', async () => {
    const ledger = new MemoryDecisionLedger();
    const first = finalDecision({ gameId: 'g', messageId: 'm', verdict: 'block' });
    const second = finalDecision({ gameId: 'g', messageId: 'm', verdict: 'allow' });
    expect(await ledger.putIfAbsent(first)).toEqual({ decision: first, created: true });
    expect(await ledger.putIfAbsent(second)).toEqual({ decision: first, created: false });
    expect(await ledger.get('g', 'm')).toEqual(first);
    expect(ledger.size).toBe(1);
  });

  it('keys by game and message: the same messageId in two games is two decisions', async () => {
    const ledger = new MemoryDecisionLedger();
    expect(await ledger.put(finalDecision({ gameId: 'a', messageId: 'm' }))).toBe(true);
    expect(await ledger.put(finalDecision({ gameId: 'b', messageId: 'm' }))).toBe(true);
    expect(await ledger.put(finalDecision({ gameId: 'a', messageId: 'm' }))).toBe(false);
    expect(await ledger.get('c', 'm')).toBeUndefined();
    expect(ledger.size).toBe(2);
  });
});

describe('MemoryOffenceStore', () => {
  it('counts offences in the window, each message once', async () => {
    const s = new MemoryOffenceStore();
    const window = 60_000;
    expect(await s.record('g', 'p', 'm1', at(0), window)).toBe(1);
    expect(await s.record('g', 'p', 'm1', at(10), window)).toBe(1);
    expect(await s.record('g', 'p', 'm2', at(20), window)).toBe(2);
    expect(await s.record('g', 'other', 'm3', at(20), window)).toBe(1);
    expect(await s.record('h', 'p', 'm4', at(20), window)).toBe(1);
    // m1 and m2 fall out of the window.
    expect(await s.record('g', 'p', 'm5', at(60_021), window)).toBe(1);
  });
});
