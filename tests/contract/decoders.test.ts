// One contract, every transport. The same Kafka record reaches a function as (a) a Knative
// KafkaSource binary CloudEvent for a plain record, (a2) a KafkaSource pass-through of a record
// that already carries our ce_* headers, (b) an OpenFaaS kafka-connector request (b2: with a
// base64 key), (c) a record read by a Kafka consumer, (d) the in-process bus, and (e) the local
// stack's connector imitating KafkaSource and kafka-connector. Each must yield the same typed event,
// and running fast-classifier / decision-manager through processDelivery on what each yields must
// publish the same records; poison must be dead-lettered the same way. The HTTP entry
// (deliveryRoute, POST /) is checked on top, over a real socket.
//
// Header shapes follow /work/shared/docs/PLATFORM.md (KafkaSource: ce-* attributes, ce-id
// partition:<p>/offset:<o>, ce-source .../kafkasources/<name>#<topic>, ce-subject partition:<p>#<o>,
// ce-key / ce-partitionkey, ce-kafkaheader<name>; kafka-connector: X-Topic, X-Kafka-Partition,
// X-Kafka-Offset, X-Kafka-Key (+ X-Kafka-Key-Enc: b64), X-Kafka-<Header>, Content-Type text/plain).
import type { Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { closeServer, createFunctionServer, type DeliveryOutcome, listen, MemoryBus, processDelivery, silentLogger } from '@sinbin/runtime';
import { type AnyOutbound, type DeadLetter, DeadLetterSchema, encodeRecord, outbound, type PipelineFunction, PoisonEventError, type RawDelivery, TOPICS, type WireRecord } from '@sinbin/contract';
import decisionManager from '../../functions/decision-manager/src/function';
import fastClassifier from '../../functions/fast-classifier/src/function';
import { categories, chatMessage, classifiedMessage, modelScore, T0 } from '../helpers/events';
import { startFunction } from '../helpers/functions';
import { pollUntil } from '../helpers/poll';
import { cloudEventBatch, isRetriedStatus, knativeDelivery, openFaasDelivery } from '../../runtime/src/connector/delivery';
import { CLOUDEVENTS_BATCH_CONTENT_TYPE, fromCloudEventBatch, fromKafkaRecord, fromKnativeRequest, fromOpenFaasRequest, parseDelivery } from '../../runtime/src/transport/decoders';
import { DEAD_LETTER_PAYLOAD_CAP } from '../../runtime/src/consume';
import { decodeHttpDelivery, deliveryRoute } from '../../runtime/src/http/delivery';

/** A record as it sits on the broker. */
interface KafkaRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

interface Transport {
  name: string;
  /** The delivery this transport hands a function for the record. */
  deliver(record: KafkaRecord): Promise<RawDelivery>;
  /** The HTTP request the platform sends, for transports that arrive over HTTP. */
  http?(record: KafkaRecord): { headers: Record<string, string>; body: Buffer };
  /** Whether the record key reaches the function. */
  carriesKey: boolean;
  /** Whether the record's partition and offset reach the function. */
  carriesPosition: boolean;
  /** Whether the topic is the record's own (false: taken from the CloudEvent type). */
  carriesTopic: boolean;
  /** The bus carries text only: a record value that is not UTF-8 cannot be put on it. */
  carriesBytes: boolean;
}

const SOURCE = { namespace: 'ns', name: 'name' };

/** The local stack's connector sending records in the CloudEvents batched content mode. */
function batchRequest(records: KafkaRecord[]): { headers: Record<string, string>; body: Buffer } {
  const body = cloudEventBatch(records.map((r) => ({ record: asKafkaLike(r), timestamp: String(T0.getTime()) })), SOURCE);
  return { headers: { 'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE }, body: Buffer.from(body) };
}
const isCeHeader = (name: string) => name.toLowerCase().startsWith('ce_');

function knativePlainRequest(r: KafkaRecord): { headers: Record<string, string>; body: Buffer } {
  // A plain record: one a producer wrote without CloudEvent headers.
  const recordHeaders = Object.entries(r.headers).filter(([k]) => !isCeHeader(k));
  const headers: Record<string, string> = {
    'ce-specversion': '1.0',
    'ce-type': 'dev.knative.kafka.event',
    'ce-source': `/apis/v1/namespaces/${SOURCE.namespace}/kafkasources/${SOURCE.name}#${r.topic}`,
    'ce-id': `partition:${r.partition}/offset:${r.offset}`,
    'ce-subject': `partition:${r.partition}#${r.offset}`,
    'ce-time': T0.toISOString(),
  };
  if (r.key !== null) {
    headers['ce-key'] = r.key;
    headers['ce-partitionkey'] = r.key;
  }
  for (const [k, v] of recordHeaders) {
    if (k.toLowerCase() === 'content-type') headers['content-type'] = v;
    else headers[`ce-kafkaheader${k.toLowerCase().replace(/[^a-z0-9]/g, '')}`] = v;
  }
  return { headers, body: r.value };
}

function knativePassThroughRequest(r: KafkaRecord): { headers: Record<string, string>; body: Buffer } {
  // The record is already a CloudEvent (Kafka binding, binary mode): its attributes become ce-* headers.
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    if (isCeHeader(k)) headers[`ce-${k.slice(3).toLowerCase()}`] = v;
    else if (k.toLowerCase() === 'content-type') headers['content-type'] = v;
  }
  return { headers, body: r.value };
}

function openFaasRequest(r: KafkaRecord, base64Key: boolean): { headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain',
    'X-Topic': r.topic,
    'X-Kafka-Partition': String(r.partition),
    'X-Kafka-Offset': r.offset,
  };
  if (r.key !== null) {
    headers['X-Kafka-Key'] = base64Key ? Buffer.from(r.key).toString('base64') : r.key;
    if (base64Key) headers['X-Kafka-Key-Enc'] = 'b64';
  }
  for (const [k, v] of Object.entries(r.headers)) headers[`X-Kafka-${k}`] = v;
  return { headers, body: r.value };
}

async function viaBus(r: KafkaRecord): Promise<RawDelivery> {
  const bus = new MemoryBus();
  let got: RawDelivery | undefined;
  bus.subscribe('contract-capture', [r.topic], async (d) => {
    got = d;
    return 'commit';
  });
  await bus.publish([{ topic: r.topic, key: r.key, value: r.value.toString('utf8'), headers: r.headers }]);
  const delivered = await pollUntil(() => got, { what: 'the bus delivery' });
  bus.stop();
  return delivered;
}

const asKafkaLike = (r: KafkaRecord) => ({
  topic: r.topic,
  partition: r.partition,
  offset: r.offset,
  key: r.key === null ? null : Buffer.from(r.key),
  value: r.value,
  headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Buffer.from(v)])),
});

