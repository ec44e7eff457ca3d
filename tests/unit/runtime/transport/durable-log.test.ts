// The bus on the durable log (LmdbLog on an LMDB state database), as make run has it: what a
// group committed stays committed across a restart, what it did not is delivered again, offsets
// go on where they stopped, and the log is cleaned up behind the slowest group and by retention.
// (A restart here is a clean close, which writes the offsets committed so far, and a reopen;
// tests/e2e/crash.test.ts kills the process instead.)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawDelivery, WireRecord } from '@sinbin/contract';
import { openStateDb, type StateDb } from '@sinbin/stores/lmdb';
import { pollUntil } from '../../../helpers/poll';
import { LmdbLog, retentionOf } from '../../../../runtime/src/transport/lmdb-log';
import { MemoryBus } from '../../../../runtime/src/transport/memory-bus';

const rec = (key: string, value: string, topic = 't'): WireRecord => ({ topic, key, value, headers: { ce_id: value } });

interface Opened {
  bus: MemoryBus;
  log: LmdbLog;
  state: StateDb;
}

const open: Opened[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.bus.close(50);
    await o.state.close();
  }
});

function openBus(dir: string, opts: { partitions?: number; retentionMs?: number } = {}): Opened {
  const state = openStateDb(dir);
  const log = new LmdbLog(state, { sweepMs: 60_000, ...(opts.retentionMs !== undefined ? { retentionMs: () => opts.retentionMs! } : {}) });
  const bus = new MemoryBus({ partitions: () => opts.partitions ?? 2, storage: log, paused: true });
  const o = { bus, log, state };
  open.push(o);
  return o;
}

async function reopen(o: Opened, dir: string, opts: { partitions?: number; retentionMs?: number } = {}): Promise<Opened> {
  open.splice(open.indexOf(o), 1);
  await o.bus.close(50);
  await o.state.close();
  return openBus(dir, opts);
}

/** A consumer that commits the first `take` deliveries and holds the rest (never acknowledges them). */
function consume(bus: MemoryBus, group: string, take = Infinity) {
  const got: RawDelivery[] = [];
  bus.subscribe(group, ['t'], async (d) => {
    if (got.length >= take) return new Promise<never>(() => undefined);
    got.push(d);
    return 'commit';
  });
  return got;
}

const newDir = () => join(mkdtempSync(join(tmpdir(), 'sinbin-log-')), 'log');

