// The bus must put a key on the partition a Kafka producer would. Reference values are the ones
// Apache Kafka's own UtilsTest.testMurmur2 asserts for Utils.murmur2; kafkajs's Java-compatible
// DefaultPartitioner is a second, independent implementation to compare against.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionFor } from '../../../../runtime/src/transport/partitioner';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;
const bytes = (s: string) => new TextEncoder().encode(s);

describe('murmur2 matches Kafka Utils.murmur2', () => {
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('murmur2(%j) = %i', (key, want) => {
    expect(murmur2(bytes(key))).toBe(want);
  });

  it('agrees with kafkajs on keys of every tail length, multi-byte UTF-8 and high bytes', () => {
    const keys = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'game-a/match-1', 'ゲーム/チャンネル', 'émoji 🎮', 'x'.repeat(257)];
    for (const key of keys) expect(murmur2(bytes(key)), key).toBe(kafkajsMurmur2(Buffer.from(key)));
    const raw = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 200) & 0xff);
    for (let n = 0; n <= raw.length; n++) expect(murmur2(raw.subarray(0, n)), `${n} bytes`).toBe(kafkajsMurmur2(Buffer.from(raw.subarray(0, n))));
  });
});

describe('partitionFor', () => {
  it("is Kafka's toPositive(murmur2(key)) % partitions", () => {
    for (const [key, hash] of [['foobar', -790332482], ['abc', 479470107], ['21', -973932308]] as const) {
      for (const n of [1, 3, 6, 12]) expect(partitionFor(key, n)).toBe((hash & 0x7fffffff) % n);
    }
  });

  it('is deterministic and in range', () => {
    for (let i = 0; i < 200; i++) {
      const key = `game-${i % 7}/channel-${i}`;
      const p = partitionFor(key, 12);
      expect(p).toBe(partitionFor(key, 12));
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(12);
    }
  });

  it('spreads channel keys over every partition, none with more than twice its share', () => {
    const counts = new Array<number>(12).fill(0);
    for (let i = 0; i < 12_000; i++) counts[partitionFor(`game-a/match-${i}`, 12)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(500);
    expect(Math.max(...counts)).toBeLessThan(2000);
  });
});