const TRANSPORTS: Transport[] = [
  {
    name: '(a) Knative KafkaSource, plain record',
    http: knativePlainRequest,
    deliver: async (r) => fromKnativeRequest(knativePlainRequest(r).headers, knativePlainRequest(r).body),
    carriesKey: true,
    carriesPosition: true,
    carriesTopic: true,
    carriesBytes: true,
  },
  {
    name: '(a2) Knative KafkaSource, CloudEvent pass-through',
    http: knativePassThroughRequest,
    deliver: async (r) => fromKnativeRequest(knativePassThroughRequest(r).headers, knativePassThroughRequest(r).body),
    // The pass-through CloudEvent has only the attributes the producer set: the key through the
    // partitionkey extension our producers add, no position, and the topic its type is registered for.
    carriesKey: true,
    carriesPosition: false,
    carriesTopic: false,
    carriesBytes: true,
  },
  {
    name: '(b) OpenFaaS kafka-connector',
    http: (r) => openFaasRequest(r, false),
    deliver: async (r) => fromOpenFaasRequest(openFaasRequest(r, false).headers, openFaasRequest(r, false).body),
    carriesKey: true,
    carriesPosition: true,
    carriesTopic: true,
    carriesBytes: true,
  },
  {
    name: '(b2) OpenFaaS kafka-connector, base64 key',
    http: (r) => openFaasRequest(r, true),
    deliver: async (r) => fromOpenFaasRequest(openFaasRequest(r, true).headers, openFaasRequest(r, true).body),
    carriesKey: true,
    carriesPosition: true,
    carriesTopic: true,
    carriesBytes: true,
  },
  {
    name: '(c) Kafka consumer record',
    deliver: async (r) => fromKafkaRecord(asKafkaLike(r)),
    carriesKey: true,
    carriesPosition: true,
    carriesTopic: true,
    carriesBytes: true,
  },
  {
    name: '(d) in-process bus',
    deliver: viaBus,
    carriesKey: true,
    // The bus assigns its own partition (Kafka's partitioner) and offset.
    carriesPosition: false,
    carriesTopic: true,
    carriesBytes: false,
  },
  {
    name: "(e) local stack's connector as KafkaSource",
    http: (r) => knativeDelivery(asKafkaLike(r), SOURCE, String(T0.getTime())),
    deliver: async (r) => decodeHttpDelivery(knativeDelivery(asKafkaLike(r), SOURCE, String(T0.getTime()))),
    // It passes our CloudEvent records through and also adds the record key as ce-partitionkey.
    carriesKey: true,
    carriesPosition: false,
    carriesTopic: false,
    carriesBytes: true,
  },
  {
    name: "(e3) local stack's connector, CloudEvents batch of one",
    deliver: async (r) => {
      const [raw] = fromCloudEventBatch(batchRequest([r]).body);
      if (raw instanceof PoisonEventError) throw raw;
      return raw!;
    },
    // Each event is the structured-mode twin of (e)'s binary-mode one.
    carriesKey: true,
    carriesPosition: false,
    carriesTopic: false,
    carriesBytes: true,
  },
  {
    name: "(e2) local stack's connector as kafka-connector",
    http: (r) => openFaasDelivery(asKafkaLike(r)),
    deliver: async (r) => decodeHttpDelivery(openFaasDelivery(asKafkaLike(r))),
    carriesKey: true,
    carriesPosition: true,
    carriesTopic: true,
    carriesBytes: true,
  },
];

