import { describe, expect, it } from 'vitest';
import { API_ERRORS, ChatMessageSchema } from '@sinbin/contract';
import { bearerToken, isJsonContentType, MAX_BATCH, parseMessagesRequest, toChatMessage } from '../../../../functions/game-message-proxy/src/core';
import { T0 } from '../../../helpers/events';

const JSON_TYPE = 'application/json';
const valid = { channelId: 'match-1', playerId: 'p1', text: 'gg wp' };
const batchOf = (n: number) => ({ messages: Array.from({ length: n }, (_, i) => ({ ...valid, messageId: `m${i}` })) });
const body = (value: unknown) => JSON.stringify(value);

interface BadCase {
  name: string;
  contentType?: string;
  body: string;
  status: number;
  error: string;
  /** Words the error message (or one of its issues) must contain, so the client can fix the request. */
  names: string;
  path?: string;
}

const BAD: BadCase[] = [
  { name: 'no content type', contentType: undefined, body: body(valid), status: 415, error: 'unsupported-media-type', names: 'application/json' },
  { name: 'text/plain content type', contentType: 'text/plain', body: body(valid), status: 415, error: 'unsupported-media-type', names: 'application/json' },
  { name: 'form content type', contentType: 'application/x-www-form-urlencoded', body: body(valid), status: 415, error: 'unsupported-media-type', names: 'Content-Type' },
  { name: 'invalid JSON', body: '{"channelId": "match-1",', status: 400, error: 'invalid-json', names: 'not valid JSON' },
  { name: 'empty body', body: '', status: 400, error: 'invalid-json', names: 'not valid JSON' },
  { name: 'a JSON array', body: body([valid]), status: 400, error: 'invalid-body', names: 'message object' },
  { name: 'a JSON string', body: body('gg wp'), status: 400, error: 'invalid-body', names: 'message object' },
  { name: 'a JSON number', body: '42', status: 400, error: 'invalid-body', names: 'message object' },
  { name: 'JSON null', body: 'null', status: 400, error: 'invalid-body', names: 'message object' },
  { name: 'missing channelId', body: body({ playerId: 'p1', text: 'hi' }), status: 400, error: 'invalid-message', names: 'channelId is required', path: 'channelId' },
  { name: 'missing playerId', body: body({ channelId: 'c', text: 'hi' }), status: 400, error: 'invalid-message', names: 'playerId is required', path: 'playerId' },
  { name: 'missing text', body: body({ channelId: 'c', playerId: 'p1' }), status: 400, error: 'invalid-message', names: 'text is required', path: 'text' },
  { name: 'empty channelId', body: body({ ...valid, channelId: '' }), status: 400, error: 'invalid-message', names: 'channelId must not be empty', path: 'channelId' },
  { name: 'whitespace-only playerId', body: body({ ...valid, playerId: '   ' }), status: 400, error: 'invalid-message', names: 'playerId must not be empty', path: 'playerId' },
  { name: 'empty text', body: body({ ...valid, text: '' }), status: 400, error: 'invalid-message', names: 'text must not be empty', path: 'text' },
  { name: 'whitespace-only text', body: body({ ...valid, text: ' \t\n ' }), status: 400, error: 'invalid-message', names: 'text must not be empty', path: 'text' },
  { name: 'text of the wrong type', body: body({ ...valid, text: 42 }), status: 400, error: 'invalid-message', names: 'text must be a string', path: 'text' },
  { name: 'channelId of the wrong type', body: body({ ...valid, channelId: 7 }), status: 400, error: 'invalid-message', names: 'channelId must be a string', path: 'channelId' },
  { name: 'messageId of the wrong type', body: body({ ...valid, messageId: { id: 1 } }), status: 400, error: 'invalid-message', names: 'messageId must be a string', path: 'messageId' },
  { name: 'empty messageId', body: body({ ...valid, messageId: '' }), status: 400, error: 'invalid-message', names: 'messageId must not be empty', path: 'messageId' },
  { name: 'messageId of 129 chars', body: body({ ...valid, messageId: 'x'.repeat(129) }), status: 400, error: 'invalid-message', names: 'messageId must be at most 128 characters', path: 'messageId' },
  { name: 'text of 2001 chars', body: body({ ...valid, text: 'a'.repeat(2001) }), status: 400, error: 'text-too-long', names: 'text must be at most 2000 characters', path: 'text' },
  { name: 'sentAt that is not a timestamp', body: body({ ...valid, sentAt: 'yesterday' }), status: 400, error: 'invalid-message', names: 'sentAt must be an ISO 8601 timestamp', path: 'sentAt' },
  { name: 'locale too short', body: body({ ...valid, locale: 'e' }), status: 400, error: 'invalid-message', names: 'locale', path: 'locale' },
  { name: 'empty batch', body: body({ messages: [] }), status: 400, error: 'invalid-batch', names: 'messages must not be empty', path: 'messages' },
  { name: 'messages not an array', body: body({ messages: valid }), status: 400, error: 'invalid-batch', names: 'messages must be an array', path: 'messages' },
  { name: 'batch of 501', body: body(batchOf(MAX_BATCH + 1)), status: 400, error: 'batch-too-large', names: 'at most 500 messages', path: 'messages' },
  { name: 'one bad message in a batch', body: body({ messages: [valid, { ...valid, text: 5 }] }), status: 400, error: 'invalid-message', names: 'text must be a string', path: 'messages.1.text' },
  { name: 'a long text in a batch', body: body({ messages: [valid, { ...valid, text: 'b'.repeat(2001) }] }), status: 400, error: 'text-too-long', names: 'at most 2000', path: 'messages.1.text' },
  { name: 'duplicate messageId in a batch', body: body({ messages: [{ ...valid, messageId: 'dup' }, { ...valid, messageId: 'x' }, { ...valid, messageId: 'dup' }] }), status: 400, error: 'duplicate-message-id', names: 'messageId' },
];

