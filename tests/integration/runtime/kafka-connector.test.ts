// The Kafka port's contract on the real broker, run against every client adapter (kafkajs and
// @platformatic/kafka): per-key order, offsets committed only for what was delivered and whose
// output is stored (so a restart resumes, never replays everything or skips), refusals
// dead-lettered through the publisher without holding up the partition, keys on the partition
// Java's partitioner picks, and nothing lost across a rebalance, also between members of the two
// clients in one group.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_CLIENTS, KafkaPublisher, silentLogger, TopicConnector, type KafkaClientName } from '@sinbin/runtime';
import { DEAD_LETTER_SUFFIX, type Publisher, type WireRecord } from '@sinbin/contract';
import { startKafka, stopKafka } from '../services';
import { type KafkaRecordLike } from '../../../runtime/src/transport/decoders';
import { type DeliveryTarget, type TargetOutcome } from '../../../runtime/src/transport/kafka-connector';
import { partitionFor } from '../../../runtime/src/transport/partitioner';

let brokers: string[] = [];
let kafka: Kafka;

// The broker stays up for the next suite; the run's global teardown stops it.
beforeAll(async () => {
  brokers = process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',') : await startKafka();
  kafka = new Kafka({ clientId: 'it-connector', brokers, logLevel: logLevel.NOTHING });
}, 180_000);

async function freshTopic(partitions: number, name = `it-connector-${randomUUID().slice(0, 8)}`): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: partitions }] });
  await admin.disconnect();
  return name;
}

async function produce(topic: string, records: { key: string; value: string }[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: records });
  await producer.disconnect();
}

interface Delivered {
  key: string;
  value: string;
  partition: number;
  headers: Record<string, string>;
}