// --- The events --------------------------------------------------------------------------------

const CHAT = chatMessage({ messageId: 'contract-msg-1', gameId: 'game-a', channelId: 'match-7', playerId: 'p1', text: 'you are an idiot' });
const CLASSIFIED = classifiedMessage({
  message: chatMessage({ messageId: 'contract-msg-2', gameId: 'game-a', channelId: 'match-7', playerId: 'p2', text: 'kys' }),
  route: 'toxic',
  fast: modelScore({ toxicity: 0.9, categories: categories({ threat: 0.9 }), evidence: ['kys'], modelVersion: 'lexicon-1' }),
  context: [],
});

/** Our own producers' records: the CloudEvent Kafka binding, as encodeRecord writes them. */
function recordOf(out: AnyOutbound, position = { partition: 3, offset: '42' }): KafkaRecord {
  const wire: WireRecord = encodeRecord(out, 'contract-producer', T0);
  return { topic: wire.topic, partition: position.partition, offset: position.offset, key: wire.key, value: Buffer.from(wire.value), headers: wire.headers };
}

interface ValidCase {
  name: string;
  record: KafkaRecord;
  fn: PipelineFunction;
  topic: keyof typeof TOPICS;
  event: unknown;
  outputs: string[];
}

const VALID: ValidCase[] = [
  { name: 'a chat message on raw-messages', record: recordOf(outbound('raw-messages', CHAT)), fn: fastClassifier, topic: 'raw-messages', event: CHAT, outputs: ['classified-messages'] },
  {
    name: 'a classified message on classified-messages',
    record: recordOf(outbound('classified-messages', CLASSIFIED)),
    fn: decisionManager,
    topic: 'classified-messages',
    event: CLASSIFIED,
    outputs: ['final-decisions'],
  },
];

/** Poison on raw-messages, keeping the headers a real producer would have set. */
function poison(value: Buffer, overrides: Partial<KafkaRecord> = {}): KafkaRecord {
  return { ...recordOf(outbound('raw-messages', CHAT), { partition: 3, offset: '43' }), value, ...overrides };
}

interface PoisonCase {
  name: string;
  record: KafkaRecord;
  code: string;
  reason: string;
  bytes?: boolean;
}

