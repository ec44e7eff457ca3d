// The gateway's routes and its final-decisions consumer, on memory stores, without a socket.
import { describe, expect, it } from 'vitest';
import { ChatMessageSchema, TOPICS } from '@sinbin/contract';
import gateway from '../../../../functions/game-message-proxy/src/function';
import { delivery, finalDecision, T0 } from '../../../helpers/events';
import { startFunction } from '../../../helpers/functions';
import { bearer, callRoute, jsonHeaders } from '../../../helpers/http';

const ENV = { GAME_API_KEYS: 'alpha:key-alpha-0001,beta:key-beta-0002' };
const start = () => startFunction(gateway, { env: ENV });
const post = (routes: Parameters<typeof callRoute>[0], body: unknown, headers = jsonHeaders('key-alpha-0001')) =>
  callRoute(routes, { method: 'POST', path: '/v1/messages', headers, body });

describe('gateway POST /v1/messages', () => {
  it('refuses a request without a key, or with an unknown one, and publishes nothing', async () => {
    const { running, publisher } = await start();
    const missing = await post(running.routes!, { channelId: 'c', playerId: 'p', text: 'hi' }, { 'content-type': 'application/json' });
    expect(missing.status).toBe(401);
    expect(missing.json.error).toBe('missing-api-key');
    expect(missing.headers?.['www-authenticate']).toBe('Bearer');
    const unknown = await post(running.routes!, { channelId: 'c', playerId: 'p', text: 'hi' }, jsonHeaders('key-nobody'));
    expect(unknown.status).toBe(401);
    expect(unknown.json.error).toBe('unknown-api-key');
    expect(publisher.records).toHaveLength(0);
  });

  it('checks the key before the body: an unauthenticated bad body is 401, not 400', async () => {
    const { running } = await start();
    const res = await post(running.routes!, 'not json', { 'content-type': 'application/json' });
    expect(res.status).toBe(401);
  });

  it('answers a bad body with its parse error and publishes nothing', async () => {
    const { running, publisher } = await start();
    const res = await post(running.routes!, { channelId: 'c', playerId: 'p', text: '   ' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'invalid-message', message: 'text must not be empty' });
    expect(res.json.issues).toEqual([{ path: 'text', message: 'text must not be empty' }]);
    expect(publisher.records).toHaveLength(0);
  });

  it('publishes an accepted message on raw-messages, keyed by channel, for the game of the key', async () => {
    const { running, publisher } = await start();
    const res = await post(running.routes!, { channelId: 'match-1', playerId: 'p1', text: 'gg wp', gameId: 'beta' });
    expect(res.status).toBe(202);
    const [{ messageId }] = res.json.accepted as { messageId: string }[] as [{ messageId: string }];
    const [record] = publisher.on('raw-messages');
    expect(record!.key).toBe('alpha/match-1');
    expect(record!.headers.ce_type).toBe(TOPICS['raw-messages'].ceType);
    expect(record!.headers.ce_source).toBe('/sinbin/game-message-proxy');
    const message = ChatMessageSchema.parse(JSON.parse(record!.value));
    expect(message).toEqual({ messageId, gameId: 'alpha', channelId: 'match-1', playerId: 'p1', text: 'gg wp', sentAt: T0.toISOString(), receivedAt: T0.toISOString() });
  });

  it('publishes a batch in one call, in order, and lists every id', async () => {
    const { running, publisher } = await start();
    const res = await post(running.routes!, { messages: [{ messageId: 'b1', channelId: 'c', playerId: 'p', text: 'one' }, { channelId: 'c', playerId: 'p', text: 'two' }] });
    expect(res.status).toBe(202);
    const ids = (res.json.accepted as { messageId: string }[]).map((a) => a.messageId);
    expect(ids[0]).toBe('b1');
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(publisher.events<{ messageId: string; text: string }>('raw-messages').map((m) => [m.messageId, m.text])).toEqual([
      ['b1', 'one'],
      [ids[1], 'two'],
    ]);
  });

  it('answers a retried POST of the same messageId with 202 without publishing it again', async () => {
    const { running, publisher } = await start();
    const body = { messageId: 'retry-1', channelId: 'c', playerId: 'p', text: 'hello' };
    expect((await post(running.routes!, body)).status).toBe(202);
    const again = await post(running.routes!, { messages: [body, { ...body, messageId: 'retry-2' }] });
    expect(again.status).toBe(202);
    expect(again.json.accepted).toEqual([
      { messageId: 'retry-1', status: 'pending' },
      { messageId: 'retry-2', status: 'pending' },
    ]);
    expect(publisher.events<{ messageId: string }>('raw-messages').map((m) => m.messageId)).toEqual(['retry-1', 'retry-2']);
  });

  it('keeps messageIds per game: the same id from another game is a different message', async () => {
    const { running, publisher } = await start();
    const body = { messageId: 'shared-id', channelId: 'c', playerId: 'p', text: 'hello' };
    await post(running.routes!, body);
    await post(running.routes!, body, jsonHeaders('key-beta-0002'));
    expect(publisher.events<{ gameId: string }>('raw-messages').map((m) => m.gameId)).toEqual(['alpha', 'beta']);
  });

  it('answers 503 when raw-messages is unavailable, and a retry with the same id is then published', async () => {
    const { running, publisher } = await start();
    publisher.failNext(1);
    const body = { messageId: 'm-503', channelId: 'c', playerId: 'p', text: 'hello' };
    const failed = await post(running.routes!, body);
    expect(failed.status).toBe(503);
    expect(failed.headers?.['retry-after']).toBe('1');
    expect(publisher.records).toHaveLength(0);
    expect((await post(running.routes!, body)).status).toBe(202);
    expect(publisher.events<{ messageId: string }>('raw-messages').map((m) => m.messageId)).toEqual(['m-503']);
  });
});

