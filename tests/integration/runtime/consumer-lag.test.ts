// sinbin_consumer_lag on the real broker: a group's lag is what lies between its committed
// offsets (or the start of the partition, before any commit) and the end of each partition.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startKafka } from '../services';
import { KafkaLagMonitor, lagLine } from '../../../runtime/src/transport/consumer-lag';

let brokers: string[] = [];
let kafka: Kafka;

// The broker stays up for the next suite; the run's global teardown stops it.
beforeAll(async () => {
  brokers = process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',') : await startKafka();
  kafka = new Kafka({ clientId: 'it-lag', brokers, logLevel: logLevel.NOTHING });
}, 180_000);

describe('KafkaLagMonitor', () => {
  it('reports uncommitted records per group and topic, before and after a commit', async () => {
    const topic = `it-lag-${randomUUID().slice(0, 8)}`;
    const group = `it-lag-group-${randomUUID().slice(0, 8)}`;
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const monitor = new KafkaLagMonitor({ brokers, groups: new Map([[group, [topic]]]) });
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [0, 0, 0, 1, 1].map((partition, i) => ({ partition, value: `m${i}` })) });
      // Nothing committed yet: the whole topic is behind.
      expect(await monitor.sample()).toEqual([{ fn: group, topic, lag: 5 }]);
      await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '2' }] });
      expect(await monitor.sample()).toEqual([{ fn: group, topic, lag: 3 }]);
      expect(lagLine(monitor.current())).toBe(`${group} 3`);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
      await monitor.stop();
    }
  }, 60_000);
});