const POISON: PoisonCase[] = [
  { name: 'not JSON', record: poison(Buffer.from('{"messageId": "x", ')), code: 'invalid-json', reason: 'not JSON' },
  { name: 'schema violation', record: poison(Buffer.from(JSON.stringify({ ...CHAT, text: '' }))), code: 'schema-violation', reason: 'text' },
  { name: 'oversized (> 1 MiB)', record: poison(Buffer.from(JSON.stringify({ ...CHAT, text: 'x'.repeat(1024 * 1024 + 1) }))), code: 'oversized', reason: 'exceeds' },
  { name: 'not UTF-8', record: poison(Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0xc3])), code: 'invalid-json', reason: 'not JSON', bytes: true },
];

// --- Running the functions ---------------------------------------------------------------------

interface Run {
  outcome: DeliveryOutcome;
  /** Published records, with the per-record random CloudEvent id taken out. */
  published: { topic: string; key: string | null; headers: Record<string, string>; value: unknown }[];
}

const withoutId = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'ce_id'));
/** deliveryRoute publishes with the wall clock (it takes no clock), so ce_time differs there too. */
const withoutIdAndTime = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'ce_id' && k !== 'ce_time'));

async function run(fn: PipelineFunction, raw: RawDelivery): Promise<Run> {
  const f = await startFunction(fn);
  const outcome = await processDelivery(raw, { fn, running: f.running, publisher: f.publisher, log: silentLogger(), now: f.now });
  await f.running.stop();
  return { outcome, published: f.publisher.records.map((r) => ({ topic: r.topic, key: r.key, headers: withoutId(r.headers), value: JSON.parse(r.value) as unknown })) };
}

const letterOf = (r: Run): DeadLetter => DeadLetterSchema.parse(r.published[0]!.value);

// --- The contract ------------------------------------------------------------------------------

describe.each(TRANSPORTS)('$name', (transport) => {
  describe.each(VALID)('$name', (c) => {
    it('decodes to the same typed event, topic and key', async () => {
      const raw = await transport.deliver(c.record);
      const d = parseDelivery(raw, c.fn.consumes);
      expect(d.topic).toBe(c.topic);
      expect(d.event).toEqual(c.event);
      expect(d.key).toBe(transport.carriesKey ? c.record.key : null);
      if (transport.carriesPosition) expect([d.partition, d.offset]).toEqual([3, '42']);
      expect(d.id).toBeTruthy();
    });

    it('gives the function the same outputs as a direct Kafka consumer does', async () => {
      const reference = await run(c.fn, fromKafkaRecord(asKafkaLike(c.record)));
      expect(reference.outcome).toEqual({ status: 'done', published: c.outputs.length });
      expect(reference.published.map((p) => p.topic)).toEqual(c.outputs);
      const got = await run(c.fn, await transport.deliver(c.record));
      expect(got).toEqual(reference);
    });
  });

  describe.each(POISON)('poison: $name', (p) => {
    it(`is dead-lettered on raw-messages.dlq with its reason`, async ({ skip }) => {
      if (p.bytes && !transport.carriesBytes) skip('the in-process bus carries text only');
      const got = await run(fastClassifier, await transport.deliver(p.record));
      expect(got.outcome).toMatchObject({ status: 'dead-lettered', code: p.code });
      expect(got.published.map((r) => r.topic)).toEqual(['raw-messages.dlq']);
      const letter = letterOf(got);
      expect(letter).toMatchObject({ topic: 'raw-messages', consumer: 'fast-classifier', errorCode: p.code, attempts: 1 });
      expect(letter.reason).toContain(p.reason);
      expect(letter.key).toBe(transport.carriesKey ? p.record.key : null);
      if (transport.carriesPosition) expect([letter.partition, letter.offset]).toEqual([3, '43']);
      // The original value is kept, as text or as base64: whole, or its start when over the cap.
      const kept = letter.payloadEncoding === 'base64' ? Buffer.from(letter.payload, 'base64') : Buffer.from(letter.payload, 'utf8');
      const truncated = p.record.value.length > DEAD_LETTER_PAYLOAD_CAP;
      expect(letter.payloadBytes).toBe(p.record.value.length);
      expect(letter.payloadTruncated).toBe(truncated);
      expect(kept.equals(truncated ? p.record.value.subarray(0, DEAD_LETTER_PAYLOAD_CAP) : p.record.value)).toBe(true);
      expect(letter.payloadEncoding).toBe(p.bytes ? 'base64' : 'utf8');
    });
  });

  it('poison: a plain record on a topic nobody registered is dead-lettered on that topic\'s .dlq', async ({ skip }) => {
    if (transport.name.startsWith('(a2)')) skip('pass-through applies to CloudEvent records only; a plain record arrives as (a)');
    const record = poison(Buffer.from(JSON.stringify(CHAT)), { topic: 'chat-legacy', headers: { 'content-type': 'application/json' } });
    const got = await run(fastClassifier, await transport.deliver(record));
    expect(got.outcome).toMatchObject({ status: 'dead-lettered', code: 'unknown-topic' });
    expect(got.published.map((r) => r.topic)).toEqual(['chat-legacy.dlq']);
    expect(letterOf(got)).toMatchObject({ topic: 'chat-legacy', errorCode: 'unknown-topic', payload: JSON.stringify(CHAT) });
  });

  it('poison: a CloudEvent of a foreign type is refused when only its type could name the topic, else dead-lettered', async () => {
    const headers = { ce_specversion: '1.0', ce_id: 'legacy-1', ce_type: 'com.example.legacy.chat', ce_source: '/legacy', 'content-type': 'application/json' };
    const record = poison(Buffer.from(JSON.stringify(CHAT)), { topic: 'chat-legacy', headers });
    if (!transport.carriesTopic) {
      // Nothing in a pass-through CloudEvent says which topic it came from: no dead-letter topic to use.
      await expect(transport.deliver(record)).rejects.toBeInstanceOf(PoisonEventError);
      await expect(transport.deliver(record)).rejects.toMatchObject({ code: 'unknown-topic' });
      return;
    }
    const got = await run(fastClassifier, await transport.deliver(record));
    expect(got.outcome).toMatchObject({ status: 'dead-lettered', code: 'unknown-topic' });
    expect(got.published.map((r) => r.topic)).toEqual(['chat-legacy.dlq']);
  });

  it('poison: an event on a topic this function does not consume is dead-lettered, not handled', async () => {
    const raw = await transport.deliver(recordOf(outbound('classified-messages', CLASSIFIED)));
    const got = await run(fastClassifier, raw);
    expect(got.outcome).toMatchObject({ status: 'dead-lettered', code: 'unknown-topic' });
    expect(got.published.map((r) => r.topic)).toEqual(['classified-messages.dlq']);
  });
});

