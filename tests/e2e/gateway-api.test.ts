// The gateway's day-one API over real sockets on the embedded runtime: synchronous answers, a
// client that goes away, the Perspective-compatible call through the npm perspective-api-client,
// the OpenAPI documents (validated by a real OpenAPI validator, and matched to the served routes),
// and the boundary limits.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesResponseSchema } from '@sinbin/contract';
import { silentLogger } from '@sinbin/runtime';
import { type EmbeddedRuntime, startEmbedded } from '@sinbin/runtime/embedded';
import { FUNCTIONS } from '../../functions';
import { LEXICON_ENV } from '../helpers/functions';
import { pollUntil } from '../helpers/poll';

const KEY = 'key-alpha-gw-e2e-0001';
let runtime: EmbeddedRuntime;
let gateway: string;
let moderation: string;
const published: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-gw-e2e-'));
  runtime = await startEmbedded({
    env: { ...LEXICON_ENV, GAME_API_KEYS: `alpha:${KEY}`, MODERATOR_TOKENS: 'alice:tok-alice-gw-e2e-01', GATEWAY_PORT: '0', MODERATION_PORT: '0' },
    functions: FUNCTIONS,
    objectDir: join(dir, 'objects'),
    idleMs: 60_000,
    log: silentLogger(),
  });
  gateway = runtime.urls['game-message-proxy']!;
  moderation = runtime.urls['moderation']!;
  runtime.bus.subscribe('gw-e2e-observer', ['raw-messages'], async (d) => {
    published.push((JSON.parse(String(d.value)) as { messageId: string }).messageId);
    return 'commit';
  });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
});