describe('gateway GET /v1/decisions/:messageId and the final-decisions consumer', () => {
  it('serves a stored decision to its own game only', async () => {
    const { running } = await start();
    const decision = finalDecision({ gameId: 'alpha', messageId: 'm-1' });
    expect(await running.handle(delivery('final-decisions', decision))).toEqual([]);
    const get = (key?: string) => callRoute(running.routes!, { method: 'GET', path: '/v1/decisions/m-1', headers: key ? bearer(key) : {} });
    const own = await get('key-alpha-0001');
    expect(own.status).toBe(200);
    expect(own.body).toEqual(decision);
    expect((await get('key-beta-0002')).status).toBe(404);
    expect((await get()).status).toBe(401);
  });

  it('answers 404 for a message without a decision yet', async () => {
    const { running } = await start();
    const res = await callRoute(running.routes!, { method: 'GET', path: '/v1/decisions/unknown', headers: bearer('key-alpha-0001') });
    expect(res.status).toBe(404);
    expect(res.json.error).toBe('not-found');
  });

  it('keeps the first decision of a message when final-decisions redelivers it', async () => {
    const { running, stores } = await start();
    const first = finalDecision({ gameId: 'alpha', messageId: 'm-2', decidedAt: '2026-03-01T12:00:01.000Z' });
    await running.handle(delivery('final-decisions', first));
    await running.handle(delivery('final-decisions', { ...first, decidedAt: '2026-03-01T12:00:09.000Z' }));
    expect(await stores.decisions.get('alpha', 'm-2')).toEqual(first);
  });

  it('owes a stored decision to its game\'s webhook once: not again on a redelivery, even after it was sent', async () => {
    const env = { ...ENV, GAME_WEBHOOKS: JSON.stringify({ alpha: { url: 'http://127.0.0.1:9/hook' } }), WEBHOOK_BATCH_MS: '10000' };
    const { running, stores } = await startFunction(gateway, { env });
    const owed = finalDecision({ gameId: 'alpha', messageId: 'm-owed' });
    const unowed = finalDecision({ gameId: 'beta', messageId: 'm-unowed' });
    for (const d of [owed, unowed, owed]) await running.handle(delivery('final-decisions', d));
    expect(await stores.decisions.get('beta', 'm-unowed')).toEqual(unowed);
    expect(await stores.outbox.pending(10)).toEqual([owed]);
    // The game confirmed it; a later redelivery finds it stored and owes nothing.
    await stores.outbox.remove('alpha', ['m-owed']);
    await running.handle(delivery('final-decisions', { ...owed, decidedAt: '2026-03-01T12:00:09.000Z' }));
    expect(await stores.outbox.pending(10)).toEqual([]);
    await running.stop?.();
  });

  it('replaces a decision by its revision (decision.revised) once, and never by an older one', async () => {
    const { running, stores } = await start();
    const first = finalDecision({ gameId: 'alpha', messageId: 'm-3', verdict: 'block', action: { type: 'mute', durationSeconds: 60 } });
    const revision = { number: 1, reason: 'appeal-overturned' as const, appealId: 'ap', previous: { verdict: 'block' as const, action: first.action, decidedBy: first.decidedBy }, revisedBy: 'bob', revisedAt: '2026-03-01T13:00:00.000Z' };
    const revised = { ...first, verdict: 'allow' as const, action: { type: 'none' as const }, decidedBy: 'moderator' as const, revision };
    await running.handle(delivery('final-decisions', first));
    await running.handle(delivery('final-decisions', revised));
    // A redelivery of the revision, then of the original decision, changes nothing.
    await running.handle(delivery('final-decisions', revised));
    await running.handle(delivery('final-decisions', first));
    expect(await stores.decisions.get('alpha', 'm-3')).toEqual(revised);
    const res = await callRoute(running.routes!, { method: 'GET', path: '/v1/decisions/m-3', headers: bearer('key-alpha-0001') });
    expect(res.json).toMatchObject({ verdict: 'allow', revision: { number: 1, revisedBy: 'bob' } });
  });

  it('ignores events of topics it does not consume', async () => {
    const { running } = await start();
    expect(await running.handle(delivery('raw-messages', { messageId: 'x', gameId: 'g', channelId: 'c', playerId: 'p', text: 't', sentAt: T0.toISOString(), receivedAt: T0.toISOString() }))).toEqual([]);
  });
});

describe('gateway configuration', () => {
  it.each([
    { env: {}, problem: 'GAME_API_KEYS' },
    { env: { GAME_API_KEYS: 'alpha' }, problem: 'gameId:key' },
    { env: { GAME_API_KEYS: 'alpha:k', GAME_WEBHOOKS: '{not json' }, problem: 'GAME_WEBHOOKS' },
    { env: { GAME_API_KEYS: 'alpha:k', WEBHOOK_BATCH_MS: '0' }, problem: 'WEBHOOK_BATCH_MS' },
  ])('refuses to start with $env', async ({ env, problem }) => {
    await expect(startFunction(gateway, { env })).rejects.toThrow(problem);
  });
});