// --- The HTTP entry: POST / on a function server ----------------------------------------------

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map(closeServer));
});

async function serveFunction(fn: PipelineFunction) {
  const f = await startFunction(fn);
  const route = deliveryRoute({ fn, running: async () => f.running, publisher: f.publisher, log: silentLogger() });
  const server = createFunctionServer({ name: fn.name, log: silentLogger(), routes: () => [route] });
  servers.push(server);
  const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/`;
  const post = async (req: { headers: Record<string, string>; body: Buffer }) => {
    const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { ...f, post };
}

describe.each(TRANSPORTS.filter((t) => t.http))('$name over HTTP (POST /)', (transport) => {
  it.each(VALID)('$name: 200 done, and the same records as processDelivery', async (c) => {
    const f = await serveFunction(c.fn);
    const res = await f.post(transport.http!(c.record));
    expect(res).toEqual({ status: 200, body: { status: 'done', published: c.outputs.length } });
    const direct = await run(c.fn, await transport.deliver(c.record));
    const overHttp = f.publisher.records.map((r) => ({ topic: r.topic, key: r.key, headers: withoutIdAndTime(r.headers), value: JSON.parse(r.value) as unknown }));
    expect(overHttp).toEqual(direct.published.map((p) => ({ ...p, headers: withoutIdAndTime(p.headers) })));
  });

  it.each(POISON)('poison $name: 200 dead-lettered (KafkaSource would retry a 5xx and stall the partition)', async (p) => {
    const f = await serveFunction(fastClassifier);
    const res = await f.post(transport.http!(p.record));
    expect(res.status).toBe(200);
    expect(isRetriedStatus(res.status)).toBe(false);
    expect(res.body).toMatchObject({ status: 'dead-lettered', code: p.code });
    expect(f.publisher.on('raw-messages.dlq')).toHaveLength(1);
  });

  // Only where the topic comes from the CloudEvent type; elsewhere the dead-letter cases cover it.
  if (!transport.carriesTopic) it('a delivery that names no topic we know: 400, and nothing published', async () => {
    const f = await serveFunction(fastClassifier);
    const headers = { ce_specversion: '1.0', ce_id: 'legacy-1', ce_type: 'com.example.legacy.chat', ce_source: '/legacy', 'content-type': 'application/json' };
    const res = await f.post(transport.http!(poison(Buffer.from(JSON.stringify(CHAT)), { topic: 'chat-legacy', headers })));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unknown-topic');
    expect(f.publisher.records).toHaveLength(0);
  });

  it('a broken publisher: 503, which both platforms retry', async () => {
    const f = await serveFunction(fastClassifier);
    f.publisher.failEveryCall();
    const res = await f.post(transport.http!(VALID[0]!.record));
    expect(res.status).toBe(503);
    expect(isRetriedStatus(res.status)).toBe(true);
    expect(res.body.error).toBe('dependency-unavailable');
  });
});

describe("(e3) the local stack's connector's CloudEvents batch over HTTP (POST /)", () => {
  it('answers one result per event, in order, and publishes what one request per event would', async () => {
    const f = await serveFunction(fastClassifier);
    const records = [0, 1, 2].map((i) => recordOf(outbound('raw-messages', chatMessage({ messageId: `batch-${i}`, channelId: `c${i % 2}` })), { partition: 0, offset: String(i) }));
    const res = await f.post(batchRequest(records));
    expect(res).toEqual({ status: 200, body: { results: records.map(() => ({ status: 'done', published: 1 })) } });
    const one = await serveFunction(fastClassifier);
    for (const r of records) await one.post(knativeDelivery(asKafkaLike(r), SOURCE, String(T0.getTime())));
    const shape = (p: { records: WireRecord[] }) => p.records.map((r) => ({ topic: r.topic, key: r.key, value: JSON.parse(r.value) as unknown }));
    expect(shape(f.publisher)).toEqual(shape(one.publisher));
  });

  it.each(POISON)('poison $name beside a good event: dead-lettered, the good one done', async (p) => {
    const f = await serveFunction(fastClassifier);
    const res = await f.post(batchRequest([p.record, VALID[0]!.record]));
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([expect.objectContaining({ status: 'dead-lettered', code: p.code }), { status: 'done', published: 1 }]);
    expect(f.publisher.on('raw-messages.dlq')).toHaveLength(1);
  });

  it('an event that names no topic we know is answered refused; its neighbours are handled', async () => {
    const f = await serveFunction(fastClassifier);
    const headers = { ce_specversion: '1.0', ce_id: 'legacy-1', ce_type: 'com.example.legacy.chat', ce_source: '/legacy', 'content-type': 'application/json' };
    const res = await f.post(batchRequest([poison(Buffer.from(JSON.stringify(CHAT)), { topic: 'chat-legacy', headers }), VALID[0]!.record]));
    expect(res.body.results).toEqual([expect.objectContaining({ status: 'refused', code: 'unknown-topic' }), { status: 'done', published: 1 }]);
  });

  it('a broken publisher: every event answered retry (the connector then delivers them one by one)', async () => {
    const f = await serveFunction(fastClassifier);
    f.publisher.failEveryCall();
    const res = await f.post(batchRequest([VALID[0]!.record]));
    expect(res).toEqual({ status: 200, body: { results: [expect.objectContaining({ status: 'retry', code: 'dependency-unavailable' })] } });
  });

  it.each([
    { name: 'not JSON', body: '[{"specversion"' },
    { name: 'not an array', body: '{"specversion":"1.0"}' },
    { name: 'an event without an id', body: '[{"specversion":"1.0","type":"t","source":"/s","data":{}}]' },
  ])('a malformed batch ($name): 400, nothing handled', async ({ body }) => {
    const f = await serveFunction(fastClassifier);
    const res = await f.post({ headers: { 'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE }, body: Buffer.from(body) });
    expect(res.status).toBe(400);
    expect(f.publisher.records).toHaveLength(0);
  });
});

describe('KafkaSource retry statuses (PLATFORM.md)', () => {
  it.each([
    [200, false],
    [202, false],
    [400, false],
    [404, true],
    [408, true],
    [409, true],
    [413, false],
    [429, true],
    [500, true],
    [503, true],
  ])('%i retried: %s', (status, retried) => {
    expect(isRetriedStatus(status)).toBe(retried);
  });
});
