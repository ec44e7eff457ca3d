// Live updates to every open moderator UI over server-sent events (WHATWG HTML, "Server-sent
// events"). Changes are coalesced for a moment and sent with fresh queue counts, so a burst of new
// cases costs one count query, not one per case. Clients refetch what they show. Each client hears
// only about its own games: other games' changes are not sent and their counts not included.
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { GameScope, Logger, QueueCounts, StreamingResponse } from '@sinbin/contract';
import { inScope, scopeCounts } from './core';

export type QueueChangeType = 'opened' | 'claimed' | 'released' | 'lapsed' | 'decided' | 'reopened' | 'expired' | 'held' | 'published';

export interface QueueChange {
  type: QueueChangeType;
  caseId: string;
  /** The case's game; a change without one reaches only clients that see every game. */
  gameId?: string;
  by?: string;
}

interface Client {
  res: ServerResponse;
  username: string;
  games: GameScope;
  tokenHash?: string;
  expiry?: NodeJS.Timeout;
}

export interface LiveFeedOptions {
  log: Logger;
  counts: () => Promise<QueueCounts>;
  heartbeatMs: number;
  /** How long changes are gathered before one event goes out. */
  coalesceMs?: number;
}

export class LiveFeed {
  private readonly clients = new Set<Client>();
  private pending: QueueChange[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: LiveFeedOptions) {
    // A comment line every so often keeps proxies from closing an idle stream.
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), opts.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Open streams: a connected moderator keeps the function from scaling to zero. */
  get size(): number {
    return this.clients.size;
  }

  /** The SSE response for one moderator; it ends when they leave, log out or their session expires. */
  stream(who: { username: string; games: GameScope; tokenHash?: string; expiresAt?: string }, headers: Record<string, string>): StreamingResponse {
    return {
      stream: (req: IncomingMessage, res: ServerResponse) => {
        if (this.closed) {
          res.writeHead(503, { ...headers, 'content-type': 'application/json', 'retry-after': '1' });
          res.end(JSON.stringify({ error: 'unavailable', message: 'moderation is stopping; reconnect' }));
          return;
        }
        res.writeHead(200, {
          ...headers,
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.flushHeaders();
        const client: Client = { res, username: who.username, games: who.games, ...(who.tokenHash ? { tokenHash: who.tokenHash } : {}) };
        if (who.expiresAt) {
          client.expiry = setTimeout(() => this.drop(client), Math.max(0, Math.min(2 ** 31 - 1, Date.parse(who.expiresAt) - Date.now())));
          client.expiry.unref();
        }
        this.clients.add(client);
        const gone = () => this.drop(client, false);
        req.on('close', gone);
        res.on('close', gone);
        res.write('retry: 3000\n\n');
        void this.opts.counts().then(
          (counts) => this.send(client, 'hello', { username: who.username, counts: scopeCounts(counts, who.games) }),
          () => this.send(client, 'hello', { username: who.username }),
        );
      },
    };
  }

  notify(change: QueueChange): void {
    if (this.closed) return;
    this.pending.push(change);
    this.flushTimer ??= setTimeout(() => void this.flush(), this.opts.coalesceMs ?? 150);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const changes = this.pending;
    this.pending = [];
    if (changes.length === 0 || this.clients.size === 0) return;
    let counts: QueueCounts | undefined;
    try {
      counts = await this.opts.counts();
    } catch (error) {
      this.opts.log.warn({ err: String(error) }, 'queue counts for live update failed');
    }
    for (const client of this.clients) {
      const mine = client.games === '*' ? changes : changes.filter((c) => c.gameId !== undefined && inScope(client.games, c.gameId));
      if (mine.length === 0) continue;
      this.send(client, 'queue', { changes: mine, ...(counts ? { counts: scopeCounts(counts, client.games) } : {}) });
    }
  }

  /** Ends the streams of a session (logout) or of every session of a user (account disabled). */
  endSessions(match: { tokenHash?: string; username?: string }): void {
    for (const c of this.clients) if ((match.tokenHash && c.tokenHash === match.tokenHash) || (match.username && c.username === match.username)) this.drop(c);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.flushTimer);
    for (const c of this.clients) this.drop(c);
  }

  private send(client: Client, event: string, data: unknown): void {
    if (!client.res.writableEnded) client.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(chunk: string): void {
    for (const c of this.clients) if (!c.res.writableEnded) c.res.write(chunk);
  }

  private drop(client: Client, end = true): void {
    if (!this.clients.delete(client)) return;
    clearTimeout(client.expiry);
    if (end && !client.res.writableEnded) client.res.end();
  }
}

/**
 * The latest queue counts, computed once for everyone: kept until `invalidate()` (a change made
 * here) or `maxAgeMs` (changes made by other instances), with concurrent callers sharing one
 * computation. A computation that started before an invalidation is not kept.
 */
export class CountsCache {
  private value: { counts: QueueCounts; at: number; generation: number } | undefined;
  private inflight: { promise: Promise<QueueCounts>; generation: number } | undefined;
  private generation = 0;

  constructor(
    private readonly compute: () => Promise<QueueCounts>,
    private readonly maxAgeMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  invalidate(): void {
    this.generation++;
  }

  get(): Promise<QueueCounts> {
    const generation = this.generation;
    if (this.value && this.value.generation === generation && this.clock() - this.value.at < this.maxAgeMs) return Promise.resolve(this.value.counts);
    if (this.inflight && this.inflight.generation === generation) return this.inflight.promise;
    const started = this.clock();
    const promise = this.compute().then(
      (counts) => {
        if (this.generation === generation) this.value = { counts, at: started, generation };
        if (this.inflight?.promise === promise) this.inflight = undefined;
        return counts;
      },
      (error: unknown) => {
        if (this.inflight?.promise === promise) this.inflight = undefined;
        throw error;
      },
    );
    this.inflight = { promise, generation };
    return promise;
  }
}
