// Decoder edge cases, one transport at a time. The contract suite (tests/contract/decoders.test.ts)
// checks that all of them agree on the same event; this file covers what only one of them sees.
import { describe, expect, it } from 'vitest';
import { encodeRecord, MAX_RECORD_BYTES, outbound, PoisonEventError, type RawDelivery, TOPICS } from '@sinbin/contract';
import { chatMessage, classifiedMessage, T0 } from '../../../helpers/events';
import { byteLength, fromBusRecord, fromKafkaRecord, fromKnativeRequest, fromOpenFaasRequest, parseDelivery } from '../../../../runtime/src/transport/decoders';

function poisonCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof PoisonEventError) return error.code;
    throw error;
  }
  return undefined;
}

describe('encodeRecord', () => {
  it('is a binary-mode CloudEvent record keyed by the topic partition key', () => {
    const e = classifiedMessage({ message: chatMessage({ gameId: 'g', channelId: 'c' }) });
    const r = encodeRecord(outbound('classified-messages', e), 'fast-classifier', T0);
    expect(r.topic).toBe('classified-messages');
    expect(r.key).toBe('g/c');
    expect(JSON.parse(r.value)).toEqual(e);
    expect(r.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ce_type: TOPICS['classified-messages'].ceType,
      ce_source: '/sinbin/fast-classifier',
      ce_time: T0.toISOString(),
      ce_partitionkey: 'g/c',
      'content-type': 'application/json',
    });
    expect(encodeRecord(outbound('classified-messages', e), 'x').headers.ce_id).not.toBe(r.headers.ce_id);
  });
});

describe('fromKnativeRequest', () => {
  const plain = { 'ce-specversion': '1.0', 'ce-type': 'dev.knative.kafka.event', 'ce-id': 'partition:3/offset:42', 'ce-source': '/apis/v1/namespaces/ns/kafkasources/src#raw-messages' };

  it.each([
    { name: 'no ce-specversion', headers: { ...plain, 'ce-specversion': undefined }, code: 'unsupported-delivery' },
    { name: 'CloudEvents 0.3', headers: { ...plain, 'ce-specversion': '0.3' }, code: 'unsupported-delivery' },
    { name: 'no ce-type', headers: { ...plain, 'ce-type': undefined }, code: 'unsupported-delivery' },
    { name: 'no ce-id', headers: { ...plain, 'ce-id': undefined }, code: 'unsupported-delivery' },
    { name: 'an unknown type and a source without #topic', headers: { ...plain, 'ce-type': 'com.example.other', 'ce-source': '/elsewhere' }, code: 'unknown-topic' },
  ])('refuses $name ($code)', ({ headers, code }) => {
    expect(poisonCode(() => fromKnativeRequest(headers, '{}'))).toBe(code);
  });

  it('reads header names case-insensitively and joins repeated headers', () => {
    const raw = fromKnativeRequest({ 'CE-SpecVersion': '1.0', 'Ce-Type': 'dev.knative.kafka.event', 'CE-ID': 'partition:0/offset:1', 'ce-source': '/x#raw-messages', 'X-Multi': ['a', 'b'] }, '{}');
    expect(raw).toMatchObject({ topic: 'raw-messages', partition: 0, offset: '1' });
    expect(raw.headers['x-multi']).toBe('a,b');
  });

  it('takes the position from ce-subject when ce-id is not partition:<p>/offset:<o>', () => {
    const raw = fromKnativeRequest({ ...plain, 'ce-id': 'some-uuid', 'ce-subject': 'partition:5#77' }, '{}');
    expect(raw).toMatchObject({ id: 'some-uuid', partition: 5, offset: '77' });
  });

  it('has no position when neither ce-id nor ce-subject gives one', () => {
    expect(fromKnativeRequest({ ...plain, 'ce-id': 'uuid-1' }, '{}')).toMatchObject({ partition: null, offset: null, key: null });
  });

  it('prefers ce-partitionkey over ce-key', () => {
    expect(fromKnativeRequest({ ...plain, 'ce-partitionkey': 'pk', 'ce-key': 'k' }, '{}').key).toBe('pk');
    expect(fromKnativeRequest({ ...plain, 'ce-key': 'k' }, '{}').key).toBe('k');
  });

  it('a known CloudEvent type names its topic, whatever the source says', () => {
    expect(fromKnativeRequest({ ...plain, 'ce-type': TOPICS['final-decisions'].ceType, 'ce-source': '/sinbin/decision-manager' }, '{}').topic).toBe('final-decisions');
  });
});

