// LivePolicies: what the decision manager and fast classifier apply, following the store's heads.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, LivePolicies, PolicyFileSchema, policyHash } from '@sinbin/contract';
import { silentLogger } from '@sinbin/runtime';
import { MemoryVersionedDocuments } from '@sinbin/stores';

const seed = { document: PolicyFileSchema.parse({ default: DEFAULT_POLICY }), source: 'file' as const };
const strict = PolicyFileSchema.parse({ default: { rules: [{ name: 'ban', when: {}, action: { type: 'ban' } }] } });
const now = () => new Date('2026-05-01T10:00:00Z');

describe('LivePolicies', () => {
  it('seeds version 1 and applies it', async () => {
    const store = new MemoryVersionedDocuments();
    const live = await LivePolicies.start({ store, seed, log: silentLogger(), refreshMs: 0, now });
    expect(live.current().active.version).toBe(1);
    expect(live.current().active.forGame('any').rules).toEqual(DEFAULT_POLICY.rules);
    expect(live.current().shadow).toBeUndefined();
  });

  it('follows activations and the shadow on refresh, and tells onChange', async () => {
    const store = new MemoryVersionedDocuments();
    const seen: string[] = [];
    const live = await LivePolicies.start({ store, seed, log: silentLogger(), refreshMs: 0, now, onChange: (s) => seen.push(`${s.active.version}/${s.shadow?.version ?? '-'}`) });
    const v2 = await store.create('policy', strict, { by: 'lena', source: 'api', contentHash: policyHash(strict), now: now() });
    await store.point('policy', 'shadow', v2.version, { by: 'lena', now: now() });
    await live.refresh();
    expect(live.current().shadow?.forGame('x').rules[0]!.name).toBe('ban');
    await store.point('policy', 'active', v2.version, { by: 'lena', now: now() });
    await live.refresh();
    expect(live.current().active.version).toBe(2);
    // A shadow on the active version is no candidate.
    expect(live.current().shadow).toBeUndefined();
    expect(seen).toEqual(['1/-', '1/2', '2/-']);
  });

  it('keeps the running version when the head names one that is missing or invalid', async () => {
    const store = new MemoryVersionedDocuments();
    const live = await LivePolicies.start({ store, seed, log: silentLogger(), refreshMs: 0, now });
    const bad = await store.create('policy', { default: { rules: [] } }, { by: 'someone', source: 'api', contentHash: 'bad', now: now() });
    await store.point('policy', 'active', bad.version, { by: 'someone', now: now() });
    await live.refresh();
    expect(live.current().active.version).toBe(1);
  });

  it('a second replica starting with the same file seeds nothing and applies what is active', async () => {
    const store = new MemoryVersionedDocuments();
    await LivePolicies.start({ store, seed, log: silentLogger(), refreshMs: 0, now });
    const v2 = await store.create('policy', strict, { by: 'lena', source: 'api', contentHash: policyHash(strict), now: now() });
    await store.point('policy', 'active', v2.version, { by: 'lena', now: now() });
    const replica = await LivePolicies.start({ store, seed, log: silentLogger(), refreshMs: 0, now });
    expect(replica.current().active.version).toBe(2);
    expect((await store.list('policy', { limit: 10 })).length).toBe(2);
  });
});
