// The local Kafka broker from infra/local/kafka.sh, exercised the way the pipeline uses Kafka: topics
// created explicitly (auto-creation is off, as on Redpanda), an idempotent producer with acks=all, a
// consumer group reading the records back in per-key order.
// With KAFKA_BROKERS set, the suite runs against that cluster and starts nothing. Otherwise it starts the
// test broker (ports and state dir of tests/integration/services.ts, apart from `make up`); the run's
// global teardown stops it (tests/integration/global-setup.ts).
import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { service } from '../services';

let brokers: string[] = [];
let kafka: Kafka;

beforeAll(async () => {
  if (process.env.KAFKA_BROKERS) {
    brokers = process.env.KAFKA_BROKERS.split(',').map((b) => b.trim());
  } else {
    await service('kafka.sh', ['start']);
    await service('kafka.sh', ['wait']);
    brokers = [await service('kafka.sh', ['brokers'])];
  }
  kafka = new Kafka({ clientId: 'sinbin-infra-test', brokers, logLevel: logLevel.ERROR });
}, 180_000);

describe('local Kafka broker (infra/local/kafka.sh)', () => {
  it('refuses to auto-create topics, like Redpanda', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
      if (process.env.KAFKA_BROKERS) return; // a foreign cluster's settings are not ours to assert
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.BROKER, name: String(cluster.brokers[0]!.nodeId), configNames: ['auto.create.topics.enable'] }],
      });
      expect(resources[0]?.configEntries.find((e) => e.configName === 'auto.create.topics.enable')?.configValue).toBe('false');
    } finally {
      await admin.disconnect();
    }
  });

  it('creates a topic, produces idempotently with acks=all, and consumes every record back in per-key order', async () => {
    const topic = `sinbin.infra-test.${randomUUID().slice(0, 8)}`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2, replicationFactor: 1 }] })).toBe(true);
      expect(await admin.listTopics()).toContain(topic);

      const records = Array.from({ length: 40 }, (_, i) => ({ key: `player-${i % 4}`, value: JSON.stringify({ seq: i, text: `gg wp ${i}` }) }));
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        const acks = await producer.send({ topic, acks: -1, messages: records });
        expect(acks.every((a) => a.errorCode === 0)).toBe(true);
      } finally {
        await producer.disconnect();
      }

      const received: { key: string; seq: number }[] = [];
      const consumer = kafka.consumer({ groupId: `sinbin-infra-test-${randomUUID()}`, sessionTimeout: 10_000 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        const done = new Promise<void>((resolveDone, reject) => {
          const timer = setTimeout(() => reject(new Error(`consumed ${received.length}/${records.length} records in 60 s`)), 60_000);
          void consumer.run({
            eachMessage: async ({ message }) => {
              received.push({ key: message.key!.toString(), seq: (JSON.parse(message.value!.toString()) as { seq: number }).seq });
              if (received.length >= records.length) {
                clearTimeout(timer);
                resolveDone();
              }
            },
          });
        });
        await done;
      } finally {
        await consumer.disconnect();
      }

      // Exactly once each (the idempotent producer wrote no duplicates), and in order within a key.
      expect(received.map((r) => r.seq).sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
      for (const key of new Set(received.map((r) => r.key))) {
        const seqs = received.filter((r) => r.key === key).map((r) => r.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