describe('the bus on the durable log', () => {
  it('a publish resolves once its records are on disk; a restart finds them at the same offsets', async () => {
    const dir = newDir();
    let o = openBus(dir, { partitions: 1 });
    await o.bus.publish([rec('k', 'a'), rec('k', 'b')]);
    await o.bus.publish([rec('k', 'c')]);
    o = await reopen(o, dir, { partitions: 1 });
    const got = consume(o.bus, 'g');
    o.bus.resume();
    await pollUntil(() => got.length === 3, { what: 'three records after the restart' });
    expect(got.map((d) => [d.value, d.offset])).toEqual([['a', '0'], ['b', '1'], ['c', '2']]);
  });

  it('redelivers exactly what a group had not committed, and continues the offsets', async () => {
    const dir = newDir();
    let o = openBus(dir, { partitions: 1 });
    const first = consume(o.bus, 'g', 2);
    o.bus.resume();
    await o.bus.publish(['a', 'b', 'c', 'd'].map((v) => rec('k', v)));
    await pollUntil(() => first.length === 2, { what: 'two commits' });
    o = await reopen(o, dir, { partitions: 1 });
    const second = consume(o.bus, 'g');
    o.bus.resume();
    await o.bus.publish([rec('k', 'e')]);
    await pollUntil(() => second.length === 3, { what: 'the uncommitted two and the new one' });
    expect(second.map((d) => [d.value, d.offset])).toEqual([['c', '2'], ['d', '3'], ['e', '4']]);
  });

  it('groups keep their own offsets across a restart', async () => {
    const dir = newDir();
    let o = openBus(dir, { partitions: 1 });
    const fast = consume(o.bus, 'fast');
    const slow = consume(o.bus, 'slow', 1);
    o.bus.resume();
    await o.bus.publish(['a', 'b', 'c'].map((v) => rec('k', v)));
    await pollUntil(() => fast.length === 3 && slow.length === 1, { what: 'both groups' });
    o = await reopen(o, dir, { partitions: 1 });
    const fastAgain = consume(o.bus, 'fast');
    const slowAgain = consume(o.bus, 'slow');
    o.bus.resume();
    await pollUntil(() => slowAgain.length === 2, { what: 'the slow group catching up' });
    expect(slowAgain.map((d) => d.value)).toEqual(['b', 'c']);
    expect(fastAgain).toEqual([]);
  });

  it('keeps the partition count a topic was created with, so keys stay on their partition', async () => {
    const dir = newDir();
    let o = openBus(dir, { partitions: 3 });
    await o.bus.publish([rec('k', 'a')]);
    expect(o.bus.partitionCount('t')).toBe(3);
    o = await reopen(o, dir, { partitions: 8 });
    expect(o.bus.partitionCount('t')).toBe(3);
    expect(o.bus.partitionCount('another-topic')).toBe(8);
  });

  it('removes from disk what every group has passed, and keeps what one still needs', async () => {
    const dir = newDir();
    const o = openBus(dir, { partitions: 1 });
    const fast = consume(o.bus, 'fast');
    const slow = consume(o.bus, 'slow', 2);
    o.bus.resume();
    for (const v of ['a', 'b', 'c', 'd']) await o.bus.publish([rec('k', v)]); // four chunks
    await pollUntil(() => fast.length === 4 && slow.length === 2, { what: 'deliveries' });
    await o.bus.publish([rec('k', 'e')]); // a wake: trims what both groups passed
    o.log.sweep();
    await o.state.flushed();
    expect(o.log.retained().get('t')).toEqual({ chunks: 3, records: 3 });
  });

  it("removes records past their topic's retention, read or not; a group behind them resumes at the oldest kept", async () => {
    const dir = newDir();
    let o = openBus(dir, { partitions: 1, retentionMs: 60_000 });
    await o.bus.publish([rec('k', 'old')]);
    o.log.sweep(Date.now() + 10 * 60_000); // ten minutes later: past the retention of a minute
    await o.state.flushed();
    expect(o.log.retained().get('t')).toBeUndefined();
    o = await reopen(o, dir, { partitions: 1, retentionMs: 60_000 });
    const got = consume(o.bus, 'g');
    o.bus.resume();
    await o.bus.publish([rec('k', 'new')]);
    await pollUntil(() => got.length === 1, { what: 'the new record' });
    // Offsets go on after removed records: a group's committed offset never points at a reused one.
    expect(got.map((d) => [d.value, d.offset])).toEqual([['new', '1']]);
  });

  it('takes retention from the topic registry; a dead-letter topic keeps its topic\'s', () => {
    expect(retentionOf('raw-messages')).toBe(7 * 24 * 3600_000);
    expect(retentionOf('moderation-required.dlq')).toBe(30 * 24 * 3600_000);
    expect(retentionOf('something-else')).toBe(7 * 24 * 3600_000);
  });

  it.each([{ how: 'a step output (inLog)' }, { how: 'a publish from outside the log' }])(
    'a store write issued before $how is committed before the records are: a consumer never sees a record whose store writes could still be lost',
    async ({ how }) => {
      const o = openBus(newDir(), { partitions: 1 });
      const ledger = o.state.table<string, string>('ledger-under-test');
      const seen: { value: string; ledgerHas: boolean }[] = [];
      o.bus.subscribe('g', ['t'], async (d) => {
        const value = String(d.value);
        seen.push({ value, ledgerHas: ledger.get(`entry-${value}`) !== undefined });
        return 'commit';
      });
      o.bus.resume();
      for (let round = 0; round < 20; round++) {
        // A commit in flight, then a store write waiting behind it, then the publish (as the decision manager does).
        o.state.track(o.state.put(ledger, `filler-${round}`, 'x'));
        await new Promise((r) => setImmediate(r));
        o.state.track(o.state.put(ledger, `entry-${round}`, 'decided'));
        const publish = how === 'a publish from outside the log' ? o.bus.publish([rec('k', String(round))]) : o.bus.inLog().publish([rec('k', String(round))]);
        await publish;
      }
      await pollUntil(() => seen.length === 20, { what: 'the 20 records' });
      expect(seen.filter((s) => !s.ledgerHas).map((s) => s.value)).toEqual([]);
    },
  );

  it('stops accepting once a state write failed, so nothing moves on past a lost write', async () => {
    const o = openBus(newDir(), { partitions: 1 });
    o.state.track(Promise.reject(new Error('No space left on device')));
    await new Promise((r) => setImmediate(r));
    await expect(o.bus.publish([rec('k', 'a')])).rejects.toThrow('No space left on device');
    await expect(o.bus.publish([rec('k', 'b')])).rejects.toThrow('restart to resume');
  });
});
