// Following the champion without a restart, on the embedded default's adapters (a bucket
// directory, a registry file) and the real fast model: swap, attribution, refusal of corrupt or
// incompatible artefacts at registration and at load, and serving on while the registry is down.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@sinbin/runtime';
import { localLifecycleStores } from '@sinbin/stores';
import type { ModelRegistry } from '@sinbin/contract';
import { ArtefactError, ChampionScorer, type ChampionOptions, checkArtefact, initModels, loaderOf, promote, registerVersion, rollbackChampion, versionLoader } from '@sinbin/scoring';
import { loadOnnxFastScorer } from '@sinbin/scoring/fast';
import { modelCopy } from '../../helpers/lifecycle';

const log = createLogger('test', 'silent');

/** A champion-following fast scorer over `stores`, starting from a copy of the shipped model. */
async function championOver(stores: ReturnType<typeof localLifecycleStores>, options: Partial<ChampionOptions> = {}) {
  return new ChampionScorer({
    model: 'sinbin-fast',
    kind: 'fast',
    registry: stores.registry,
    artefacts: stores.artefacts,
    cacheDir: mkdtempSync(join(tmpdir(), 'sinbin-cache-')),
    load: versionLoader('fast', loadOnnxFastScorer, false),
    log,
    ...options,
    initial: options.initial ?? (await loadOnnxFastScorer(modelCopy('fast', 'none', 'fast-initial'))),
  });
}

async function setUp() {
  const stores = localLifecycleStores(mkdtempSync(join(tmpdir(), 'sinbin-champion-')));
  await initModels(stores, ['sinbin-fast']);
  return { stores, champion: await championOver(stores) };
}

