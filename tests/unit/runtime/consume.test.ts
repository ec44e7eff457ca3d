// processDelivery's guarantees, for every transport: poison -> dead-letter topic and acknowledge;
// retriable -> redeliver; success -> publish outputs, then acknowledge.
import { describe, expect, it } from 'vitest';
import { processDelivery, silentLogger } from '@sinbin/runtime';
import { type AnyDelivery, type AnyOutbound, DEAD_LETTER_CE_TYPE, type DeadLetter, DeadLetterSchema, DependencyError, MAX_RECORD_BYTES, outbound, PoisonEventError, type RawDelivery, type RunningFunction, TOPICS } from '@sinbin/contract';
import { at, chatMessage, classifiedMessage, T0 } from '../../helpers/events';
import { CapturingPublisher } from '../../helpers/publisher';
import { byteLength } from '../../../runtime/src/transport/decoders';
import { DEAD_LETTER_PAYLOAD_CAP, deadLetterRecord, type ProcessOptions } from '../../../runtime/src/consume';

const fn = { name: 'fast-classifier', consumes: ['raw-messages'] as const };

function raw(value: Uint8Array | string, overrides: Partial<RawDelivery> = {}): RawDelivery {
  return { topic: 'raw-messages', key: 'game-a/match-1', partition: 3, offset: '42', id: 'partition:3/offset:42', value, headers: {}, ...overrides };
}

function running(handle: (d: AnyDelivery) => Promise<AnyOutbound[]>): RunningFunction & { seen: AnyDelivery[] } {
  const seen: AnyDelivery[] = [];
  return { seen, handle: async (d) => (seen.push(d), handle(d)), stop: async () => {} };
}

function opts(r: RunningFunction, publisher = new CapturingPublisher(), attempt?: number): ProcessOptions {
  return { fn, running: r, publisher, log: silentLogger(), now: () => at(1000), ...(attempt ? { attempt } : {}) };
}

const message = chatMessage({ messageId: 'm-1' });
const classified = () => outbound('classified-messages', classifiedMessage({ message }));
const letters = (p: CapturingPublisher) => p.on('raw-messages.dlq').map((r) => DeadLetterSchema.parse(JSON.parse(r.value)));

describe('processDelivery: success', () => {
  it('hands the typed event to the function and publishes its outputs as CloudEvent records', async () => {
    const r = running(async () => [classified()]);
    const publisher = new CapturingPublisher();
    const outcome = await processDelivery(raw(JSON.stringify(message)), opts(r, publisher));
    expect(outcome).toEqual({ status: 'done', published: 1 });
    expect(r.seen[0]).toEqual({ topic: 'raw-messages', key: 'game-a/match-1', partition: 3, offset: '42', id: 'partition:3/offset:42', event: message });
    const [record] = publisher.records;
    expect(record).toMatchObject({ topic: 'classified-messages', key: 'game-a/match-1' });
    expect(record!.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: TOPICS['classified-messages'].ceType,
      ce_source: '/sinbin/fast-classifier',
      ce_time: at(1000).toISOString(),
      'content-type': 'application/json',
    });
    expect(JSON.parse(record!.value)).toEqual(classified().event);
  });

  it('acknowledges a delivery with no outputs without publishing', async () => {
    const publisher = new CapturingPublisher().failEveryCall();
    expect(await processDelivery(raw(JSON.stringify(message)), opts(running(async () => []), publisher))).toEqual({ status: 'done', published: 0 });
  });

  it('accepts the value as bytes', async () => {
    const outcome = await processDelivery(raw(new TextEncoder().encode(JSON.stringify(message))), opts(running(async () => [])));
    expect(outcome.status).toBe('done');
  });
});

