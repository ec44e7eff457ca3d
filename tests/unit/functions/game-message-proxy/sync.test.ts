// Synchronous answers (Prefer: wait) and idempotent sends, on memory stores and a capturing
// publisher: the test plays the pipeline by handing the gateway final decisions itself.
import { describe, expect, it } from 'vitest';
import type { FinalDecision } from '@sinbin/contract';
import gateway from '../../../../functions/game-message-proxy/src/function';
import { preferredWait } from '../../../../functions/game-message-proxy/src/core';
import { delivery, finalDecision } from '../../../helpers/events';
import { startFunction } from '../../../helpers/functions';
import { callRoute, jsonHeaders } from '../../../helpers/http';
import { pollUntil } from '../../../helpers/poll';

const ENV = { GAME_API_KEYS: 'alpha:key-alpha-0001,beta:key-beta-0002', SYNC_POLL_MS: '0' };
const start = (env: Record<string, string> = {}) => startFunction(gateway, { env: { ...ENV, ...env } });
type Routes = Parameters<typeof callRoute>[0];
const post = (routes: Routes, body: unknown, headers: Record<string, string> = {}) =>
  callRoute(routes, { method: 'POST', path: '/v1/messages', headers: { ...jsonHeaders('key-alpha-0001'), ...headers }, body });
const msg = (messageId: string, text = 'gg wp') => ({ messageId, channelId: 'c1', playerId: 'p1', text });
const decided = (messageId: string, extra: Partial<FinalDecision> = {}) => finalDecision({ gameId: 'alpha', messageId, ...extra });

describe('Prefer: wait (RFC 7240)', () => {
  it.each([
    [undefined, undefined],
    ['wait=3', 3],
    ['wait=0', 0],
    ['wait=10', 10],
    ['wait=600', 10],
    ['wait=99999999999999999', undefined],
    ['respond-async, wait=5', 5],
    ['handling=lenient; x=1, wait="4"', 4],
    [['return=minimal', 'wait=2'], 2],
    ['wait=abc', undefined],
    ['wait=-1', undefined],
    ['wait=1.5', undefined],
    ['wait', undefined],
    ['WAIT=7', 7],
    ['x'.repeat(5000), undefined],
  ])('%j -> %j', (header, expected) => {
    expect(preferredWait(header as string | string[] | undefined)).toBe(expected);
  });
});

