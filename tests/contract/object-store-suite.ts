// One behaviour for every adapter of the ObjectStore port: a directory laid out like a bucket (the
// embedded default) and a MinIO bucket through the `minio` client (the real stack).
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '@sinbin/contract';

let unique = 0;
const prefix = () => `contract-${process.pid}-${Date.now()}-${++unique}/`;
const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export function objectStoreContract(name: string, open: () => Promise<ObjectStore>): void {
  describe(`object store contract: ${name}`, () => {
    it('puts and gets text and bytes; a missing key is undefined', async () => {
      const store = await open();
      const p = prefix();
      await store.put(`${p}a.json`, '{"a":1}\n', 'application/json');
      const bytes = new Uint8Array([0, 1, 2, 250, 255]);
      await store.put(`${p}bin/b.gz`, bytes, 'application/gzip');
      expect(text(await store.get(`${p}a.json`))).toBe('{"a":1}\n');
      expect([...(await store.get(`${p}bin/b.gz`))!]).toEqual([...bytes]);
      expect(await store.get(`${p}missing`)).toBeUndefined();
    });

    it('overwrites a key in place', async () => {
      const store = await open();
      const key = `${prefix()}x`;
      await store.put(key, 'one', 'text/plain');
      await store.put(key, 'two', 'text/plain');
      expect(text(await store.get(key))).toBe('two');
      expect(await store.list(key)).toEqual([key]);
    });

    it('lists keys under a prefix, recursively and sorted, and nothing else', async () => {
      const store = await open();
      const p = prefix();
      for (const k of ['b/2', 'a', 'b/1', 'c/d/e']) await store.put(`${p}${k}`, k, 'text/plain');
      await store.put(`${p.slice(0, -1)}-sibling/z`, 'z', 'text/plain');
      expect(await store.list(p)).toEqual(['a', 'b/1', 'b/2', 'c/d/e'].map((k) => `${p}${k}`));
      expect(await store.list(`${p}b/`)).toEqual([`${p}b/1`, `${p}b/2`]);
      expect(await store.list(`${p}nothing/`)).toEqual([]);
    });

    it('removes a key; removing a missing key is not an error', async () => {
      const store = await open();
      const p = prefix();
      await store.put(`${p}gone`, 'x', 'text/plain');
      await store.put(`${p}kept`, 'y', 'text/plain');
      await store.remove(`${p}gone`);
      await store.remove(`${p}never-there`);
      expect(await store.get(`${p}gone`)).toBeUndefined();
      expect(await store.list(p)).toEqual([`${p}kept`]);
    });

    it('keeps concurrent writes of different keys apart', async () => {
      const store = await open();
      const p = prefix();
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(`${p}k${String(i).padStart(2, '0')}`, `v${i}`, 'text/plain')));
      const keys = await store.list(p);
      expect(keys).toHaveLength(20);
      expect(await Promise.all(keys.map(async (k) => text(await store.get(k))))).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
    });
  });
}
