// Creates every topic explicitly (Redpanda and our broker config both disable auto-creation):
// the registry's partitions and retention, plus one dead-letter topic per topic.
import { Kafka, logLevel } from 'kafkajs';
import { DEAD_LETTER_SUFFIX, TOPIC_NAMES, TOPICS } from '@sinbin/contract';

export interface TopicPlan {
  topic: string;
  numPartitions: number;
  retentionMs: number;
}

export function topicPlan(partitionsCap = Infinity): TopicPlan[] {
  return TOPIC_NAMES.flatMap((name) => [
    { topic: name, numPartitions: Math.min(partitionsCap, TOPICS[name].partitions), retentionMs: TOPICS[name].retentionMs },
    // Dead letters are kept long: someone has to read them.
    { topic: `${name}${DEAD_LETTER_SUFFIX}`, numPartitions: 1, retentionMs: 30 * 24 * 3600 * 1000 },
  ]);
}

export async function createTopics(brokers: string[], replicationFactor = 1, partitionsCap?: number): Promise<{ created: string[]; existing: string[] }> {
  const admin = new Kafka({ clientId: 'sinbin-topics', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = topicPlan(partitionsCap).filter((t) => !existing.has(t.topic));
    if (wanted.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          replicationFactor,
          configEntries: [
            { name: 'retention.ms', value: String(t.retentionMs) },
            { name: 'cleanup.policy', value: 'delete' },
          ],
        })),
      });
    }
    return { created: wanted.map((t) => t.topic), existing: [...existing].filter((t) => topicPlan().some((p) => p.topic === t)) };
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the pipeline's topics and consumer groups: a clean broker for tests and benchmarks. */
export async function deleteTopicsAndGroups(brokers: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'sinbin-reset', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    const ours = topicPlan().map((t) => t.topic).filter((t) => existing.includes(t));
    if (ours.length) await admin.deleteTopics({ topics: ours, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    // Deletion is asynchronous on the broker; creating a topic again too early fails.
    for (let i = 0; i < 100 && (await admin.listTopics()).some((t) => ours.includes(t)); i++) await new Promise((r) => setTimeout(r, 200));
  } finally {
    await admin.disconnect();
  }
}
