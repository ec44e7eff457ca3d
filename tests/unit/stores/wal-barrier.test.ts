// walBarrier's sharing of fences (the query is a stand-in here; the integration suite crashes a real
// PostgreSQL after one): one fence at a time, callers who ask while one runs share the next one,
// never the one already running (it may have begun before their writes finished).
import { describe, expect, it } from 'vitest';
import { walBarrier } from '@sinbin/stores';

/** A query whose fences end when the test says so. */
function fakePool() {
  const fences: { resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    fences,
    query: (text: string) => {
      expect(text).toMatch(/set_config\('synchronous_commit', 'on', true\), pg_logical_emit_message\(true/);
      return new Promise<void>((resolve, reject) => fences.push({ resolve, reject }));
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('walBarrier', () => {
  it.each([
    { callers: 1, fences: 1 },
    { callers: 5, fences: 1 },
    { callers: 200, fences: 1 },
  ])('$callers callers at once share $fences fence', async ({ callers, fences }) => {
    const pool = fakePool();
    const barrier = walBarrier(pool as never);
    const waits = Array.from({ length: callers }, () => barrier());
    await tick();
    expect(pool.fences).toHaveLength(fences);
    pool.fences[0]!.resolve();
    await Promise.all(waits);
  });

  it('a caller who asks while a fence runs waits for the next fence, which starts once the first ends', async () => {
    const pool = fakePool();
    const barrier = walBarrier(pool as never);
    let firstDone = false;
    let laterDone = false;
    void barrier().then(() => (firstDone = true));
    await tick();
    expect(pool.fences).toHaveLength(1);
    const later = [barrier(), barrier(), barrier()];
    void Promise.all(later).then(() => (laterDone = true));
    await tick();
    expect(pool.fences, 'one fence at a time').toHaveLength(1);
    pool.fences[0]!.resolve();
    await tick();
    expect(firstDone).toBe(true);
    expect(laterDone, 'the running fence may predate their writes').toBe(false);
    expect(pool.fences, 'the askers meanwhile share one next fence').toHaveLength(2);
    pool.fences[1]!.resolve();
    await Promise.all(later);
    expect(laterDone).toBe(true);
  });

  it('a failed fence rejects its callers (the delivery is retried) and the next call tries again', async () => {
    const pool = fakePool();
    const barrier = walBarrier(pool as never);
    const first = barrier();
    await tick();
    pool.fences[0]!.reject(new Error('connection terminated'));
    await expect(first).rejects.toThrow('connection terminated');
    const second = barrier();
    await tick();
    expect(pool.fences).toHaveLength(2);
    pool.fences[1]!.resolve();
    await expect(second).resolves.toBeUndefined();
  });
});
