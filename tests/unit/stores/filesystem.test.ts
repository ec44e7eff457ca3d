import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemObjectStore } from '@sinbin/stores';

const store = () => new FilesystemObjectStore(mkdtempSync(join(tmpdir(), 'sinbin-objects-test-')));

describe('FilesystemObjectStore', () => {
  it('puts, gets and overwrites objects by key', async () => {
    const s = store();
    await s.put('training-data/game=a/x.json', '{"a":1}\n', 'application/json');
    await s.put('training-data/game=a/x.json', '{"a":2}\n', 'application/json');
    await s.put('bin/y', Uint8Array.from([0, 255]), 'application/octet-stream');
    expect(Buffer.from((await s.get('training-data/game=a/x.json'))!).toString()).toBe('{"a":2}\n');
    expect([...(await s.get('bin/y'))!]).toEqual([0, 255]);
    expect(await s.get('missing')).toBeUndefined();
  });

  it('lists keys under a prefix, sorted, with / separators', async () => {
    const s = store();
    for (const key of ['training-data/b/2.json', 'training-data/a/1.json', 'other/3.json']) await s.put(key, 'x', 'text/plain');
    expect(await s.list('training-data/')).toEqual(['training-data/a/1.json', 'training-data/b/2.json']);
    expect(await s.list('')).toHaveLength(3);
    expect(await s.list('nothing/')).toEqual([]);
  });

  it('lists nothing from a root that does not exist yet', async () => {
    expect(await new FilesystemObjectStore(join(tmpdir(), `sinbin-never-created-${process.pid}-${Date.now()}`)).list('')).toEqual([]);
  });

  it('refuses keys that escape the store', async () => {
    const s = store();
    await expect(s.put('../escape.txt', 'x', 'text/plain')).rejects.toThrow('escapes the store');
    await expect(s.get('/etc/passwd')).rejects.toThrow('escapes the store');
  });
});
