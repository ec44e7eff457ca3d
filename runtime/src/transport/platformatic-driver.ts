// The @platformatic/kafka (1.x, the line that runs on Node 20) adapter of the Kafka port. Its
// consumer is a stream of single messages; this adapter gathers what one fetch returned into
// batches per partition and hands them over one partition-batch at a time per partition, so the
// connector above keeps the same ordering and commit rules as with kafkajs.
import { compatibilityPartitioner, Consumer, type Message, type MessagesStream, Producer, stringSerializers } from '@platformatic/kafka';
import type { WireRecord } from '@sinbin/contract';
import { type ConsumerDriver, type ConsumerDriverOptions, type FetchedRecord, GROUP_SESSION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS, type PartitionBatch, type ProducerDriver } from './kafka-port';
import { ProducerRenewal } from './producer-renewal';
import { ConsumerRestarts } from './consumer-restarts';
import type { TopicPartitionOffset } from './pending-offsets';

type StringProducer = Producer<string, string, string, string>;

export class PlatformaticProducer implements ProducerDriver {
  private producer: StringProducer;
  private roundRobin = 0;
  private readonly renewal = new ProducerRenewal(Date.now());

  constructor(private readonly opts: { brokers: string[]; clientId: string }) {
    this.producer = this.newProducer();
  }

  private newProducer(): StringProducer {
    return new Producer({
      clientId: this.opts.clientId,
      bootstrapBrokers: this.opts.brokers,
      idempotent: true,
      acks: -1,
      autocreateTopics: false,
      retries: 2,
      retryDelay: 100,
      serializers: stringSerializers,
      // The library's default partitioner differs from Java's and kafkajs's (murmur2 >>> 0 instead
      // of & 0x7fffffff): a key would move partition when switching clients, breaking its order.
      // Keyless records go round-robin, as with kafkajs.
      partitioner: (message, key) => (key ? compatibilityPartitioner(message, key) : this.roundRobin++ & 0x7fffffff),
    });
  }

