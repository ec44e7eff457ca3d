// Runs the moderation function behind a real HTTP server on a store set of the caller's choice,
// with a clock the test moves and a publisher that records what would reach moderation-results.
import type { Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModerationCase, ModerationResult, ModeratorRole, RunningFunction, StoreSet, WireRecord } from '@sinbin/contract';
import { closeServer, createFunctionServer, listen, silentLogger, startFunction } from '@sinbin/runtime';
import moderation from '../../../../functions/moderation/src/function';
import { hashPassword } from '../../../../functions/moderation/src/auth';

export const STATIC_TOKEN = 'static-token-0123456789';

export const tmpObjects = () => mkdtempSync(join(tmpdir(), 'sinbin-mod-test-'));

export interface Harness {
  url: string;
  stores: StoreSet;
  running: RunningFunction;
  /** Results published to moderation-results, in order. */
  published: ModerationResult[];
  clock: { now: () => Date; advance: (ms: number) => void };
  /** Runs the periodic sweep once (expiry, lapsed leases, outbox). */
  sweep: () => Promise<void>;
  deliver: (c: ModerationCase) => Promise<void>;
  /** Cuts every open connection (event streams included), as a network failure would. */
  dropConnections: () => void;
  close: () => Promise<void>;
}

export interface HarnessOptions {
  /** Real time (browser tests) instead of a clock that moves only when told to. */
  realClock?: boolean;
  /** Run the sweep on a timer, as a runtime would. */
  sweepEveryMs?: number;
  host?: string;
  port?: number;
}

export async function startHarness(stores: StoreSet, env: Record<string, string> = {}, opts: HarnessOptions = {}): Promise<Harness> {
  let offset = 0;
  let t = Date.now();
  const clock = opts.realClock
    ? { now: () => new Date(Date.now() + offset), advance: (ms: number) => void (offset += ms) }
    : { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
  const published: ModerationResult[] = [];
  const publisher = {
    async publish(records: readonly WireRecord[]) {
      for (const r of records) if (r.topic === 'moderation-results') published.push(JSON.parse(r.value) as ModerationResult);
    },
  };
  const running = await startFunction(moderation, {
    env: { MODERATOR_TOKENS: `api-bot:${STATIC_TOKEN}`, MODERATION_UNDO_MS: '30000', MODERATION_LEASE_MS: '120000', MODERATION_HEARTBEAT_MS: '1000', ...env },
    publisher,
    stores,
    now: clock.now,
  });
  const server: Server = createFunctionServer({ name: 'moderation', log: silentLogger(), routes: () => running.routes ?? [] });
  const port = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  const timer = opts.sweepEveryMs ? setInterval(() => void running.tick!.run().catch(() => undefined), opts.sweepEveryMs) : undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    stores,
    running,
    published,
    clock,
    sweep: () => running.tick!.run(),
    deliver: async (c) => {
      await running.handle({ topic: 'moderation-required', key: c.message.channelId, partition: 0, offset: '0', id: c.caseId, event: c });
    },
    dropConnections: () => server.closeAllConnections(),
    close: async () => {
      clearInterval(timer);
      await running.stop();
      await closeServer(server);
    },
  };
}

export async function createAccount(stores: StoreSet, username: string, password: string, role: ModeratorRole): Promise<void> {
  await stores.moderators.create({ username, role, passwordHash: await hashPassword(password) }, new Date());
}

let seq = 0;

export function makeCase(
  over: { gameId: string; playerId?: string; channelId?: string; text?: string; toxicity?: number; threat?: number; openedAt?: Date; dueInMs?: number; caseId?: string; messageId?: string },
): ModerationCase {
  seq++;
  const opened = over.openedAt ?? new Date();
  const messageId = over.messageId ?? `m-${seq}-${Math.random().toString(36).slice(2, 8)}`;
  const toxicity = over.toxicity ?? 0.5;
  return {
    caseId: over.caseId ?? `case-${seq}-${Math.random().toString(36).slice(2, 10)}`,
    message: {
      messageId,
      gameId: over.gameId,
      channelId: over.channelId ?? 'match-1',
      playerId: over.playerId ?? 'p-1',
      text: over.text ?? 'you are so bad lol',
      sentAt: opened.toISOString(),
      receivedAt: opened.toISOString(),
    },
    context: [{ messageId: 'ctx-0', playerId: 'p-2', text: 'gg' }],
    fast: {
      toxicity,
      categories: { insult: toxicity * 0.8, profanity: 0.1, identity_hate: 0, threat: over.threat ?? 0, sexual: 0 },
      evidence: ['bad'],
      modelVersion: 'fast-test',
    },
    deep: {
      toxicity,
      categories: { insult: toxicity * 0.8, profanity: 0.1, identity_hate: 0, threat: over.threat ?? 0, sexual: 0 },
      confidence: 0.4,
      evidence: ['bad'],
      modelVersion: 'deep-test',
    },
    reason: 'low-confidence',
    provisionalVerdict: 'allow',
    dueAt: new Date(opened.getTime() + (over.dueInMs ?? 3600_000)).toISOString(),
    openedAt: opened.toISOString(),
  };
}

/** A small API client: JSON in and out, the bearer token of one moderator. */
export function client(base: string, token?: string) {
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const json: any = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: res.status, body: json, headers: res.headers };
  }
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body ?? {}, headers),
    call,
  };
}

export async function login(base: string, username: string, password: string): Promise<string> {
  const res = await client(base).post('/v1/auth/login', { username, password });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}
