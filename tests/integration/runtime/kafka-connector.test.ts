// The topic connector against the real broker: per-key order, offsets committed for what was
// delivered (so a restart resumes, never replays everything or skips), refusals dead-lettered
// without holding up the partition.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, TopicConnector } from '@sinbin/runtime';
import { DEAD_LETTER_SUFFIX, type Publisher, type WireRecord } from '@sinbin/contract';
import { startKafka } from '../services';
import { type KafkaRecordLike } from '../../../runtime/src/transport/decoders';
import { type DeliveryTarget, type TargetOutcome } from '../../../runtime/src/transport/kafka-connector';

let brokers: string[] = [];
let kafka: Kafka;

// The broker stays up for the next suite; the run's global teardown stops it.
beforeAll(async () => {
  brokers = process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',') : await startKafka();
  kafka = new Kafka({ clientId: 'it-connector', brokers, logLevel: logLevel.NOTHING });
}, 180_000);

async function freshTopic(partitions: number): Promise<string> {
  const topic = `it-connector-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  await admin.disconnect();
  return topic;
}

async function produce(topic: string, records: { key: string; value: string }[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: records });
  await producer.disconnect();
}

function collectingTarget(group: string, topic: string, decide: (value: string) => TargetOutcome = () => ({ status: 'done' })) {
  const delivered: { key: string; value: string }[] = [];
  const target: DeliveryTarget = {
    name: group,
    consumes: [topic],
    async deliver(record: KafkaRecordLike) {
      const value = record.value?.toString() ?? '';
      const outcome = decide(value);
      if (outcome.status === 'done') delivered.push({ key: record.key?.toString() ?? '', value });
      return outcome;
    },
  };
  return { target, delivered };
}

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const noDeadLetters: Publisher = { publish: async () => undefined };

describe('topic connector on Kafka', () => {
  it('delivers each key in order and commits what it delivered: a restart resumes after it', async () => {
    const topic = await freshTopic(3);
    const group = `it-group-${randomUUID().slice(0, 8)}`;
    const first = Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 7}`, value: `a${i}` }));
    await produce(topic, first);

    const a = collectingTarget(group, topic);
    const connectorA = new TopicConnector({ brokers, target: a.target, deadLetters: noDeadLetters, log: silentLogger() });
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
    const connectorB = new TopicConnector({ brokers, target: b.target, deadLetters: noDeadLetters, log: silentLogger() });
    await connectorB.start();
    await until(() => b.delivered.length >= second.length);
    // Give a replay of the first batch time to show up, were the offsets not committed.
    await new Promise((r) => setTimeout(r, 1500));
    await connectorB.stop();
    expect(b.delivered.map((d) => d.value).sort()).toEqual(second.map((r) => r.value).sort());
  });

  it('dead-letters a refused record and keeps its partition moving', async () => {
    const topic = await freshTopic(1);
    const group = `it-group-${randomUUID().slice(0, 8)}`;
    await produce(topic, [
      { key: 'k', value: 'ok-1' },
      { key: 'k', value: 'poison' },
      { key: 'k', value: 'ok-2' },
    ]);
    const deadLettered: WireRecord[] = [];
    const deadLetters: Publisher = { publish: async (records) => void deadLettered.push(...records) };
    const c = collectingTarget(group, topic, (value) => (value === 'poison' ? { status: 'refused', reason: 'not a chat message' } : { status: 'done' }));
    const connector = new TopicConnector({ brokers, target: c.target, deadLetters, log: silentLogger() });
    await connector.start();
    await until(() => c.delivered.length >= 2);
    await connector.stop();
    expect(c.delivered.map((d) => d.value)).toEqual(['ok-1', 'ok-2']);
    expect(deadLettered).toHaveLength(1);
    expect(deadLettered[0]!.topic).toBe(`${topic}${DEAD_LETTER_SUFFIX}`);
  });
});
