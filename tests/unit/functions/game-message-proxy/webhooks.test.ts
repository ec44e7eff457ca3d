import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { FinalDecision } from '@sinbin/contract';
import { closeServer, listen, silentLogger } from '@sinbin/runtime';
import { sign, SIGNATURE_HEADER, WebhookConfigSchema, WebhookDispatcher } from '../../../../functions/game-message-proxy/src/webhooks';
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

const SECRET = 'a-webhook-secret-of-32-characters';
const decisions = (n: number, gameId = 'alpha'): FinalDecision[] => Array.from({ length: n }, (_, i) => finalDecision({ gameId, messageId: `m${i}` }));

describe('webhook signature', () => {
  it('is the hex HMAC-SHA256 of the exact body, prefixed sha256=', () => {
    expect(sign(SECRET, '{"decisions":[]}')).toBe(`sha256=${createHmac('sha256', SECRET).update('{"decisions":[]}').digest('hex')}`);
    expect(sign(SECRET, 'a')).not.toBe(sign(SECRET, 'b'));
  });
});

describe('webhook config', () => {
  it.each([
    { config: { alpha: { url: 'https://game.example/hook' } }, ok: true },
    { config: { alpha: { url: 'https://game.example/hook', secret: SECRET } }, ok: true },
    { config: { alpha: { url: 'not a url' } }, ok: false },
    { config: { alpha: { url: 'https://game.example/hook', secret: 'short' } }, ok: false },
    { config: { alpha: { url: 'https://game.example/hook', retries: 3 } }, ok: false },
  ])('$config -> ok: $ok', ({ config, ok }) => {
    expect(WebhookConfigSchema.safeParse(config).success).toBe(ok);
  });
});

describe('WebhookDispatcher', () => {
  it("batches a game's decisions into one signed POST", async () => {
    const { url, received } = await hook();
    const dispatcher = new WebhookDispatcher({ alpha: { url, secret: SECRET } }, silentLogger(), { batchMs: 20, maxBatch: 200, maxAttempts: 3 });
    const sent = decisions(3);
    for (const d of sent) dispatcher.enqueue(d);
    dispatcher.enqueue(finalDecision({ gameId: 'no-webhook-game' }));
    await pollUntil(() => received.length >= 1, { what: 'the webhook call' });
    await dispatcher.stop();
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ decisions: sent });
    expect(received[0]!.headers[SIGNATURE_HEADER]).toBe(sign(SECRET, received[0]!.body));
    expect(received[0]!.headers['content-type']).toBe('application/json');
  });

  it('splits at maxBatch and sends no signature without a secret', async () => {
    const { url, received } = await hook();
    const dispatcher = new WebhookDispatcher({ alpha: { url } }, silentLogger(), { batchMs: 1000, maxBatch: 2, maxAttempts: 3 });
    for (const d of decisions(5)) dispatcher.enqueue(d);
    await dispatcher.stop();
    await pollUntil(() => received.length >= 3, { what: 'three batches' });
    expect(received.map((r) => (JSON.parse(r.body) as { decisions: unknown[] }).decisions.length).sort()).toEqual([1, 2, 2]);
    expect(received.every((r) => r.headers[SIGNATURE_HEADER] === undefined)).toBe(true);
  });

  it('retries a 5xx answer and stops after success', async () => {
    const { url, received } = await hook([503]);
    const dispatcher = new WebhookDispatcher({ alpha: { url } }, silentLogger(), { batchMs: 5, maxBatch: 200, maxAttempts: 3 });
    dispatcher.enqueue(decisions(1)[0]!);
    await pollUntil(() => received.length >= 2, { what: 'the retried call' });
    await dispatcher.stop();
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toBe(received[0]!.body);
  });

  it('does not retry a 4xx refusal', async () => {
    const { url, received } = await hook([400]);
    const dispatcher = new WebhookDispatcher({ alpha: { url } }, silentLogger(), { batchMs: 5, maxBatch: 200, maxAttempts: 3 });
    dispatcher.enqueue(decisions(1)[0]!);
    await pollUntil(() => received.length >= 1, { what: 'the webhook call' });
    await dispatcher.stop();
    expect(received).toHaveLength(1);
  });

  it('drops decisions enqueued after stop', async () => {
    const { url, received } = await hook();
    const dispatcher = new WebhookDispatcher({ alpha: { url } }, silentLogger(), { batchMs: 5, maxBatch: 200, maxAttempts: 3 });
    await dispatcher.stop();
    dispatcher.enqueue(decisions(1)[0]!);
    // A second dispatcher proves the endpoint works, so the first one's silence means something.
    const other = new WebhookDispatcher({ alpha: { url } }, silentLogger(), { batchMs: 5, maxBatch: 200, maxAttempts: 3 });
    other.enqueue(finalDecision({ gameId: 'alpha', messageId: 'after' }));
    await pollUntil(() => received.length >= 1, { what: 'the second dispatcher call' });
    await other.stop();
    expect(received.map((r) => (JSON.parse(r.body) as { decisions: FinalDecision[] }).decisions.map((d) => d.messageId))).toEqual([['after']]);
  });
});
