// The in-process bus keeps Kafka's semantics: partition by key, order per partition, commit after
// success, redelivery with an attempt count, consumer groups independent of each other.
import { describe, expect, it } from 'vitest';
import { type RawDelivery, TOPICS, type WireRecord } from '@sinbin/contract';
import { MemoryBus, metricsRegistry } from '@sinbin/runtime';
import { reportConsumerLag } from '../../../../runtime/src/metrics';
import { pollUntil } from '../../../helpers/poll';
import { type Ack } from '../../../../runtime/src/transport/memory-bus';
import { partitionFor } from '../../../../runtime/src/transport/partitioner';

const rec = (topic: string, key: string | null, value: string, headers: Record<string, string> = {}): WireRecord => ({ topic, key, value, headers });
const text = (d: RawDelivery) => String(d.value);
const onePartition = () => new MemoryBus({ partitions: () => 1 });

/** A latch a handler can wait on, so a test controls when a record is committed. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('MemoryBus publishing', () => {
  it("puts a keyed record on the partition Kafka's partitioner picks, at the next offset", async () => {
    const bus = new MemoryBus();
    await bus.publish([rec('raw-messages', 'game-a/match-1', 'a'), rec('raw-messages', 'game-a/match-1', 'b'), rec('raw-messages', 'game-b/x', 'c')]);
    const records = bus.records('raw-messages');
    const p1 = partitionFor('game-a/match-1', TOPICS['raw-messages'].partitions);
    expect(records.filter((r) => r.partition === p1).map((r) => [r.value, r.offset])).toEqual(
      partitionFor('game-b/x', 12) === p1 ? [['a', 0], ['b', 1], ['c', 2]] : [['a', 0], ['b', 1]],
    );
    expect(records.find((r) => r.value === 'c')!.partition).toBe(partitionFor('game-b/x', 12));
  });

  it('uses the registry partition count for pipeline topics, one partition for others, or the given function', () => {
    expect(new MemoryBus().partitionCount('raw-messages')).toBe(TOPICS['raw-messages'].partitions);
    expect(new MemoryBus().partitionCount('raw-messages.dlq')).toBe(1);
    expect(new MemoryBus({ partitions: () => 4 }).partitionCount('raw-messages')).toBe(4);
  });

  it('places an unkeyed record on some partition in range', async () => {
    const bus = new MemoryBus({ partitions: () => 5 });
    await bus.publish(Array.from({ length: 20 }, (_, i) => rec('t', null, `v${i}`)));
    expect(bus.records('t')).toHaveLength(20);
    for (const r of bus.records('t')) expect([0, 1, 2, 3, 4]).toContain(r.partition);
  });

  it('refuses to publish once stopped', async () => {
    const bus = new MemoryBus();
    bus.stop();
    await expect(bus.publish([rec('t', 'k', 'v')])).rejects.toThrow('stopped');
  });
});

describe('MemoryBus delivery', () => {
  it('hands over the wire record with its position; the CloudEvent id is the delivery id', async () => {
    const bus = onePartition();
    const got: RawDelivery[] = [];
    bus.subscribe('g', ['t'], async (d) => (got.push(d), 'commit'));
    await bus.publish([rec('t', 'k', 'v1', { ce_id: 'evt-1' }), rec('t', 'k', 'v2')]);
    await pollUntil(() => got.length === 2, { what: 'two deliveries' });
    expect(got[0]).toEqual({ topic: 't', key: 'k', partition: 0, offset: '0', id: 'evt-1', value: 'v1', headers: { ce_id: 'evt-1' } });
    expect(got[1]!.id).toBe('partition:0/offset:1');
  });

  it('keeps the order of every key, across publish calls and slow handlers', async () => {
    const bus = new MemoryBus({ partitions: () => 3 });
    const seen = new Map<string, string[]>();
    bus.subscribe('g', ['t'], async (d) => {
      // Yield a varying number of turns, so partitions interleave.
      for (let i = 0; i < Number(text(d).split(':')[1]) % 3; i++) await new Promise((r) => setImmediate(r));
      seen.set(d.key!, [...(seen.get(d.key!) ?? []), text(d)]);
      return 'commit';
    });
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
    for (let batch = 0; batch < 4; batch++) {
      await bus.publish(Array.from({ length: 25 }, (_, i) => rec('t', keys[i % keys.length]!, `${keys[i % keys.length]}:${batch * 25 + i}`)));
    }
    expect(await bus.drained()).toBe(true);
    for (const key of keys) {
      const values = seen.get(key)!.map((v) => Number(v.split(':')[1]));
      expect(values, key).toEqual([...values].sort((a, b) => a - b));
      expect(values, key).toHaveLength(20);
    }
  });

  it('redelivers the same record with a growing attempt count, and the next one only after commit', async () => {
    const bus = onePartition();
    const calls: [string, number][] = [];
    bus.subscribe('g', ['t'], async (d, attempt) => {
      calls.push([text(d), attempt]);
      return text(d) === 'first' && attempt < 3 ? 'redeliver' : 'commit';
    }, { backoffMs: 1 });
    await bus.publish([rec('t', 'k', 'first'), rec('t', 'k', 'second')]);
    expect(await bus.drained()).toBe(true);
    expect(calls).toEqual([['first', 1], ['first', 2], ['first', 3], ['second', 1]]);
  });

  it('treats a handler that throws as asking for redelivery', async () => {
    const bus = onePartition();
    const attempts: number[] = [];
    bus.subscribe('g', ['t'], async (_d, attempt) => {
      attempts.push(attempt);
      if (attempt === 1) throw new Error('boom');
      return 'commit';
    }, { backoffMs: 1 });
    await bus.publish([rec('t', 'k', 'v')]);
    expect(await bus.drained()).toBe(true);
    expect(attempts).toEqual([1, 2]);
  });

  it('keeps consumer groups independent: a stuck group does not hold up another', async () => {
    const bus = onePartition();
    const release = gate();
    const fast: string[] = [];
    let stuckCalls = 0;
    bus.subscribe('stuck', ['t'], async () => {
      stuckCalls++;
      await release.opened;
      return 'commit';
    });
    bus.subscribe('fast', ['t'], async (d) => (fast.push(text(d)), 'commit'));
    await bus.publish([rec('t', 'k', 'a'), rec('t', 'k', 'b'), rec('t', 'k', 'c')]);
    await pollUntil(() => fast.length === 3, { what: 'the fast group to read everything' });
    expect(fast).toEqual(['a', 'b', 'c']);
    expect(stuckCalls).toBe(1);
    expect(bus.lag('fast')).toBe(0);
    expect(bus.lag('stuck')).toBe(3);
    expect(bus.lagByTopic('stuck')).toEqual(new Map([['t', 3]]));
    // What sinbin_consumer_lag reports, read at scrape time.
    const stopReporting = reportConsumerLag(() => [...bus.lagByTopic('stuck')].map(([topic, lag]) => ({ fn: 'stuck', topic, lag })));
    try {
      expect(await metricsRegistry.getSingleMetricAsString('sinbin_consumer_lag')).toContain('sinbin_consumer_lag{fn="stuck",topic="t"} 3');
    } finally {
      stopReporting();
    }
    release.open();
    expect(await bus.drained()).toBe(true);
    expect(bus.lag('stuck')).toBe(0);
  });

  it('each group gets every record, even one that another group redelivers', async () => {
    const bus = onePartition();
    const a: string[] = [];
    const b: string[] = [];
    bus.subscribe('a', ['t'], async (d, attempt) => (attempt === 1 ? 'redeliver' : (a.push(text(d)), 'commit')), { backoffMs: 1 });
    bus.subscribe('b', ['t'], async (d) => (b.push(text(d)), 'commit'));
    await bus.publish([rec('t', 'k', 'x'), rec('t', 'k', 'y')]);
    expect(await bus.drained()).toBe(true);
    expect(a).toEqual(['x', 'y']);
    expect(b).toEqual(['x', 'y']);
  });

  it('a group subscribing late starts at the earliest retained record', async () => {
    const bus = onePartition();
    await bus.publish([rec('t', 'k', 'early-1'), rec('t', 'k', 'early-2')]);
    const got: string[] = [];
    bus.subscribe('late', ['t'], async (d) => (got.push(text(d)), 'commit'));
    await bus.publish([rec('t', 'k', 'later')]);
    expect(await bus.drained()).toBe(true);
    expect(got).toEqual(['early-1', 'early-2', 'later']);
  });

  it('stops delivering once stopped', async () => {
    const bus = onePartition();
    const got: string[] = [];
    const release = gate();
    bus.subscribe('g', ['t'], async (d) => {
      got.push(text(d));
      await release.opened;
      return 'commit';
    });
    await bus.publish([rec('t', 'k', 'a'), rec('t', 'k', 'b')]);
    await pollUntil(() => got.length === 1, { what: 'the first delivery' });
    bus.stop();
    release.open();
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['a']);
  });
});

describe('MemoryBus retention', () => {
  it('keeps every record a group has not committed, and drops what every group has', async () => {
    const bus = onePartition();
    const release = gate();
    bus.subscribe('slow', ['t'], async () => (await release.opened, 'commit' as Ack));
    bus.subscribe('quick', ['t'], async () => 'commit');
    await bus.publish([rec('t', 'k', 'a'), rec('t', 'k', 'b'), rec('t', 'k', 'c')]);
    await pollUntil(() => bus.lag('quick') === 0, { what: 'the quick group' });
    await bus.publish([rec('t', 'k', 'd')]);
    // The slow group has committed nothing, so nothing may go.
    expect(bus.records('t').map((r) => r.value)).toEqual(['a', 'b', 'c', 'd']);
    release.open();
    expect(await bus.drained()).toBe(true);
    await bus.publish([rec('t', 'k', 'e')]);
    expect(bus.records('t').map((r) => [r.value, r.offset])).toEqual([['e', 4]]);
  });

  it('a topic nobody reads keeps a bounded tail of its newest records', async () => {
    const bus = new MemoryBus({ partitions: () => 1, retainUnconsumed: 3 });
    for (let i = 0; i < 10; i++) await bus.publish([rec('dlq', 'k', `v${i}`)]);
    expect(bus.records('dlq').map((r) => [r.value, r.offset])).toEqual([['v7', 7], ['v8', 8], ['v9', 9]]);
    const got: string[] = [];
    bus.subscribe('reader', ['dlq'], async (d) => (got.push(text(d)), 'commit'));
    expect(await bus.drained()).toBe(true);
    expect(got).toEqual(['v7', 'v8', 'v9']);
  });

  it('drained() is false while a group lags and true once it caught up', async () => {
    const bus = onePartition();
    const release = gate();
    bus.subscribe('g', ['t'], async () => (await release.opened, 'commit' as Ack));
    await bus.publish([rec('t', 'k', 'v')]);
    expect(await bus.drained(30)).toBe(false);
    release.open();
    expect(await bus.drained()).toBe(true);
  });

  it('drained() is true at once with no subscribers', async () => {
    expect(await new MemoryBus().drained(10)).toBe(true);
  });
});