describe('processDelivery: poison events are dead-lettered and acknowledged', () => {
  it.each([
    { name: 'not JSON', value: '{"messageId": "m-1",', code: 'invalid-json', reason: 'not JSON' },
    { name: 'JSON of the wrong shape', value: JSON.stringify({ ...message, text: '' }), code: 'schema-violation', reason: 'text' },
    { name: 'a missing field', value: JSON.stringify({ ...message, gameId: undefined }), code: 'schema-violation', reason: 'gameId' },
    { name: 'oversized', value: JSON.stringify({ ...message, text: 'x'.repeat(1024 * 1024) }), code: 'oversized', reason: 'exceeds' },
  ])('$name -> $code', async ({ value, code, reason }) => {
    const r = running(async () => [classified()]);
    const publisher = new CapturingPublisher();
    const outcome = await processDelivery(raw(value), opts(r, publisher, 2));
    expect(outcome).toMatchObject({ status: 'dead-lettered', code });
    expect(outcome.status === 'dead-lettered' && outcome.reason).toContain(reason);
    expect(r.seen).toHaveLength(0);
    expect(publisher.records.map((x) => x.topic)).toEqual(['raw-messages.dlq']);
    const [letter] = letters(publisher);
    expect(letter).toEqual({
      topic: 'raw-messages',
      consumer: 'fast-classifier',
      key: 'game-a/match-1',
      partition: 3,
      offset: '42',
      errorCode: code,
      reason: expect.stringContaining(reason),
      // Whole, or its first DEAD_LETTER_PAYLOAD_CAP bytes when larger (all ASCII here).
      payload: value.slice(0, DEAD_LETTER_PAYLOAD_CAP),
      payloadEncoding: 'utf8',
      payloadBytes: Buffer.byteLength(value),
      payloadTruncated: Buffer.byteLength(value) > DEAD_LETTER_PAYLOAD_CAP,
      attempts: 2,
      failedAt: at(1000).toISOString(),
    } satisfies Record<keyof DeadLetter, unknown>);
    expect(publisher.records[0]!.key).toBe('game-a/match-1');
    expect(publisher.records[0]!.headers).toMatchObject({ ce_type: DEAD_LETTER_CE_TYPE, ce_source: '/sinbin/fast-classifier', ce_id: 'fast-classifier:partition:3/offset:42' });
  });

  it('dead-letters a topic the function does not consume, on that topic’s .dlq', async () => {
    const publisher = new CapturingPublisher();
    const outcome = await processDelivery(raw(JSON.stringify(message), { topic: 'final-decisions' }), opts(running(async () => []), publisher));
    expect(outcome).toMatchObject({ status: 'dead-lettered', code: 'unknown-topic' });
    expect(publisher.records.map((x) => x.topic)).toEqual(['final-decisions.dlq']);
  });

  it('keeps a non-UTF-8 payload whole, as base64', async () => {
    const bytes = Uint8Array.from([0xff, 0xfe, 0x00, 0x7b, 0xc3]);
    const publisher = new CapturingPublisher();
    const outcome = await processDelivery(raw(bytes), opts(running(async () => []), publisher));
    expect(outcome).toMatchObject({ status: 'dead-lettered', code: 'invalid-json' });
    const [letter] = letters(publisher);
    expect(letter!.payloadEncoding).toBe('base64');
    expect(Buffer.from(letter!.payload, 'base64')).toEqual(Buffer.from(bytes));
  });

  it('a non-retriable handler error (the function rejects the event) is dead-lettered with its code', async () => {
    const publisher = new CapturingPublisher();
    const r = running(async () => {
      throw new PoisonEventError('rejected', 'message belongs to a deleted game');
    });
    const outcome = await processDelivery(raw(JSON.stringify(message)), opts(r, publisher));
    expect(outcome).toEqual({ status: 'dead-lettered', code: 'rejected', reason: 'message belongs to a deleted game' });
    expect(letters(publisher)[0]).toMatchObject({ errorCode: 'rejected', payload: JSON.stringify(message) });
  });

  it('defaults attempts to 1', async () => {
    const publisher = new CapturingPublisher();
    await processDelivery(raw('nope'), { fn, running: running(async () => []), publisher, log: silentLogger() });
    expect(letters(publisher)[0]!.attempts).toBe(1);
  });
});