describe('ChampionScorer', () => {
  it('serves the registered champion, follows promote and rollback, and says which version scored', async () => {
    const { stores, champion } = await setUp();
    expect(champion.version).toBe('fast-initial');
    await champion.refresh();
    expect(champion.registryVersion).toBe('1');
    const [first] = await champion.score([{ text: 'gg wp' }]);
    expect(first).toMatchObject({ model: 'sinbin-fast', modelVersion: '1' });
    const v2 = await registerVersion(stores, 'sinbin-fast', modelCopy('fast', 'none', 'fast-two'));
    await promote(stores, 'sinbin-fast', v2.version);
    await champion.refresh();
    expect((await champion.score([{ text: 'gg wp' }]))[0]).toMatchObject({ modelVersion: '2' });
    await rollbackChampion(stores, 'sinbin-fast');
    await champion.refresh();
    expect(champion.registryVersion).toBe('1');
    await champion.close();
  });

  it('a call in flight during a swap finishes on the model it started on, and no call fails', async () => {
    const { stores, champion } = await setUp();
    await champion.refresh();
    const v2 = await registerVersion(stores, 'sinbin-fast', modelCopy('fast', 'none', 'fast-two'));
    await promote(stores, 'sinbin-fast', v2.version);
    const batch = Array.from({ length: 2000 }, (_, i) => ({ text: `message number ${i} ur trash` }));
    const calls = Array.from({ length: 20 }, () => champion.score(batch));
    await champion.refresh();
    const results = await Promise.all(calls);
    const versions = new Set(results.flatMap((r) => r.map((s) => s.modelVersion)));
    expect([...versions].every((v) => v === '1' || v === '2')).toBe(true);
    expect(results.every((r) => r.length === batch.length)).toBe(true);
    expect((await champion.score([{ text: 'x' }]))[0]!.modelVersion).toBe('2');
    await champion.close();
  });

  it('refuses a champion whose artefacts are corrupt, keeps serving the one it has, and does not retry it', async () => {
    const { stores, champion } = await setUp();
    await champion.refresh();
    // Registered past the check (as a broken upload would be), then tampered with in the bucket.
    const v2 = await registerVersion(stores, 'sinbin-fast', modelCopy('fast', 'none', 'fast-two'));
    await stores.artefacts.put(`${v2.source}model.onnx`, 'corrupted bytes', 'application/octet-stream');
    await promote(stores, 'sinbin-fast', v2.version);
    await champion.refresh();
    expect(champion.registryVersion).toBe('1');
    expect((await champion.score([{ text: 'gg' }]))[0]!.modelVersion).toBe('1');
    await champion.close();
  });

  it('serves on from memory while the registry is unreachable', async () => {
    const stores = localLifecycleStores(mkdtempSync(join(tmpdir(), 'sinbin-champion-')));
    await initModels(stores, ['sinbin-fast']);
    let reachable = true;
    const registry = new Proxy(stores.registry, {
      get: (target, key) => (reachable ? Reflect.get(target, key).bind(target) : () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5000'))),
    }) as ModelRegistry;
    const champion = await championOver(stores, { registry, initial: await loadOnnxFastScorer(modelCopy('fast')) });
    await champion.refresh();
    reachable = false;
    await champion.refresh();
    expect((await champion.score([{ text: 'gg' }]))[0]!.modelVersion).toBe('1');
    await champion.close();
  });
});

describe('artefact checks (registration and load)', () => {
  it.each([
    { kind: 'fast' as const, breakage: 'wrong-labels' as const, message: /wrong label set .*spam.*missing \[sexual\]/ },
    { kind: 'fast' as const, breakage: 'wrong-input' as const, message: /lacks input 'tokens'/ },
    { kind: 'fast' as const, breakage: 'garbage-onnx' as const, message: /does not load/ },
    { kind: 'deep' as const, breakage: 'missing-tokenizer' as const, message: /tokenizer\.json/ },
    { kind: 'deep' as const, breakage: 'wrong-labels' as const, message: /wrong label set/ },
  ])('$kind $breakage is refused with a clear error', async ({ kind, breakage, message }) => {
    const dir = modelCopy(kind, breakage);
    const error = await checkArtefact(kind, dir, await loaderOf(kind)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtefactError);
    expect(String((error as Error).message)).toMatch(message);
  });

  it('registration refuses them before anything is stored', async () => {
    const stores = localLifecycleStores(mkdtempSync(join(tmpdir(), 'sinbin-register-')));
    await expect(registerVersion(stores, 'sinbin-fast', modelCopy('fast', 'wrong-labels'))).rejects.toThrow(/wrong label set/);
    expect(await stores.registry.listVersions('sinbin-fast')).toEqual([]);
    expect(await stores.artefacts.list('')).toEqual([]);
  });
});

describe("the shadow's figures in the challenger's run", () => {
  it('a challenger scoring beside the champion writes agreement, flips and latency to its training run', async () => {
    const stores = localLifecycleStores(mkdtempSync(join(tmpdir(), 'sinbin-shadow-run-')));
    await initModels(stores, ['sinbin-fast']);
    const runId = await stores.registry.startRun('sinbin-retrain', 'challenger run');
    await stores.registry.endRun(runId, 'FINISHED');
    const v2 = await registerVersion(stores, 'sinbin-fast', modelCopy('fast', 'none', 'fast-shadow-two'), { runId });
    await stores.registry.setAlias('sinbin-fast', 'challenger', v2.version);
    const champion = await championOver(stores, {
      shadow: true,
      shadowLogMs: 0,
      replica: 'test-replica',
    });
    await champion.refresh();
    const lines = ['gg wp', 'ur trash noob uninstall', 'nice ult', 'kys', 'mid missing'].map((text) => ({ text }));
    for (let i = 0; i < 4; i++) await champion.score(lines);
    await expect.poll(() => champion.shadowTotals.scored).toBe(20);
    await champion.refresh();
    const run = await stores.registry.getRun(runId);
    expect(run?.metrics['shadow.scored']).toBe(20);
    // The same model under another version number: they agree on every message.
    expect(run?.metrics['shadow.agreement']).toBe(1);
    expect(run?.metrics['shadow.flips_to_toxic']).toBe(0);
    expect(run?.metrics['shadow.challenger_latency_p95_ms']).toBeGreaterThan(0);
    expect(await stores.registry.listArtifacts(runId)).toContain('shadow/test-replica.json');
    // A registry that refuses the write loses nothing: the figures go at the next refresh, counted on.
    const logMetrics = stores.registry.logMetrics.bind(stores.registry);
    stores.registry.logMetrics = () => Promise.reject(new Error('registry down'));
    await champion.score(lines);
    await expect.poll(() => champion.shadowTotals.scored).toBe(25);
    await champion.refresh();
    stores.registry.logMetrics = logMetrics;
    await champion.close();
    expect((await stores.registry.getRun(runId))?.metrics['shadow.scored']).toBe(25);
  });
});