function collectingTarget(group: string, topic: string, decide: (value: string) => TargetOutcome = () => ({ status: 'done' }), delayMs = 0) {
  const delivered: Delivered[] = [];
  const target: DeliveryTarget = {
    name: group,
    consumes: [topic],
    async deliver(record: KafkaRecordLike) {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const value = record.value?.toString() ?? '';
      const outcome = decide(value);
      const headers = Object.fromEntries(Object.entries(record.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']));
      if (outcome.status === 'done') delivered.push({ key: record.key?.toString() ?? '', value, partition: record.partition, headers });
      return outcome;
    },
  };
  return { target, delivered };
}

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function untilAsync(check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function committedToEnd(group: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return committed!.partitions.every((p) => p.offset === ends.get(p.partition));
  } finally {
    await admin.disconnect();
  }
}

const noDeadLetters: Publisher = { publish: async () => undefined };

const connectorOn = (client: KafkaClientName, target: DeliveryTarget, deadLetters: Publisher = noDeadLetters, batchSize = 1) =>
  new TopicConnector({ brokers, target, deadLetters, log: silentLogger(), client, batchSize });

/**
 * A member on `first` delivers, a member on `second` joins (partitions move), the first leaves:
 * nothing lost, each key's first deliveries in order, and the group committed to the end.
 */
async function rebalanceLosesNothing(first: KafkaClientName, second: KafkaClientName): Promise<void> {
  const topic = await freshTopic(4);
  const group = `it-group-${randomUUID().slice(0, 8)}`;
  // Slow deliveries (100 per key, 100 ms each) keep the first member busy while the second joins.
  const records = Array.from({ length: 1600 }, (_, i) => ({ key: `k${i % 16}`, value: String(i) }));
  await produce(topic, records);
  // One delivery log for both members, in the order the deliveries happened.
  const log: Delivered[] = [];
  const byMember = new Map<string, number>();
  const shared = (member: string, name = group) => {
    const t = collectingTarget(name, topic, undefined, 100);
    return { ...t.target, deliver: async (r: KafkaRecordLike) => {
      const outcome = await t.target.deliver(r, '');
      if (outcome.status === 'done') {
        log.push(t.delivered.at(-1)!);
        byMember.set(member, (byMember.get(member) ?? 0) + 1);
      }
      return outcome;
    } } satisfies DeliveryTarget;
  };
  const a = connectorOn(first, shared('a'));
  await a.start();
  await until(() => log.length >= 40);
  const b = connectorOn(second, shared('b'));
  await b.start(); // joining moves partitions from a to b
  await until(() => (byMember.get('b') ?? 0) >= 20);
  await a.stop(); // leaving moves a's partitions to b
  // b is done when the group's committed offsets reach the end of every partition: everything
  // delivered, and committed only after it was (a batch cut by the rebalance is redelivered).
  await untilAsync(() => committedToEnd(group, topic));
  expect(new Set(log.map((d) => d.value)).size).toBe(records.length);
  await b.stop();
  // Both members really delivered: the partitions moved.
  expect(byMember.get('a')).toBeGreaterThan(0);
  expect(byMember.get('b')).toBeGreaterThan(0);
  // At least once: every record, some perhaps twice (redelivered from the last commit). In order:
  // per key, the first deliveries follow the topic's order.
  for (let k = 0; k < 16; k++) {
    const key = `k${k}`;
    const firsts = [...new Set(log.filter((d) => d.key === key).map((d) => d.value))];
    expect(firsts).toEqual(records.filter((r) => r.key === key).map((r) => r.value));
  }
  const again = collectingTarget(group, topic);
  const c = connectorOn(second, again.target);
  await c.start();
  await new Promise((r) => setTimeout(r, 3000));
  await c.stop();
  expect(again.delivered).toEqual([]);
}

describe.each(KAFKA_CLIENTS)('Kafka port with %s', (client: KafkaClientName) => {
  const connector = (target: DeliveryTarget, deadLetters: Publisher = noDeadLetters) => connectorOn(client, target, deadLetters);

  it('delivers each key in order and commits what it delivered: a restart resumes after it', async () => {
    const topic = await freshTopic(3);
    const group = `it-group-${randomUUID().slice(0, 8)}`;
    const first = Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 7}`, value: `a${i}` }));
    await produce(topic, first);

    const a = collectingTarget(group, topic);
    const connectorA = connector(a.target);
    await connectorA.start();
    await until(() => a.delivered.length >= first.length);
    await connectorA.stop();
    expect(a.delivered).toHaveLength(first.length);
    for (let k = 0; k < 7; k++) {
      const key = `k${k}`;
      expect(a.delivered.filter((d) => d.key === key).map((d) => d.value)).toEqual(first.filter((r) => r.key === key).map((r) => r.value));
    }

    const second = Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `b${i}` }));
    await produce(topic, second);
    const b = collectingTarget(group, topic);
    const connectorB = connector(b.target);
    await connectorB.start();
    await until(() => b.delivered.length >= second.length);
    // Give a replay of the first batch time to show up, were the offsets not committed.
    await new Promise((r) => setTimeout(r, 1500));
    await connectorB.stop();
    expect(b.delivered.map((d) => d.value).sort()).toEqual(second.map((r) => r.value).sort());
  }, 120_000);

  it('dead-letters a refused record through the publisher and keeps its partition moving', async () => {
    const topic = await freshTopic(1);
    const deadLetterTopic = await freshTopic(1, `${topic}${DEAD_LETTER_SUFFIX}`);
    const group = `it-group-${randomUUID().slice(0, 8)}`;
    await produce(topic, [
      { key: 'k', value: 'ok-1' },
      { key: 'k', value: 'poison' },
      { key: 'k', value: 'ok-2' },
    ]);
    const deadLetters = new KafkaPublisher({ brokers, clientId: `it-dlq-${client}`, client });
    const c = collectingTarget(group, topic, (value) => (value === 'poison' ? { status: 'refused', reason: 'not a chat message' } : { status: 'done' }));
    const main = connector(c.target, deadLetters);
    await main.start();
    await until(() => c.delivered.length >= 2);
    await main.stop();
    await deadLetters.close();
    expect(c.delivered.map((d) => d.value)).toEqual(['ok-1', 'ok-2']);

    // The dead letter is on the broker (stored before the offset moved past it), read back with the same client.
    const dlq = collectingTarget(`${group}-dlq`, deadLetterTopic);
    const reader = connector(dlq.target);
    await reader.start();
    await until(() => dlq.delivered.length >= 1);
    await reader.stop();
    expect(dlq.delivered).toHaveLength(1);
    expect(dlq.delivered[0]!.value).toContain('not a chat message');
  }, 120_000);

  it('commits a record only after its output is stored: a refused publish is retried, never skipped', async () => {
    const input = await freshTopic(1);
    const output = await freshTopic(1);
    const group = `it-group-${randomUUID().slice(0, 8)}`;
    await produce(input, [
      { key: 'k', value: 'm1' },
      { key: 'k', value: 'm2' },
    ]);
    const publisher = new KafkaPublisher({ brokers, clientId: `it-out-${client}`, client });
    let refusals = 1;
    const target: DeliveryTarget = {
      name: group,
      consumes: [input],
      async deliver(record) {
        const value = record.value?.toString() ?? '';
        // m1's first output goes to a topic the broker does not have (no auto-creation): refused.
        const topic = value === 'm1' && refusals-- > 0 ? `${output}-missing` : output;
        await publisher.publish([{ topic, key: 'k', value: `out-${value}`, headers: {} }]);
        return { status: 'done' };
      },
    };
    const hop = connector(target);
    await hop.start();
    const out = collectingTarget(`${group}-out`, output);
    const reader = connector(out.target);
    await reader.start();
    await until(() => out.delivered.length >= 2);
    await hop.stop();
    await reader.stop();
    await publisher.close();
    expect(refusals).toBeLessThan(0);
    expect(out.delivered.map((d) => d.value)).toEqual(['out-m1', 'out-m2']);
    expect(await committedToEnd(group, input)).toBe(true);
  }, 120_000);

  it('publishes each key to the partition Java clients pick, in order, headers intact', async () => {
    const topic = await freshTopic(6);
    const publisher = new KafkaPublisher({ brokers, clientId: `it-pub-${client}`, client });
    const records: WireRecord[] = Array.from({ length: 120 }, (_, i) => ({ topic, key: `channel-${i % 11}`, value: `v${i}`, headers: { 'ce-id': `id-${i}` } }));
    // Side by side, as the functions publish: group commit puts them into shared requests.
    await Promise.all(Array.from({ length: 12 }, (_, j) => publisher.publish(records.slice(j * 10, j * 10 + 10))));
    await publisher.close();

    const c = collectingTarget(`it-group-${randomUUID().slice(0, 8)}`, topic);
    const reader = connector(c.target);
    await reader.start();
    await until(() => c.delivered.length >= records.length);
    await reader.stop();
    for (const d of c.delivered) expect(d.partition).toBe(partitionFor(d.key, 6));
    for (let k = 0; k < 11; k++) {
      const key = `channel-${k}`;
      expect(c.delivered.filter((d) => d.key === key).map((d) => d.value)).toEqual(records.filter((r) => r.key === key).map((r) => r.value));
    }
    expect(c.delivered.find((d) => d.value === 'v7')?.headers['ce-id']).toBe('id-7');
  }, 120_000);

  it('loses nothing across a rebalance and keeps each key in order; the group resumes after what was delivered', () => rebalanceLosesNothing(client, client), 180_000);
});


// Batch deliveries (deliverMany, the CloudEvents batch the local stack sends): a function may
// leave records of a batch undone, and those go one by one without any key losing its order.
describe.each(KAFKA_CLIENTS)('Kafka port with %s, deliveries in batches', (client: KafkaClientName) => {
  it('delivers in batches, sends what a batch left undone one by one, dead-letters a refused record, each key in order', async () => {
    const topic = await freshTopic(3);
    const group = `it-group-${randomUUID().slice(0, 8)}`;
    const records = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 7}`, value: i === 40 ? 'poison' : `v${i}` }));
    await produce(topic, records);
    const one = collectingTarget(group, topic, (value) => (value === 'poison' ? { status: 'refused', reason: 'not a chat message' } : { status: 'done' }));
    const batchSizes: number[] = [];
    const held = new Set(['v50', 'v122']); // keys k1 and k3; the poison is on k5
    // As the function answers a batch: a key stops at its first record left undone (held once, or
    // refused), and its later records in the batch are not handled.
    const target: DeliveryTarget = {
      ...one.target,
      async deliverMany(batch) {
        batchSizes.push(batch.length);
        const stopped = new Set<string>();
        const answers: boolean[] = [];
        for (const { record } of batch) {
          const key = record.key?.toString() ?? '';
          const value = record.value?.toString() ?? '';
          const undone = stopped.has(key) || held.delete(value) || value === 'poison';
          if (undone) stopped.add(key);
          else await one.target.deliver(record, '');
          answers.push(!undone);
        }
        return answers;
      },
    };
    const letters: string[] = [];
    const deadLetters: Publisher = { publish: async (rs) => void letters.push(...rs.map((r) => r.value)) };
    const c = connectorOn(client, target, deadLetters, 25);
    await c.start();
    await until(() => one.delivered.length >= records.length - 1);
    await untilAsync(() => committedToEnd(group, topic));
    await c.stop();
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    expect(held.size).toBe(0);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toContain('not a chat message');
    for (let k = 0; k < 7; k++) {
      const key = `k${k}`;
      const firsts = [...new Set(one.delivered.filter((d) => d.key === key).map((d) => d.value))];
      expect(firsts).toEqual(records.filter((r) => r.key === key && r.value !== 'poison').map((r) => r.value));
    }
  }, 120_000);
});