const send = (body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${gateway}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

describe('synchronous answer over HTTP', () => {
  it('answers 200 with the fast-path decision within the wait', async () => {
    const res = await send({ messageId: 'e2e-sync-1', channelId: 'c', playerId: 'p', text: 'gg wp' }, { prefer: 'wait=5' });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBe('wait=5');
    const body = MessagesResponseSchema.parse(await res.json());
    expect(body.accepted[0]).toMatchObject({ messageId: 'e2e-sync-1', status: 'decided', decision: { verdict: 'allow', decidedBy: 'fast' } });
  });

  it('a client that disconnects while waiting loses nothing and leaves no waiter behind', async () => {
    // Ambiguous under the lexicon: it goes to deep analysis and a moderator, far past the moment we hang up.
    const hangUp = new AbortController();
    const answer = send({ messageId: 'e2e-gone-1', channelId: 'c2', playerId: 'p', text: 'ur trash noob' }, { prefer: 'wait=10' }, hangUp.signal);
    await pollUntil(() => published.includes('e2e-gone-1'), { what: 'the message on raw-messages', timeoutMs: 30_000 });
    hangUp.abort();
    await expect(answer).rejects.toThrow();
    await pollUntil(async () => /sinbin_gateway_waiting_messages 0\b/.test(await (await fetch(`${gateway}/metrics`)).text()), { what: 'no waiter left', timeoutMs: 30_000 });
    // The same request again is a repeat: answered, not published twice.
    const again = await send({ messageId: 'e2e-gone-1', channelId: 'c2', playerId: 'p', text: 'ur trash noob' });
    expect(again.status).toBe(202);
    expect(published.filter((id) => id === 'e2e-gone-1')).toHaveLength(1);
  });
});

describe('Perspective-compatible endpoint with the npm perspective-api-client', () => {
  // The client posts to Google's fixed URL through its own axios; a studio points it elsewhere
  // the same way (docs/migrating-from-perspective.md): rewrite the base URL in an interceptor.
  const requireFromClient = createRequire(createRequire(import.meta.url).resolve('perspective-api-client'));
  const axios = requireFromClient('axios') as { interceptors: { request: { use: (f: (c: { url: string }) => { url: string }) => number; eject: (id: number) => void } } };
  const Perspective = requireFromClient('perspective-api-client') as new (o: { apiKey: string }) => { analyze: (text: unknown, options?: unknown) => Promise<Record<string, unknown>> };
  let interceptor: number;
  beforeAll(() => {
    interceptor = axios.interceptors.request.use((config) => ({ ...config, url: config.url.replace('https://commentanalyzer.googleapis.com', gateway) }));
  });
  afterAll(() => axios.interceptors.request.eject(interceptor));

  it('scores text as the client asks (TOXICITY by default, doNotStore true)', async () => {
    const result = (await new Perspective({ apiKey: KEY }).analyze('you are an idiot')) as { attributeScores: { TOXICITY: { summaryScore: { value: number; type: string } } }; languages: string[] };
    expect(result.attributeScores.TOXICITY.summaryScore.type).toBe('PROBABILITY');
    expect(result.attributeScores.TOXICITY.summaryScore.value).toBeGreaterThan(0.5);
    expect(result.languages).toEqual(['en']);
  });

  it('passes a full request object and several attributes', async () => {
    const result = (await new Perspective({ apiKey: KEY }).analyze({ comment: { text: 'gg wp. you idiot' }, spanAnnotations: true, clientToken: 't-1' }, { attributes: ['toxicity', 'insult', 'threat'] })) as {
      attributeScores: Record<string, { spanScores: unknown[] }>;
      clientToken: string;
    };
    expect(Object.keys(result.attributeScores).sort()).toEqual(['INSULT', 'THREAT', 'TOXICITY']);
    expect(result.attributeScores.INSULT!.spanScores).toHaveLength(2);
    expect(result.clientToken).toBe('t-1');
  });

  it("surfaces Google's error message for a wrong key and an unsupported language", async () => {
    await expect(new Perspective({ apiKey: 'wrong-key' }).analyze('hi')).rejects.toThrow('API key not valid');
    await expect(new Perspective({ apiKey: KEY }).analyze({ comment: { text: 'hola' }, languages: ['es'] })).rejects.toThrow('does not support request languages');
  });

  it('publishes nothing: a scoring call never becomes a message', async () => {
    const before = published.length;
    await new Perspective({ apiKey: KEY }).analyze('a scoring call');
    await new Promise((r) => setTimeout(r, 50));
    expect(published.length).toBe(before);
  });
});

describe('OpenAPI documents', () => {
  for (const fn of ['game-message-proxy', 'moderation'] as const) {
    it(`${fn}: /openapi.json is valid OpenAPI 3.1 and lists exactly the routes it serves`, async () => {
      const base = fn === 'game-message-proxy' ? gateway : moderation;
      const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
      expect(doc.openapi).toBe('3.1.0');
      await expect(validate(structuredClone(doc) as never)).resolves.toMatchObject({ valid: true });
      const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
      const routes = await runtime.hosts.get(fn)!.use(async (r) => r.routes ?? []);
      const served = routes
        .filter((r) => (r.method as string) !== 'OPTIONS' && !['/', '/index.html', '/assets/:file', '/config.json'].includes(r.path))
        .map((r) => `${r.method} ${r.path.replace(/\/:([A-Za-z]+)/g, '/{$1}')}`)
        .sort();
      expect(documented).toEqual(served);
    });
  }
});

describe('boundary limits', () => {
  it('refuses a body over the gateway limit with 413 and publishes nothing', async () => {
    const before = published.length;
    const res = await send({ channelId: 'c', playerId: 'p', text: 'x'.repeat(2 * 1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe('body-too-large');
    expect(published.length).toBe(before);
  });

  it('refuses more than 64 header fields with 431', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 70; i++) headers[`x-extra-${i}`] = 'v';
    const res = await send({ channelId: 'c', playerId: 'p', text: 'hi' }, headers);
    expect(res.status).toBe(431);
    expect(((await res.json()) as { error: string }).error).toBe('too-many-headers');
  });

  it('refuses a batch over 500 and a text over 2,000 characters', async () => {
    const many = Array.from({ length: 501 }, (_, i) => ({ channelId: 'c', playerId: 'p', text: `m${i}` }));
    expect(((await (await send({ messages: many })).json()) as { error: string }).error).toBe('batch-too-large');
    expect(((await (await send({ channelId: 'c', playerId: 'p', text: 'x'.repeat(2001) })).json()) as { error: string }).error).toBe('text-too-long');
  });

  it('a client that sends its headers too slowly is cut off (slow-loris), the server keeps serving', async () => {
    const port = Number(new URL(gateway).port);
    const closed = await new Promise<number>((resolve) => {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1', () => socket.write('POST /v1/messages HTTP/1.1\r\nHost: x\r\n'));
      socket.on('data', () => undefined);
      socket.on('close', () => resolve(Date.now() - started));
    });
    expect(closed).toBeLessThan(15_000);
    expect((await fetch(`${gateway}/healthz`)).status).toBe(200);
  }, 20_000);
});

describe('typed client (clients/typescript)', () => {
  it('sends, waits and reads the decision with the generated types', async () => {
    const { createSinbinClient, SinbinError } = await import('@sinbin/client');
    const sinbin = createSinbinClient({ baseUrl: gateway, apiKey: KEY });
    const [answer] = await sinbin.sendAndWait({ messageId: 'e2e-client-1', channelId: 'c', playerId: 'p', text: 'nice ult' }, 5);
    expect(answer).toMatchObject({ messageId: 'e2e-client-1', status: 'decided', decision: { verdict: 'allow' } });
    const { data } = await sinbin.GET('/v1/decisions/{messageId}', { params: { path: { messageId: 'e2e-client-1' } } });
    expect(data?.verdict).toBe('allow');
    await expect(sinbin.sendAndWait({ messageId: 'e2e-client-1', channelId: 'c', playerId: 'p', text: 'other text' }, 1)).rejects.toThrow(SinbinError);
  });
});