describe('gateway synchronous answer', () => {
  it('answers 200 with the decision when it comes within the wait, and says the wait was applied', async () => {
    const { running, publisher } = await start();
    const answering = post(running.routes!, msg('s-1'), { prefer: 'wait=5' });
    await pollUntil(() => publisher.records.length === 1, { what: 'the publish' });
    const decision = decided('s-1');
    await running.handle(delivery('final-decisions', decision));
    const res = await answering;
    expect(res.status).toBe(200);
    expect(res.headers?.['preference-applied']).toBe('wait=5');
    expect(res.json).toEqual({ accepted: [{ messageId: 's-1', status: 'decided', decision }] });
  });

  it('answers 202 when the wait ends first; the decision still arrives by API afterwards', async () => {
    const { running } = await start();
    const started = Date.now();
    const res = await post(running.routes!, msg('s-2'), { prefer: 'wait=1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(res.status).toBe(202);
    expect(res.headers?.['preference-applied']).toBe('wait=1');
    expect(res.json).toEqual({ accepted: [{ messageId: 's-2', status: 'pending' }] });
    await running.handle(delivery('final-decisions', decided('s-2')));
    expect((await callRoute(running.routes!, { method: 'GET', path: '/v1/decisions/s-2', headers: jsonHeaders('key-alpha-0001') })).status).toBe(200);
  });

  it('a batch says which messages are decided and which pending', async () => {
    const { running, publisher } = await start();
    const answering = post(running.routes!, { messages: [msg('b-1'), msg('b-2'), msg('b-3')] }, { prefer: 'wait=1' });
    await pollUntil(() => publisher.records.length === 3, { what: 'the publish' });
    await running.handle(delivery('final-decisions', decided('b-1')));
    await running.handle(delivery('final-decisions', decided('b-3', { verdict: 'block' })));
    const res = await answering;
    expect(res.status).toBe(202);
    expect((res.json.accepted as { messageId: string; status: string }[]).map((a) => [a.messageId, a.status])).toEqual([
      ['b-1', 'decided'],
      ['b-2', 'pending'],
      ['b-3', 'decided'],
    ]);
  });

  it('without Prefer answers 202 at once, as before; a malformed Prefer is ignored, not an error', async () => {
    const { running } = await start();
    for (const prefer of [undefined, 'wait=banana']) {
      const started = Date.now();
      const res = await post(running.routes!, msg(`n-${prefer ?? 'none'}`), prefer ? { prefer } : {});
      expect(res.status).toBe(202);
      expect(res.headers?.['preference-applied']).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(500);
    }
  });

  it('a client that goes away stops waiting; the message is published and decided all the same', async () => {
    const { running, publisher } = await start();
    const routes = running.routes!;
    const gone = new AbortController();
    const route = routes.find((r) => r.path === '/v1/messages')!;
    const answering = route.handler({ method: 'POST', path: '/v1/messages', params: {}, query: new URLSearchParams(), headers: { ...jsonHeaders('key-alpha-0001'), prefer: 'wait=10' }, body: Buffer.from(JSON.stringify(msg('gone-1'))), signal: gone.signal });
    await pollUntil(() => publisher.records.length === 1, { what: 'the publish' });
    const started = Date.now();
    gone.abort();
    await answering;
    expect(Date.now() - started).toBeLessThan(500);
    await running.handle(delivery('final-decisions', decided('gone-1')));
    expect((await callRoute(routes, { method: 'GET', path: '/v1/decisions/gone-1', headers: jsonHeaders('key-alpha-0001') })).status).toBe(200);
  });

  it('GET /v1/decisions/{id} with Prefer waits for the decision too', async () => {
    const { running } = await start();
    const reading = callRoute(running.routes!, { method: 'GET', path: '/v1/decisions/g-1', headers: { ...jsonHeaders('key-alpha-0001'), prefer: 'wait=5' } });
    await new Promise((r) => setTimeout(r, 20));
    await running.handle(delivery('final-decisions', decided('g-1')));
    expect((await reading).status).toBe(200);
  });

  it('finds a decision another replica consumed by polling the shared store', async () => {
    const { running, stores } = await start({ SYNC_POLL_MS: '20' });
    const answering = post(running.routes!, msg('r-1'), { prefer: 'wait=5' });
    await new Promise((r) => setTimeout(r, 30));
    // Stored by someone else: this instance's consumer never sees it.
    await stores.decisions.put(decided('r-1'));
    expect((await answering).status).toBe(200);
  });
});

describe('gateway idempotent sends', () => {
  it('a repeat with the same content answers as the first did (with its decision) and publishes nothing', async () => {
    const { running, publisher } = await start();
    expect((await post(running.routes!, msg('i-1'))).status).toBe(202);
    const decision = decided('i-1');
    await running.handle(delivery('final-decisions', decision));
    const again = await post(running.routes!, msg('i-1'), { prefer: 'wait=2' });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ accepted: [{ messageId: 'i-1', status: 'decided', decision }] });
    expect(publisher.records).toHaveLength(1);
  });

  it('the same messageId with other content is 409 and nothing of the request is published', async () => {
    const { running, publisher } = await start();
    await post(running.routes!, msg('i-2', 'first text'));
    const res = await post(running.routes!, { messages: [msg('i-3'), msg('i-2', 'other text')] });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ error: 'message-id-conflict', conflicts: ['i-2'], retry: false });
    expect(publisher.events<{ messageId: string }>('raw-messages').map((m) => m.messageId)).toEqual(['i-2']);
    // The refused request claimed nothing: i-3 with any content is still new.
    expect((await post(running.routes!, msg('i-3', 'later text'))).status).toBe(202);
  });

  it('a publish failure releases the claims, so the retry publishes', async () => {
    const { running, publisher } = await start();
    publisher.failNext(1);
    expect((await post(running.routes!, msg('i-4'))).status).toBe(503);
    expect((await post(running.routes!, msg('i-4', 'changed my mind'))).status).toBe(202);
    expect(publisher.events<{ text: string }>('raw-messages').map((m) => m.text)).toEqual(['changed my mind']);
  });
});
