import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FORMER_SIGNATURE_HEADER, type FinalDecision } from '@sinbin/contract';
import { closeServer, listen, silentLogger } from '@sinbin/runtime';
import { MemoryWebhookLog } from '@sinbin/stores';
import { LEGACY_SIGNATURE_HEADER, legacySign, WebhookConfigSchema, WebhookDispatcher } from '../../../../functions/game-message-proxy/src/webhooks';
import { finalDecision } from '../../../helpers/events';
import { pollUntil } from '../../../helpers/poll';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;

async function hook(statuses: number[] = []): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  const port = await listen(server, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}/hook`, received };
}

afterEach(async () => {
  if (server) await closeServer(server);
  server = undefined;
});

// Standard Webhooks secrets: whsec_ + base64 of random bytes.
const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const NEXT_SECRET = `whsec_${Buffer.from('fedcba9876543210fedcba9876543210').toString('base64')}`;
const RAW_SECRET = 'a-webhook-secret-of-32-characters';
const FAST = { batchMs: 5, maxBatch: 200, maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, legacySignature: false };
const decisions = (n: number, gameId = 'alpha'): FinalDecision[] => Array.from({ length: n }, (_, i) => finalDecision({ gameId, messageId: `m${i}` }));
const headersOf = (r: Received) => Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));

function dispatcher(config: ConstructorParameters<typeof WebhookDispatcher>[0], opts: Partial<typeof FAST> = {}, log = new MemoryWebhookLog()) {
  return { d: new WebhookDispatcher(config, silentLogger(), log, { ...FAST, ...opts }), log };
}

describe('webhook config', () => {
  it.each([
    { config: { alpha: { url: 'https://game.example/hook' } }, ok: true },
    { config: { alpha: { url: 'https://game.example/hook', secret: SECRET } }, ok: true },
    { config: { alpha: { url: 'https://game.example/hook', secrets: [NEXT_SECRET, SECRET] } }, ok: true },
    { config: { alpha: { url: 'https://game.example/hook', secrets: [NEXT_SECRET, SECRET, RAW_SECRET] } }, ok: false },
    { config: { alpha: { url: 'https://game.example/hook', secret: SECRET, secrets: [SECRET] } }, ok: false },
    { config: { alpha: { url: 'not a url' } }, ok: false },
    { config: { alpha: { url: 'https://game.example/hook', secret: 'short' } }, ok: false },
    { config: { alpha: { url: 'https://game.example/hook', retries: 3 } }, ok: false },
  ])('$config -> ok: $ok', ({ config, ok }) => {
    expect(WebhookConfigSchema.safeParse(config).success).toBe(ok);
  });
});

describe('WebhookDispatcher (Standard Webhooks)', () => {
  it("batches a game's decisions into one POST that standardwebhooks verifies", async () => {
    const { url, received } = await hook();
    const { d, log } = dispatcher({ alpha: { url, secret: SECRET } });
    const sent = decisions(3);
    for (const x of sent) d.enqueue(x);
    d.enqueue(finalDecision({ gameId: 'no-webhook-game' }));
    await pollUntil(() => received.length >= 1, { what: 'the webhook call' });
    await d.stop();
    expect(received).toHaveLength(1);
    const payload = new Webhook(SECRET).verify(received[0]!.body, headersOf(received[0]!)) as { type: string; data: { decisions: FinalDecision[] }; decisions: FinalDecision[] };
    expect(payload.type).toBe('decisions.final');
    expect(payload.data.decisions).toEqual(sent);
    expect(payload.decisions).toEqual(sent);
    expect(received[0]!.headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(received[0]!.headers[LEGACY_SIGNATURE_HEADER]).toBeUndefined();
    expect(await log.attempts('alpha', 10)).toMatchObject([{ attempt: 1, outcome: 'delivered', httpStatus: 204, messageIds: ['m0', 'm1', 'm2'] }]);
  });

  it('signs with both secrets during a rotation, so a receiver with either one verifies', async () => {
    const { url, received } = await hook();
    const { d } = dispatcher({ alpha: { url, secrets: [NEXT_SECRET, SECRET] } });
    d.enqueue(decisions(1)[0]!);
    await pollUntil(() => received.length >= 1, { what: 'the webhook call' });
    await d.stop();
    expect(String(received[0]!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [SECRET, NEXT_SECRET]) expect(() => new Webhook(secret).verify(received[0]!.body, headersOf(received[0]!))).not.toThrow();
    const other = `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`;
    expect(() => new Webhook(other).verify(received[0]!.body, headersOf(received[0]!))).toThrow();
  });

  it('uses a 0.2 secret (not whsec_) as raw bytes, and sends the 0.2 header and its former name when asked', async () => {
    const { url, received } = await hook();
    const { d } = dispatcher({ alpha: { url, secret: RAW_SECRET } }, { legacySignature: true });
    d.enqueue(decisions(1)[0]!);
    await pollUntil(() => received.length >= 1, { what: 'the webhook call' });
    await d.stop();
    expect(() => new Webhook(RAW_SECRET, { format: 'raw' }).verify(received[0]!.body, headersOf(received[0]!))).not.toThrow();
    expect(received[0]!.headers[LEGACY_SIGNATURE_HEADER]).toBe(legacySign(RAW_SECRET, received[0]!.body));
    expect(received[0]!.headers[FORMER_SIGNATURE_HEADER]).toBe(legacySign(RAW_SECRET, received[0]!.body));
  });

  it('splits at maxBatch and sends no signature without a secret', async () => {
    const { url, received } = await hook();
    const { d } = dispatcher({ alpha: { url } }, { batchMs: 1000, maxBatch: 2 });
    for (const x of decisions(5)) d.enqueue(x);
    await d.stop();
    await pollUntil(() => received.length >= 3, { what: 'three batches' });
    expect(received.map((r) => (JSON.parse(r.body) as { decisions: unknown[] }).decisions.length).sort()).toEqual([1, 2, 2]);
    expect(received.every((r) => r.headers['webhook-signature'] === undefined)).toBe(true);
  });

  it('retries a 5xx with backoff under the same webhook-id, signed afresh, and records each try', async () => {
    const { url, received } = await hook([503]);
    const { d, log } = dispatcher({ alpha: { url, secret: SECRET } });
    d.enqueue(decisions(1)[0]!);
    await pollUntil(() => received.length >= 2, { what: 'the retried call' });
    await d.stop();
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(received[1]!.headers['webhook-id']).toBe(received[0]!.headers['webhook-id']);
    expect(() => new Webhook(SECRET).verify(received[1]!.body, headersOf(received[1]!))).not.toThrow();
    expect((await log.attempts('alpha', 10)).map((a) => [a.attempt, a.outcome, a.httpStatus])).toEqual([
      [2, 'delivered', 204],
      [1, 'failed', 503],
    ]);
    expect(await log.deadLetters('alpha', 10)).toEqual([]);
  });

  it('dead-letters a batch after its last try, keeping the payload', async () => {
    const { url, received } = await hook([503, 503, 503]);
    const { d, log } = dispatcher({ alpha: { url, secret: SECRET } });
    d.enqueue(decisions(1)[0]!);
    await pollUntil(async () => (await log.deadLetters('alpha', 10)).length === 1, { what: 'the dead letter' });
    await d.stop();
    expect(received).toHaveLength(3);
    const [letter] = await log.deadLetters('alpha', 10);
    expect(letter).toMatchObject({ attempts: 3, reason: 'HTTP 503', deliveryId: received[0]!.headers['webhook-id'] });
    expect(letter!.payload).toBe(received[0]!.body);
    expect((await log.attempts('alpha', 10))[0]).toMatchObject({ outcome: 'dead-lettered' });
  });

  it('does not retry a 4xx refusal: it is recorded and dead-lettered at once', async () => {
    const { url, received } = await hook([400]);
    const { d, log } = dispatcher({ alpha: { url } });
    d.enqueue(decisions(1)[0]!);
    await pollUntil(async () => (await log.deadLetters('alpha', 10)).length === 1, { what: 'the dead letter' });
    await d.stop();
    expect(received).toHaveLength(1);
    expect((await log.attempts('alpha', 10)).map((a) => a.outcome)).toEqual(['dead-lettered', 'refused']);
  });

  it('drops decisions enqueued after stop', async () => {
    const { url, received } = await hook();
    const { d } = dispatcher({ alpha: { url } });
    await d.stop();
    d.enqueue(decisions(1)[0]!);
    const { d: other } = dispatcher({ alpha: { url } });
    other.enqueue(finalDecision({ gameId: 'alpha', messageId: 'after' }));
    await pollUntil(() => received.length >= 1, { what: 'the second dispatcher call' });
    await other.stop();
    expect(received.map((r) => (JSON.parse(r.body) as { decisions: FinalDecision[] }).decisions.map((x) => x.messageId))).toEqual([['after']]);
  });
});
