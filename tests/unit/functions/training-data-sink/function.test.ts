import { gunzipSync } from 'node:zlib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processDelivery, silentLogger } from '@sinbin/runtime';
import { DependencyError, encodeRecord, type ObjectStore, outbound } from '@sinbin/contract';
import { memoryStoreSet } from '@sinbin/stores';
import sink from '../../../../functions/training-data-sink/src/function';
import { exampleObjectKey } from '../../../../functions/training-data-sink/src/core';
import { delivery, trainingExample } from '../../../helpers/events';
import { startFunction } from '../../../helpers/functions';
import { fromBusRecord } from '../../../../runtime/src/transport/decoders';

describe('training-data-sink function', () => {
  it('stages each example in its object, and a redelivery overwrites the same object', async () => {
    const { running, stores } = await startFunction(sink);
    const e = trainingExample();
    expect(await running.handle(delivery('model-training-data', e))).toEqual([]);
    expect(await running.handle(delivery('model-training-data', e))).toEqual([]);
    expect(await stores.objects.list('staging/')).toEqual([exampleObjectKey(e)]);
    expect(JSON.parse(Buffer.from((await stores.objects.get(exampleObjectKey(e)))!).toString('utf8'))).toEqual(e);
  });

  it('batches staged examples into one gzipped JSON-lines object per game and day', async () => {
    const stores = memoryStoreSet(mkdtempSync(join(tmpdir(), 'sinbin-sink-')));
    const { running } = await startFunction(sink, { stores });
    const examples = [trainingExample({ exampleId: 'a' }), trainingExample({ exampleId: 'b', source: 'deep' }), trainingExample({ exampleId: 'c', gameId: 'other' })];
    for (const e of examples) await running.handle(delivery('model-training-data', e));
    await running.tick!.run();
    expect(await stores.objects.list('staging/')).toEqual([]);
    const batches = await stores.objects.list('game=');
    expect(batches).toHaveLength(2);
    const rows = (await Promise.all(batches.map(async (k) => gunzipSync((await stores.objects.get(k))!).toString('utf8').trim().split('\n')))).flat();
    expect(rows.map((r) => (JSON.parse(r) as { exampleId: string }).exampleId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('a failed write is retriable: the delivery is retried, never dead-lettered', async () => {
    const failing: ObjectStore = { put: async () => Promise.reject(new Error('disk full')), get: async () => undefined, list: async () => [], remove: async () => undefined };
    const stores = { ...memoryStoreSet('/nonexistent'), objects: failing };
    const { running, publisher } = await startFunction(sink, { stores });
    await expect(running.handle(delivery('model-training-data', trainingExample()))).rejects.toBeInstanceOf(DependencyError);
    const record = { ...encodeRecord(outbound('model-training-data', trainingExample()), 'decision-manager'), partition: 0, offset: 0 };
    const outcome = await processDelivery(fromBusRecord(record), { fn: sink, running, publisher, log: silentLogger() });
    expect(outcome).toMatchObject({ status: 'retry', code: 'dependency-unavailable' });
    expect(outcome.status === 'retry' && outcome.reason).toContain('disk full');
    expect(publisher.records).toHaveLength(0);
  });
});