describe('processDelivery: retriable failures ask for redelivery', () => {
  it('a dependency error -> retry, nothing published', async () => {
    const publisher = new CapturingPublisher();
    const r = running(async () => {
      throw new DependencyError('context store down', { code: 'timeout' });
    });
    expect(await processDelivery(raw(JSON.stringify(message)), opts(r, publisher))).toEqual({ status: 'retry', code: 'timeout', reason: 'context store down' });
    expect(publisher.records).toHaveLength(0);
  });

  it('an unexpected exception is retried, never dropped', async () => {
    const r = running(async () => {
      throw new TypeError('cannot read properties of undefined');
    });
    expect(await processDelivery(raw(JSON.stringify(message)), opts(r))).toMatchObject({ status: 'retry', code: 'internal' });
  });

  it('a failed publish of the outputs -> retry (the event is not acknowledged)', async () => {
    const publisher = new CapturingPublisher().failNext(1);
    const outcome = await processDelivery(raw(JSON.stringify(message)), opts(running(async () => [classified()]), publisher));
    expect(outcome).toMatchObject({ status: 'retry', code: 'dependency-unavailable' });
    expect(outcome.status === 'retry' && outcome.reason).toContain('publishing 1 event(s) failed');
    expect(publisher.records).toHaveLength(0);
  });

  it('a failed dead-letter publish -> retry, so the poison event is not lost', async () => {
    const publisher = new CapturingPublisher().failNext(1);
    const outcome = await processDelivery(raw('not json'), opts(running(async () => []), publisher));
    expect(outcome).toMatchObject({ status: 'retry', code: 'dependency-unavailable' });
    expect(outcome.status === 'retry' && outcome.reason).toContain('dead-letter publish failed');
    // The redelivery dead-letters it.
    expect(await processDelivery(raw('not json'), opts(running(async () => []), publisher, 2))).toMatchObject({ status: 'dead-lettered' });
    expect(letters(publisher).map((l) => l.attempts)).toEqual([2]);
  });
});

describe('deadLetterRecord', () => {
  it('builds a schema-valid letter with a null key and position when the transport had none', () => {
    const record = deadLetterRecord(raw('x', { key: null, partition: null, offset: null, id: 'ce-1' }), 'decision-manager', { code: 'invalid-json', reason: 'r' }, 1, T0);
    expect(record.topic).toBe('raw-messages.dlq');
    expect(record.key).toBeNull();
    expect(DeadLetterSchema.parse(JSON.parse(record.value))).toMatchObject({ key: null, partition: null, offset: null, consumer: 'decision-manager' });
    expect(record.headers.ce_id).toBe('decision-manager:ce-1');
  });
});

describe('dead letters on a Kafka broker', () => {
  /** A broker's default record size limit (message.max.bytes), which the dead-letter topics keep. */
  const BROKER_RECORD_LIMIT = 1024 * 1024;

  // The letter carries the whole payload (JSON-escaped, or base64 when it is not UTF-8). When the
  // letter is larger than the broker accepts, the dead-letter publish fails on every redelivery and
  // the partition stalls: exactly what dead-lettering exists to prevent.
  it.each([
    // 800 KiB passes the size check and is not JSON; as base64 it grows by a third.
    { name: 'an 800 KiB binary record (invalid-json)', value: Uint8Array.from({ length: 800 * 1024 }, (_, i) => (i % 2 ? 0xff : 0xfe)), code: 'invalid-json' },
    // 600 KB of JSON whose text is quotes: each escaped quote is escaped again inside the letter.
    { name: 'a 600 KB JSON record of quoted text (schema-violation)', value: JSON.stringify({ text: '"'.repeat(300_000) }), code: 'schema-violation' },
  ])('fits the broker record limit for $name', ({ value, code }) => {
    expect(byteLength(value)).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    const record = deadLetterRecord(raw(value), 'fast-classifier', { code, reason: 'poison' }, 1, T0);
    const size = byteLength(record.value) + Object.entries(record.headers).reduce((n, [k, v]) => n + k.length + v.length, 0) + (record.key?.length ?? 0);
    expect(size).toBeLessThanOrEqual(BROKER_RECORD_LIMIT);
  });
});