// A rolling switch of clients: members of both in one consumer group (the platformatic adapter
// advertises kafkajs's assignor name), either one leading.
describe('kafkajs and @platformatic/kafka members in one group', () => {
  it.each([
    ['kafkajs', 'platformatic'],
    ['platformatic', 'kafkajs'],
  ] as const)('%s first, %s joining: nothing lost, each key in order, committed to the end', (first, second) => rebalanceLosesNothing(first, second), 180_000);
});

// A broker down longer than the clients' own retries: kafkajs then stops a consumer for good on
// some errors (e.g. no group coordinator while the broker starts), @platformatic/kafka ends its
// stream. The connector replaces what was given up; each client's connector resumes on its own.
describe('both clients across a broker restart', () => {
  it('keeps delivering after the broker was down longer than the clients retry', async () => {
    if (process.env.KAFKA_BROKERS) return; // an external broker is not ours to stop
    const topic = await freshTopic(2);
    const before = Array.from({ length: 10 }, (_, i) => ({ key: `k${i % 3}`, value: `a${i}` }));
    await produce(topic, before);
    const running = KAFKA_CLIENTS.map((client) => {
      const t = collectingTarget(`it-group-${client}-${randomUUID().slice(0, 8)}`, topic);
      return { client, ...t, connector: connectorOn(client, t.target) };
    });
    try {
      for (const r of running) await r.connector.start();
      await until(() => running.every((r) => r.delivered.length >= before.length));
      await stopKafka();
      // kafkajs's consumer retries for about 10 s before it crashes.
      await new Promise((r) => setTimeout(r, 15_000));
      await startKafka();
      const after = Array.from({ length: 10 }, (_, i) => ({ key: `k${i % 3}`, value: `b${i}` }));
      await produce(topic, after);
      const all = [...before, ...after].map((r) => r.value).sort();
      await until(() => running.every((r) => new Set(r.delivered.map((d) => d.value)).size >= all.length), 120_000).catch(() => undefined);
      for (const r of running) expect([r.client, [...new Set(r.delivered.map((d) => d.value))].sort()]).toEqual([r.client, all]);
    } finally {
      for (const r of running) await r.connector.stop();
    }
  }, 240_000);
});
