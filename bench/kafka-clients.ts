// `npm run bench -- --only kafka --client kafkajs,platformatic`: the two Kafka client adapters
// compared in one run, on the same broker, through the project's own KafkaPublisher and
// TopicConnector (so group commit, per-key lanes and commit-after-delivery are in the figures).
//   produce:  records/s and publish() latency for many concurrent small publishes (as functions do)
//   consume:  records/s a connector delivers from a pre-filled topic (group join excluded)
//   endToEnd: publish -> connector -> relay published durably to a second topic -> connector:
//             latency at a fixed rate, the shape of one pipeline hop
// Clients run alternately (--runs N rounds), and the load average is recorded around each run.
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaPublisher, silentLogger, TopicConnector, type KafkaClientName } from '@sinbin/runtime';
import type { WireRecord } from '@sinbin/contract';
import { summarize } from './stats';

export interface KafkaClientsBenchOptions {
  clients: KafkaClientName[];
  /** Records for the produce and consume figures. */
  records: number;
  /** End-to-end rate (records/s) and duration (s). */
  rate: number;
  durationS: number;
  runs: number;
}

const KEYS = 64;
const PARTITIONS = 12;
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const progress = (line: string) => process.stderr.write(`${line}\n`);

function brokers(): string[] {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS.split(',').map((b) => b.trim());
  const script = join('infra', 'local', 'kafka.sh');
  execFileSync('bash', [script, 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('bash', [script, 'wait'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return [`127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`];
}

async function createTopics(kafka: Kafka, names: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: false, topics: names.map((topic) => ({ topic, numPartitions: PARTITIONS })) });
    // Leaders, polled here: kafkajs's own wait gives up on a busy broker (UNKNOWN_TOPIC_OR_PARTITION).
    for (let attempt = 0; ; attempt++) {
      const ready = await admin
        .fetchTopicMetadata({ topics: names })
        .then((m) => m.topics.every((t) => t.partitions.length === PARTITIONS && t.partitions.every((p) => p.leader >= 0)))
        .catch(() => false);
      if (ready) break;
      if (attempt > 100) throw new Error(`topics ${names.join(', ')} have no leaders after 20 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopics(kafka: Kafka, names: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: names }).catch(() => undefined);
  await admin.disconnect();
}

const record = (topic: string, i: number, sentAt = 0): WireRecord => ({
  topic,
  key: `channel-${i % KEYS}`,
  value: JSON.stringify({ i, sentAt, text: 'gg ez, nice try mate'.padEnd(180, '.') }),
  headers: { 'ce-id': `id-${i}`, 'ce-type': 'bench' },
});

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** The first publish to a fresh topic, retried while the broker settles its leaders (a retriable error). */
async function firstPublish(publisher: KafkaPublisher, records: WireRecord[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await publisher.publish(records);
    } catch (error) {
      if (attempt >= 30) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function produce(brokerList: string[], client: KafkaClientName, topic: string, records: number) {
  const publisher = new KafkaPublisher({ brokers: brokerList, clientId: `bench-${client}`, client });
  await firstPublish(publisher, [record(topic, -1)]); // connect and fetch metadata outside the figure
  const latencies: number[] = [];
  let failedPublishes = 0;
  const started = performance.now();
  let next = 0;
  // 200 callers publishing 10 records each at a time, as concurrent function deliveries do.
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      while (next < records) {
        const from = next;
        next += 10;
        const t = performance.now();
        // A failed publish is retried, as a function's delivery would be; failures are counted.
        for (;;) {
          try {
            await publisher.publish(Array.from({ length: Math.min(10, records - from) }, (_, j) => record(topic, from + j)));
            break;
          } catch {
            if (++failedPublishes > 100) throw new Error(`${client}: over 100 failed publishes`);
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await publisher.close();
  return { records, seconds: Math.round(seconds * 100) / 100, recordsPerS: Math.round(records / seconds), publishMs: summarize(latencies), failedPublishes };
}

async function consume(brokerList: string[], client: KafkaClientName, topic: string, records: number) {
  let delivered = 0;
  let firstAt = 0;
  const connector = new TopicConnector({
    brokers: brokerList,
    client,
    deadLetters: { publish: async () => undefined },
    log: silentLogger(),
    target: {
      name: `bench-${randomUUID().slice(0, 8)}`,
      consumes: [topic],
      deliver: async () => {
        if (delivered++ === 0) firstAt = performance.now();
        return { status: 'done' };
      },
    },
  });
  const started = performance.now();
  await connector.start();
  const complete = await until(() => delivered >= records, 180_000);
  const seconds = (performance.now() - firstAt) / 1000;
  await connector.stop();
  return { records, delivered, complete, joinS: Math.round((firstAt - started) / 10) / 100, seconds: Math.round(seconds * 100) / 100, recordsPerS: Math.round(records / seconds) };
}

async function endToEnd(brokerList: string[], client: KafkaClientName, input: string, output: string, rate: number, durationS: number) {
  const publisher = new KafkaPublisher({ brokers: brokerList, clientId: `bench-e2e-${client}`, client });
  const relayPublisher = new KafkaPublisher({ brokers: brokerList, clientId: `bench-relay-${client}`, client });
  const deadLetters = { publish: async () => undefined };
  const latencies: number[] = [];
  let failedPublishes = 0;
  // The hop: each input record's output published durably before its offset may be committed.
  const relay = new TopicConnector({
    brokers: brokerList,
    client,
    deadLetters,
    log: silentLogger(),
    target: {
      name: `bench-relay-${randomUUID().slice(0, 8)}`,
      consumes: [input],
      deliver: async (r) => {
        await relayPublisher.publish([{ topic: output, key: r.key === null ? null : Buffer.from(r.key).toString(), value: Buffer.from(r.value ?? '').toString(), headers: {} }]);
        return { status: 'done' };
      },
    },
  });
  const sink = new TopicConnector({
    brokers: brokerList,
    client,
    deadLetters,
    log: silentLogger(),
    target: {
      name: `bench-sink-${randomUUID().slice(0, 8)}`,
      consumes: [output],
      deliver: async (r) => {
        const { sentAt } = JSON.parse(Buffer.from(r.value ?? '').toString()) as { sentAt: number };
        if (sentAt > 0) latencies.push(Date.now() - sentAt);
        return { status: 'done' };
      },
    },
  });
  await Promise.all([relay.start(), sink.start()]);
  // Warm-up: both groups joined and the first records through.
  await firstPublish(publisher, [record(input, -1, 0)]);
  await firstPublish(relayPublisher, [record(output, -1, 0)]);
  await new Promise((r) => setTimeout(r, 3000));
  const total = rate * durationS;
  const started = Date.now();
  const publishes: Promise<void>[] = [];
  for (let i = 0; i < total; i += 10) {
    const due = started + (i / rate) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sentAt = Date.now();
    const batch = Array.from({ length: 10 }, (_, j) => record(input, i + j, sentAt));
    publishes.push(
      publisher.publish(batch).catch(async () => {
        failedPublishes++;
        await new Promise((r) => setTimeout(r, 100));
        return publisher.publish(batch);
      }),
    );
  }
  await Promise.all(publishes);
  const complete = await until(() => latencies.length >= total, 60_000);
  await Promise.all([relay.stop(), sink.stop()]);
  await Promise.all([publisher.close(), relayPublisher.close()]);
  return { rate, durationS, records: total, arrived: latencies.length, complete, latencyMs: summarize(latencies), failedPublishes };
}

export async function benchKafkaClients(opts: KafkaClientsBenchOptions): Promise<Record<string, unknown>> {
  const brokerList = brokers();
  const kafka = new Kafka({ clientId: 'bench-admin', brokers: brokerList, logLevel: logLevel.NOTHING });
  const runs: Record<string, unknown[]> = Object.fromEntries(opts.clients.map((c) => [c, []]));
  const steps = opts.runs * opts.clients.length;
  let step = 0;
  const began = Date.now();
  for (let round = 0; round < opts.runs; round++) {
    // Alternate the order each round, so neither client always runs on the warmer broker.
    const order = round % 2 === 0 ? opts.clients : [...opts.clients].reverse();
    for (const client of order) {
      step++;
      const eta = step > 1 ? `, about ${Math.round((((Date.now() - began) / (step - 1)) * (steps - step + 1)) / 1000)} s left` : '';
      progress(`kafka clients ${step}/${steps}: ${client}${eta}`);
      const id = randomUUID().slice(0, 8);
      const [p, i, o] = [`bench-produce-${id}`, `bench-in-${id}`, `bench-out-${id}`];
      await createTopics(kafka, [p, i, o]);
      const loadBefore = load();
      const produced = await produce(brokerList, client, p, opts.records);
      const consumed = await consume(brokerList, client, p, opts.records);
      const e2e = await endToEnd(brokerList, client, i, o, opts.rate, opts.durationS);
      runs[client]!.push({ produce: produced, consume: consumed, endToEnd: e2e, loadAverage: { before: loadBefore, after: load() } });
      await deleteTopics(kafka, [p, i, o]);
    }
  }
  return { broker: brokerList.join(','), partitions: PARTITIONS, keys: KEYS, records: opts.records, runs };
}