describe('gateway parseMessagesRequest rejects bad input with a status and an error naming the problem', () => {
  it.each(BAD.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const out = parseMessagesRequest('contentType' in c ? c.contentType : JSON_TYPE, Buffer.from(c.body));
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(API_ERRORS[out.error].status).toBe(c.status);
    expect(out.error).toBe(c.error);
    const said = [out.message, ...(out.issues ?? []).map((i) => `${i.path}: ${i.message}`)].join(' | ');
    expect(said).toContain(c.names);
    if (c.path) expect(out.issues?.map((i) => i.path)).toContain(c.path);
  });
});

describe('gateway parseMessagesRequest accepts', () => {
  it.each([
    { name: 'one message object', contentType: JSON_TYPE, body: body(valid), count: 1 },
    { name: 'a batch of one', contentType: JSON_TYPE, body: body({ messages: [valid] }), count: 1 },
    { name: 'a batch of exactly 500', contentType: JSON_TYPE, body: body(batchOf(MAX_BATCH)), count: 500 },
    { name: 'text of exactly 2000 chars', contentType: JSON_TYPE, body: body({ ...valid, text: 'a'.repeat(2000) }), count: 1 },
    { name: 'a charset parameter', contentType: 'application/json; charset=utf-8', body: body(valid), count: 1 },
    { name: 'upper-case media type', contentType: 'Application/JSON', body: body(valid), count: 1 },
    { name: 'a +json media type', contentType: 'application/vnd.sinbin+json', body: body(valid), count: 1 },
    { name: 'a string body', contentType: JSON_TYPE, body: body(valid), count: 1, asString: true },
    { name: 'batch messages without ids (the gateway assigns them)', contentType: JSON_TYPE, body: body({ messages: [valid, valid] }), count: 2 },
  ])('$name', ({ contentType, body: raw, count, asString }) => {
    const out = parseMessagesRequest(contentType, asString ? raw : Buffer.from(raw));
    expect(out.ok).toBe(true);
    if (out.ok) expect(out.messages).toHaveLength(count);
  });

  it('trims ids but keeps the text exactly as sent', () => {
    const out = parseMessagesRequest(JSON_TYPE, body({ messageId: ' m1 ', channelId: ' c ', playerId: 'p', text: '  hello  ' }));
    expect(out.ok && out.messages[0]).toEqual({ messageId: 'm1', channelId: 'c', playerId: 'p', text: '  hello  ' });
  });

  it('ignores a gameId in the body: the game comes from the API key', () => {
    const out = parseMessagesRequest(JSON_TYPE, body({ ...valid, gameId: 'someone-else' }));
    expect(out.ok && out.messages[0]).not.toHaveProperty('gameId');
  });

  it('reports at most 20 issues for a large bad batch', () => {
    const out = parseMessagesRequest(JSON_TYPE, body({ messages: Array.from({ length: 50 }, () => ({})) }));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.issues!.length).toBe(20);
  });
});

describe('gateway isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json;charset=UTF-8', true],
    [' application/json ', true],
    ['application/problem+json', true],
    ['text/json', false],
    ['application/jsonp', false],
    ['text/plain', false],
    ['', false],
    [undefined, false],
  ] as const)('%j -> %s', (type, want) => {
    expect(isJsonContentType(type)).toBe(want);
  });
});

describe('gateway toChatMessage', () => {
  it('stamps the game from the key, the id and the receipt time', () => {
    const m = toChatMessage({ channelId: 'c', playerId: 'p', text: 'hi' }, 'alpha', 'id-1', T0);
    expect(m).toEqual({ messageId: 'id-1', gameId: 'alpha', channelId: 'c', playerId: 'p', text: 'hi', sentAt: T0.toISOString(), receivedAt: T0.toISOString() });
    expect(ChatMessageSchema.parse(m)).toEqual(m);
  });

  it("keeps the client's sentAt and locale", () => {
    const m = toChatMessage({ channelId: 'c', playerId: 'p', text: 'hi', sentAt: '2026-03-01T11:00:00+01:00', locale: 'en-GB' }, 'alpha', 'id-1', T0);
    expect(m.sentAt).toBe('2026-03-01T11:00:00+01:00');
    expect(m.locale).toBe('en-GB');
    expect(ChatMessageSchema.safeParse(m).success).toBe(true);
  });
});

describe('gateway bearerToken', () => {
  it.each([
    ['Bearer key-123', 'key-123'],
    ['bearer key-123', 'key-123'],
    ['BEARER key-123', 'key-123'],
    ['Bearer    key-123   ', 'key-123'],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Bearer two words', undefined],
    ['key-123', undefined],
    ['', undefined],
    [undefined, undefined],
    [['Bearer first', 'Bearer second'], 'first'],
  ] as const)('%j -> %j', (header, want) => {
    expect(bearerToken(header as string | string[] | undefined)).toBe(want);
  });
});