  async send(records: readonly WireRecord[], timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const sent = this.producer.send({
        messages: records.map((r) => ({ topic: r.topic, key: r.key ?? undefined, value: r.value, headers: new Map(Object.entries(r.headers)) })),
      });
      // The broker-side wait is the library's; this bounds how long the caller waits in all.
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no acknowledgement within ${timeoutMs} ms`)), timeoutMs);
      });
      await Promise.race([sent, timeout]);
      this.renewal.succeeded(Date.now());
    } catch (cause) {
      if (this.renewal.failed(cause, Date.now())) {
        const lost = this.producer;
        this.producer = this.newProducer();
        void lost.close().catch(() => undefined);
      }
      throw cause;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}

/** Records fetched but not yet delivered above which the stream is paused (backpressure). */
const MAX_BUFFERED_RECORDS = 5000;

export class PlatformaticConsumer implements ConsumerDriver {
  private consumer: Consumer;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stopped = false;
  private owned = new Set<string>();
  /** Messages of the current fetch, per partition, until the next turn of the event loop. */
  private gathering = new Map<string, Message[]>();
  private flushScheduled = false;
  /** Per partition: the batch chain, so batches of one partition never run side by side. */
  private readonly chains = new Map<string, Promise<void>>();
  private buffered = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly restarts: ConsumerRestarts;
  /** What start() was given, for a replacement consumer. */
  private started: Parameters<ConsumerDriver['start']> | undefined;

  constructor(private readonly opts: ConsumerDriverOptions) {
    this.consumer = this.newConsumer();
    this.restarts = new ConsumerRestarts({ groupId: opts.groupId, log: opts.log, discard: () => this.discard(), start: () => this.startFresh() });
  }

  private newConsumer(): Consumer {
    return new Consumer({
      clientId: this.opts.clientId,
      groupId: this.opts.groupId,
      bootstrapBrokers: this.opts.brokers,
      // The library heartbeats on its own timer.
      sessionTimeout: GROUP_SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      maxWaitTime: 500,
      autocommit: false,
      autocreateTopics: false,
      // kafkajs's assignor name first: members of both clients can then share a group (a rolling
      // switch of clients), since the broker only lets in members with a protocol name in common.
      // Both encode subscriptions and assignments as Kafka's consumer protocol v0 and either
      // leader's round robin is a valid assignment. The library's own name stays second, for
      // groups whose members all run an earlier version of this adapter.
      protocols: [{ name: 'RoundRobinAssigner', version: 0 }, { name: 'roundrobin', version: 1 }],
    });
  }

  async start(...args: Parameters<ConsumerDriver['start']>): Promise<void> {
    this.started = args;
    await this.consume(this.consumer, ...args);
  }

  private startFresh(): Promise<void> {
    this.consumer = this.newConsumer();
    return this.consume(this.consumer, ...this.started!);
  }

  private async discard(): Promise<void> {
    const [stream, consumer] = [this.stream, this.consumer];
    this.stream = undefined;
    // Batches of the old member stop counting as current; the new member's join says what it owns.
    this.owned = new Set();
    await stream?.close().catch(() => undefined);
    await consumer.close(true);
  }

  private async consume(consumer: Consumer, topics: readonly string[], onBatch: (batch: PartitionBatch) => Promise<void>, onAssignment: (assignment: Record<string, number[]>) => void): Promise<void> {
    consumer.on('consumer:group:join', ({ assignments }) => {
      if (consumer !== this.consumer) return;
      this.restarts.joined();
      const assignment: Record<string, number[]> = {};
      for (const { topic, partitions } of assignments ?? []) assignment[topic] = [...partitions];
      this.owned = new Set(Object.entries(assignment).flatMap(([topic, ps]) => ps.map((p) => `${topic}\u0000${p}`)));
      // After a join the stream re-reads committed offsets, but keeps its own read position for a
      // partition the group never committed: records this member fetched and did not finish
      // there would be skipped for good. Forgetting every position makes each partition resume
      // from the group's commit (else the earliest), as kafkajs does: redelivered, never lost.
      // (This listener runs before the stream's own, which then refreshes the positions.)
      this.stream?.offsetsToFetch.clear();
      onAssignment(assignment);
    });
    // Committed offsets, else the earliest: what the KafkaSources in infra/ declare.
    const stream = await consumer.consume({ topics: [...topics], mode: 'committed', fallbackMode: 'earliest', autocommit: false, maxWaitTime: 500 });
    this.stream = stream;
    stream.on('data', (message: Message) => this.gather(message, onBatch));
    // The library retries fetches itself; what still fails ends the stream, and a fresh consumer takes over.
    stream.on('error', (error: unknown) => {
      if (stream === this.stream && !this.stopped) this.restarts.gaveUp(error);
    });
  }

  private gather(message: Message, onBatch: (batch: PartitionBatch) => Promise<void>): void {
    const key = `${message.topic}\u0000${message.partition}`;
    const list = this.gathering.get(key);
    if (list) list.push(message);
    else this.gathering.set(key, [message]);
    if (++this.buffered >= MAX_BUFFERED_RECORDS) this.stream?.pause();
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const gathered = this.gathering;
      this.gathering = new Map();
      for (const [key, messages] of gathered) this.enqueue(key, messages, onBatch);
    });
  }

  private enqueue(key: string, messages: Message[], onBatch: (batch: PartitionBatch) => Promise<void>): void {
    const isCurrent = () => !this.stopped && this.owned.has(key);
    const first = messages[0]!;
    const records: FetchedRecord[] = messages.map((m) => {
      const headers: Record<string, Buffer> = {};
      for (const [k, v] of m.headers) headers[k.toString('utf8')] = v;
      return {
        record: { topic: m.topic, partition: m.partition, offset: m.offset.toString(), key: m.key ?? null, value: m.value ?? null, headers },
        timestamp: m.timestamp.toString(),
      };
    });
    const batch: PartitionBatch = { topic: first.topic, partition: first.partition, records, isCurrent, heartbeat: async () => undefined };
    const run = async () => {
      await this.slot();
      try {
        if (isCurrent()) await onBatch(batch);
      } finally {
        this.release();
        this.buffered -= messages.length;
        if (this.buffered < MAX_BUFFERED_RECORDS / 2 && this.stream?.isPaused()) this.stream.resume();
      }
    };
    // A failed batch (the connector stopping) is not committed; the next one still runs.
    const chained = (this.chains.get(key) ?? Promise.resolve()).then(run).catch(() => undefined);
    this.chains.set(key, chained);
    void chained.then(() => {
      if (this.chains.get(key) === chained) this.chains.delete(key);
    });
  }

  /** At most `concurrency` partitions are delivered at once. */
  private async slot(): Promise<void> {
    if (this.running < this.opts.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    await this.consumer.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })) });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.restarts.stop();
    await this.stream?.close().catch(() => undefined);
    await this.consumer.close(true);
  }
}
