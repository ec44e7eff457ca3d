// The flood and spam limits on the real stack's storage: two gateway replicas, each with its own
// PostgreSQL pool (as two processes have), share the counts, so a player who spreads a spam line
// over both is limited at the same message as on one.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type LimitedMessage, type StoreSet } from '@sinbin/contract';
import { postgresStoreSet } from '@sinbin/stores';
import gameMessageProxy from '../../../functions/game-message-proxy/src/function';
import { startFunction, type StartedFunction } from '../../helpers/functions';
import { callRoute, jsonHeaders } from '../../helpers/http';
import { startPostgres } from '../services';

const KEY = 'key-alpha-limits-it-0001';
let admin: pg.Pool;
let schema: string;
const stores: (StoreSet & { close(): Promise<void> })[] = [];
const replicas: StartedFunction[] = [];

beforeAll(async () => {
  const url = process.env.DATABASE_URL ?? (await startPostgres());
  admin = new pg.Pool({ connectionString: url, max: 1 });
  schema = `limits_it_${Date.now().toString(36)}_${process.pid}`;
  await admin.query(`create schema ${schema}`);
  // Every connection of both replicas' pools works in the fresh schema.
  const dbUrl = new URL(url);
  dbUrl.searchParams.set('options', `-c search_path=${schema}`);
  const dir = mkdtempSync(join(tmpdir(), 'sinbin-limits-it-'));
  const policies = join(dir, 'policies.json');
  writeFileSync(policies, JSON.stringify({ default: { rules: DEFAULT_POLICY.rules, limits: {} } }));
  for (let i = 0; i < 2; i++) {
    const set = await postgresStoreSet(dbUrl.toString(), join(dir, `objects-${i}`));
    stores.push(set);
    replicas.push(await startFunction(gameMessageProxy, { stores: set, now: () => new Date(), env: { GAME_API_KEYS: `alpha:${KEY}`, GAME_POLICIES_FILE: policies, POLICY_REFRESH_MS: '0' } }));
  }
}, 180_000);

afterAll(async () => {
  for (const r of replicas) await r.running.stop?.();
  for (const s of stores) await s.close();
  await admin?.query(`drop schema if exists ${schema} cascade`);
  await admin?.end();
});

const post = (replica: StartedFunction, messageId: string, text: string) =>
  callRoute(replica.running.routes!, { method: 'POST', path: '/v1/messages', headers: jsonHeaders(KEY), body: { messageId, channelId: `c-${messageId}`, playerId: 'spammer', text } });

describe('limits shared by gateway replicas through PostgreSQL', () => {
  it('limits the 4th repeat of a line although no replica saw more than two', async () => {
    const order = [0, 1, 0, 1];
    for (const [i, r] of order.entries()) expect((await post(replicas[r]!, `rep-${i}`, 'cheap gold at goldz now')).status).toBe(202);
    const limited = replicas.flatMap((r) => r.publisher.on('limited-messages')).map((rec) => JSON.parse(String(rec.value)) as LimitedMessage);
    const raw = replicas.flatMap((r) => r.publisher.on('raw-messages')).map((rec) => (JSON.parse(String(rec.value)) as { messageId: string }).messageId);
    expect(limited.map((l) => l.message.messageId)).toEqual(['rep-3']);
    expect(limited[0]!.limit).toMatchObject({ rule: 'repeat', outcome: 'block' });
    expect(raw.sort()).toEqual(['rep-0', 'rep-1', 'rep-2']);
    // Traces keep the shape, never the text.
    const rows = await stores[0]!.limits.observe({ gameId: 'alpha', channelId: 'x', playerId: 'spammer', messageId: 'probe', at: new Date().toISOString(), shape: 'probe', links: 0 }, new Date(Date.now() - 60_000), 10);
    expect(rows.player.map((t) => t.shape)).toContain('cheap gold at goldz now');
  });
});