describe('fromOpenFaasRequest', () => {
  it('refuses a request without X-Topic', () => {
    expect(poisonCode(() => fromOpenFaasRequest({ 'x-kafka-partition': '1' }, '{}'))).toBe('unsupported-delivery');
  });

  it.each([
    { headers: { 'x-kafka-key': 'game/chan' }, key: 'game/chan' },
    { headers: { 'x-kafka-key': Buffer.from('game/chan').toString('base64'), 'x-kafka-key-enc': 'b64' }, key: 'game/chan' },
    { headers: {}, key: null },
  ])('key from $headers -> $key', ({ headers, key }) => {
    expect(fromOpenFaasRequest({ 'x-topic': 'raw-messages', ...headers }, '{}').key).toBe(key);
  });

  it.each([
    { partition: '7', offset: '9', want: { partition: 7, offset: '9', id: 'partition:7/offset:9' } },
    { partition: 'x', offset: '9', want: { partition: null, offset: '9' } },
    { partition: undefined, offset: undefined, want: { partition: null, offset: null, id: 'partition:?/offset:?' } },
  ])('position from X-Kafka-Partition $partition / X-Kafka-Offset $offset', ({ partition, offset, want }) => {
    const headers: Record<string, string> = { 'x-topic': 'raw-messages' };
    if (partition !== undefined) headers['x-kafka-partition'] = partition;
    if (offset !== undefined) headers['x-kafka-offset'] = offset;
    expect(fromOpenFaasRequest(headers, '{}')).toMatchObject(want);
  });

  it("uses the record's CloudEvent id (X-Kafka-Ce_id) when the connector forwards it", () => {
    expect(fromOpenFaasRequest({ 'X-Topic': 'raw-messages', 'X-Kafka-Ce_id': 'evt-9', 'X-Kafka-Partition': '1', 'X-Kafka-Offset': '2' }, '{}').id).toBe('evt-9');
  });
});

describe('fromKafkaRecord and fromBusRecord', () => {
  it('decodes byte keys, values and headers; the CloudEvent id wins over the position', () => {
    const raw = fromKafkaRecord({ topic: 'raw-messages', partition: 2, offset: '10', key: Buffer.from('g/c'), value: Buffer.from('{}'), headers: { ce_id: Buffer.from('evt-1'), 'Content-Type': 'application/json', gone: undefined } });
    expect(raw).toEqual({ topic: 'raw-messages', key: 'g/c', partition: 2, offset: '10', id: 'evt-1', value: Buffer.from('{}'), headers: { ce_id: 'evt-1', 'content-type': 'application/json' } });
  });

  it('a tombstone (null value) and a null key decode as empty and null', () => {
    expect(fromKafkaRecord({ topic: 't', partition: 0, offset: '0', key: null, value: null })).toMatchObject({ key: null, value: '', id: 'partition:0/offset:0', headers: {} });
  });

  it('a bus record carries its numeric offset as a string', () => {
    expect(fromBusRecord({ topic: 't', key: 'k', value: 'v', headers: {}, partition: 1, offset: 5 })).toEqual({ topic: 't', key: 'k', partition: 1, offset: '5', id: 'partition:1/offset:5', value: 'v', headers: {} });
  });
});

describe('parseDelivery', () => {
  const raw = (value: string | Uint8Array, topic = 'raw-messages'): RawDelivery => ({ topic, key: null, partition: 0, offset: '0', id: 'i', value, headers: {} });
  const message = chatMessage();

  it('the size check comes first and is exact: MAX_RECORD_BYTES passes it, one byte more is oversized', () => {
    const at = 'x'.repeat(MAX_RECORD_BYTES);
    expect(byteLength(at)).toBe(MAX_RECORD_BYTES);
    expect(poisonCode(() => parseDelivery(raw(at), ['raw-messages']))).toBe('invalid-json');
    expect(poisonCode(() => parseDelivery(raw(`${at}x`), ['raw-messages']))).toBe('oversized');
  });

  it('measures size in UTF-8 bytes, not characters', () => {
    const chars = Math.floor(MAX_RECORD_BYTES / 3) + 1; // 3 bytes each
    expect(poisonCode(() => parseDelivery(raw('€'.repeat(chars)), ['raw-messages']))).toBe('oversized');
  });

  it('the topic check comes before size and JSON', () => {
    expect(poisonCode(() => parseDelivery(raw('x'.repeat(MAX_RECORD_BYTES + 1), 'nope'), ['raw-messages']))).toBe('unknown-topic');
    expect(poisonCode(() => parseDelivery(raw(JSON.stringify(message)), ['classified-messages']))).toBe('unknown-topic');
  });

  it('names at most five schema problems with their paths', () => {
    let error: unknown;
    try {
      parseDelivery(raw(JSON.stringify({ text: 5 })), ['raw-messages']);
    } catch (e) {
      error = e;
    }
    expect((error as PoisonEventError).code).toBe('schema-violation');
    const message = (error as Error).message;
    expect(message).toContain('raw-messages event does not match its schema');
    expect(message.split(';').length).toBeLessThanOrEqual(5);
  });

  it('a value that is JSON but not an object is a schema violation', () => {
    expect(poisonCode(() => parseDelivery(raw('"just a string"'), ['raw-messages']))).toBe('schema-violation');
  });

  it('applies schema defaults: a classified message without context gets []', () => {
    const { context: _context, ...withoutContext } = classifiedMessage();
    const d = parseDelivery(raw(JSON.stringify(withoutContext), 'classified-messages'), ['classified-messages']);
    expect(d.topic === 'classified-messages' && d.event.context).toEqual([]);
  });
});
