// One behaviour for every adapter of the gateway's stores (idempotent sends, API keys, webhook
// log): in memory (make run, tests) and SQL (PGlite here, PostgreSQL in the integration suite).
import { describe, expect, it } from 'vitest';
import type { ApiKeyStore, SendLedger, SentMessage, WebhookLog } from '@sinbin/contract';

export interface GatewayStoresUnderTest {
  sends: SendLedger;
  apiKeys: ApiKeyStore;
  webhooks: WebhookLog;
}

let unique = 0;
const game = () => `g-${process.pid}-${Date.now()}-${++unique}`;
const T = new Date('2026-12-01T10:00:00.000Z');
const send = (gameId: string, messageId: string, fingerprint = 'f1'): SentMessage => ({ gameId, messageId, fingerprint });

export function gatewayStoreContract(name: string, open: () => Promise<GatewayStoresUnderTest>): void {
  describe(`gateway store contract: ${name}`, () => {
    it('sends: first claim is new, a repeat says whether it was published, other content conflicts', async () => {
      const { sends } = await open();
      const g = game();
      expect(await sends.claim([send(g, 'a'), send(g, 'b')], T)).toEqual([{ outcome: 'new' }, { outcome: 'new' }]);
      expect(await sends.claim([send(g, 'a')], T)).toEqual([{ outcome: 'repeat', published: false }]);
      await sends.markPublished([send(g, 'a')]);
      expect(await sends.claim([send(g, 'a'), send(g, 'b', 'f2'), send(g, 'c')], T)).toEqual([
        { outcome: 'repeat', published: true },
        { outcome: 'conflict' },
        { outcome: 'new' },
      ]);
      // Ids are per game.
      expect(await sends.claim([send(`${g}-other`, 'a', 'f9')], T)).toEqual([{ outcome: 'new' }]);
    });

    it('sends: concurrent claims of one id give exactly one new', async () => {
      const { sends } = await open();
      const g = game();
      const results = await Promise.all(Array.from({ length: 6 }, () => sends.claim([send(g, 'race')], T)));
      expect(results.flat().filter((c) => c.outcome === 'new')).toHaveLength(1);
      expect(results.flat().filter((c) => c.outcome === 'repeat')).toHaveLength(5);
    });

    it('sends: release frees an unpublished claim (a failed publish) and leaves a published one', async () => {
      const { sends } = await open();
      const g = game();
      await sends.claim([send(g, 'x'), send(g, 'y')], T);
      await sends.markPublished([send(g, 'y')]);
      await sends.release([send(g, 'x'), send(g, 'y')]);
      expect(await sends.claim([send(g, 'x', 'other-content'), send(g, 'y')], T)).toEqual([{ outcome: 'new' }, { outcome: 'repeat', published: true }]);
    });

    it('sends: purge forgets ids first seen before the window', async () => {
      const { sends } = await open();
      const g = game();
      await sends.claim([send(g, 'old')], new Date(T.getTime() - 86_400_000 * 400));
      await sends.claim([send(g, 'new')], T);
      expect(await sends.purge(new Date(T.getTime() - 86_400_000 * 300))).toBeGreaterThanOrEqual(1);
      expect(await sends.claim([send(g, 'old', 'f2'), send(g, 'new', 'f2')], T)).toEqual([{ outcome: 'new' }, { outcome: 'conflict' }]);
    });

    it('api keys: at most maxActive live keys per game, revoked ones free a place, listed oldest first', async () => {
      const { apiKeys } = await open();
      const g = game();
      const key = (keyId: string, at: number) => ({ keyId: `${keyId}-${g}`, gameId: g, secretHash: 'ab'.repeat(32), createdAt: new Date(T.getTime() + at).toISOString() });
      expect(await apiKeys.create({ ...key('k1', 0), label: 'first' }, 2)).toBe('created');
      expect(await apiKeys.create(key('k2', 1000), 2)).toBe('created');
      expect(await apiKeys.create(key('k3', 2000), 2)).toBe('limit');
      expect(await apiKeys.revoke(`k1-${g}`, T)).toBe(true);
      expect(await apiKeys.revoke(`k1-${g}`, T)).toBe(false);
      expect(await apiKeys.create(key('k3', 2000), 2)).toBe('created');
      expect((await apiKeys.list({ gameId: g, includeRevoked: false })).map((k) => k.keyId)).toEqual([`k2-${g}`, `k3-${g}`]);
      const all = await apiKeys.list({ gameId: g, includeRevoked: true });
      expect(all.map((k) => k.keyId)).toEqual([`k1-${g}`, `k2-${g}`, `k3-${g}`]);
      expect(all[0]).toEqual({ ...key('k1', 0), label: 'first', revokedAt: T.toISOString() });
      expect(await apiKeys.find(`k2-${g}`)).toEqual(key('k2', 1000));
      expect(await apiKeys.find('no-such-key')).toBeUndefined();
    });

    it('api keys: concurrent creations never pass the limit', async () => {
      const { apiKeys } = await open();
      const g = game();
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, (_, i) => apiKeys.create({ keyId: `c${i}-${g}`, gameId: g, secretHash: 'cd'.repeat(32), createdAt: T.toISOString() }, 2)),
      );
      expect(outcomes.filter((o) => o === 'created').length).toBeLessThanOrEqual(2);
      expect((await apiKeys.list({ gameId: g, includeRevoked: false })).length).toBe(outcomes.filter((o) => o === 'created').length);
    });

    it('webhook log: attempts and dead letters per game, newest first', async () => {
      const { webhooks } = await open();
      const g = game();
      const attempt = (n: number, outcome: 'failed' | 'delivered') => ({ gameId: g, deliveryId: 'msg_1', attempt: n, at: new Date(T.getTime() + n).toISOString(), outcome, messageIds: ['m1', 'm2'] });
      await webhooks.record({ ...attempt(1, 'failed'), httpStatus: 503 });
      await webhooks.record({ ...attempt(2, 'failed'), error: 'connect ECONNREFUSED' });
      await webhooks.record({ ...attempt(3, 'delivered'), httpStatus: 204 });
      expect(await webhooks.attempts(g, 2)).toEqual([{ ...attempt(3, 'delivered'), httpStatus: 204 }, { ...attempt(2, 'failed'), error: 'connect ECONNREFUSED' }]);
      expect(await webhooks.attempts(`${g}-other`, 10)).toEqual([]);
      const letter = { gameId: g, deliveryId: 'msg_2', at: T.toISOString(), attempts: 6, reason: 'HTTP 503', payload: '{"decisions":[]}' };
      await webhooks.deadLetter(letter);
      expect(await webhooks.deadLetters(g, 10)).toEqual([letter]);
    });
  });
}
