// POST / for KafkaSource and kafka-connector deliveries: which requests are which, and the status
// each outcome gets (the platforms retry on 5xx; a poison event is answered 200 once dead-lettered).
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DependencyError, PoisonEventError, type RunningFunction } from '@sinbin/contract';
import { closeServer, createFunctionServer, listen, silentLogger } from '@sinbin/runtime';
import { chatMessage } from '../../../helpers/events';
import { CapturingPublisher } from '../../../helpers/publisher';
import { decodeHttpDelivery, deliveryKindOf, deliveryRoute } from '../../../../runtime/src/http/delivery';

describe('deliveryKindOf / decodeHttpDelivery', () => {
  it.each([
    { headers: { 'ce-specversion': '1.0' }, kind: 'knative' },
    { headers: { 'x-topic': 'raw-messages' }, kind: 'openfaas' },
    { headers: { 'ce-specversion': '1.0', 'x-topic': 'raw-messages' }, kind: 'knative' },
    { headers: { 'content-type': 'application/json' }, kind: undefined },
  ])('$headers -> $kind', ({ headers, kind }) => {
    expect(deliveryKindOf(headers)).toBe(kind);
  });

  it('refuses a request that is neither', () => {
    expect(() => decodeHttpDelivery({ headers: {}, body: Buffer.from('{}') })).toThrow(PoisonEventError);
  });
});

let server: Server | undefined;
afterEach(async () => {
  if (server) await closeServer(server);
  server = undefined;
});

async function serve(handle: RunningFunction['handle'], publisher = new CapturingPublisher()): Promise<{ url: string; publisher: CapturingPublisher }> {
  const running: RunningFunction = { handle, stop: async () => {} };
  const route = deliveryRoute({ fn: { name: 'fast-classifier', consumes: ['raw-messages'] }, running: async () => running, publisher, log: silentLogger() });
  server = createFunctionServer({ name: 'fast-classifier', log: silentLogger(), routes: () => [route] });
  return { url: `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`, publisher };
}

const openFaas = (body: string) => ({ method: 'POST', headers: { 'x-topic': 'raw-messages', 'x-kafka-partition': '0', 'x-kafka-offset': '1', 'content-type': 'text/plain' }, body });

describe('deliveryRoute statuses', () => {
  it('200 done for a handled event', async () => {
    const { url } = await serve(async () => []);
    const res = await fetch(url, openFaas(JSON.stringify(chatMessage())));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'done', published: 0 });
  });

  it('200 dead-lettered for a poison event, so the ordered partition moves on', async () => {
    const { url, publisher } = await serve(async () => []);
    const res = await fetch(url, openFaas('not json'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'dead-lettered', code: 'invalid-json' });
    expect(publisher.on('raw-messages.dlq')).toHaveLength(1);
  });

  it('503 with Retry-After for a retriable failure', async () => {
    const { url } = await serve(async () => {
      throw new DependencyError('store down');
    });
    const res = await fetch(url, openFaas(JSON.stringify(chatMessage())));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ error: 'dependency-unavailable', message: 'store down' });
  });

  it('503 when even the dead-letter topic is unavailable', async () => {
    const { url } = await serve(async () => [], new CapturingPublisher().failEveryCall());
    expect((await fetch(url, openFaas('not json'))).status).toBe(503);
  });

  it('400 for a request that is not a delivery (no topic, so no dead-letter topic either)', async () => {
    const { url } = await serve(async () => []);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported-delivery');
  });
});
