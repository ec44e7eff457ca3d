// processBatch: the guarantees of processDelivery for a batch of one partition, with one
// database barrier and one publish for the whole batch.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@sinbin/runtime';
import { type AnyDelivery, type AnyOutbound, DeadLetterSchema, DependencyError, outbound, PoisonEventError, type RawDelivery, type RunningFunction } from '@sinbin/contract';
import { at, chatMessage, classifiedMessage } from '../../helpers/events';
import { CapturingPublisher } from '../../helpers/publisher';
import { type BatchOptions, lanesOf, processBatch } from '../../../runtime/src/consume-batch';

const fn = { name: 'fast-classifier', consumes: ['raw-messages'] as const };

/** A raw-messages delivery at `offset` of partition 0, keyed by channel. */
function raw(offset: number, key: string | null, messageId = `m-${offset}`): RawDelivery {
  return { topic: 'raw-messages', key, partition: 0, offset: String(offset), id: `partition:0/offset:${offset}`, value: JSON.stringify(chatMessage({ messageId })), headers: {} };
}

/** A classifier that echoes each message as classified, failing as `fail` says for some ids. */
function classifier(fail: (messageId: string) => Error | undefined = () => undefined): RunningFunction & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    stop: async () => {},
    async handle(d: AnyDelivery): Promise<AnyOutbound[]> {
      const message = d.event as ReturnType<typeof chatMessage>;
      seen.push(message.messageId);
      const error = fail(message.messageId);
      if (error) throw error;
      return [outbound('classified-messages', classifiedMessage({ message }))];
    },
  };
}

function options(running: RunningFunction, publisher: CapturingPublisher, extra: Partial<BatchOptions> = {}): BatchOptions {
  return { fn, running, publisher, log: silentLogger(), now: () => at(1000), ...extra };
}

const published = (p: CapturingPublisher) => p.events<{ message: { messageId: string } }>('classified-messages').map((e) => e.message.messageId);

describe('lanesOf', () => {
  it.each([
    { name: 'one key', keys: ['a', 'a', 'a'], lanes: [[0, 1, 2]] },
    { name: 'two keys interleaved', keys: ['a', 'b', 'a', 'b'], lanes: [[0, 2], [1, 3]] },
    { name: 'keyless records each alone', keys: [null, 'a', null], lanes: [[1], [0], [2]] },
    { name: 'nothing', keys: [], lanes: [] },
  ])('$name', ({ keys, lanes }) => {
    expect(lanesOf(keys.map((key) => ({ key })))).toEqual(lanes);
  });
});

describe('processBatch', () => {
  it('handles every record, waits for the database once, then publishes once in offset order', async () => {
    const publisher = new CapturingPublisher();
    const events: string[] = [];
    const running = classifier();
    let barriers = 0;
    const raws = [raw(0, 'a'), raw(1, 'b'), raw(2, 'a'), raw(3, null)];
    const outcomes = await processBatch(raws, options(running, publisher, { durable: async () => void (barriers++, events.push(`durable after ${running.seen.length}`)) }));
    expect(outcomes).toEqual(raws.map(() => ({ status: 'done', published: 1 })));
    expect(barriers).toBe(1);
    expect(events).toEqual(['durable after 4']);
    expect(published(publisher)).toEqual(['m-0', 'm-1', 'm-2', 'm-3']);
  });

  it('keeps each key in order: a key whose record must wait stops there, other keys go on', async () => {
    const publisher = new CapturingPublisher();
    const running = classifier((id) => (id === 'm-2' ? new DependencyError('store down') : undefined));
    const raws = [raw(0, 'a'), raw(1, 'b'), raw(2, 'a'), raw(3, 'b'), raw(4, 'a')];
    const outcomes = await processBatch(raws, options(running, publisher));
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'retry', 'done', 'retry']);
    expect(outcomes[4]).toMatchObject({ code: 'earlier-record-waiting' });
    // m-4 comes after the failed m-2 on key a: never handled, so it cannot overtake m-2.
    expect(running.seen).not.toContain('m-4');
    expect(published(publisher)).toEqual(['m-0', 'm-1', 'm-3']);
  });

  it('dead-letters poison and a failure the function calls permanent, in the same publish', async () => {
    const publisher = new CapturingPublisher();
    const running = classifier((id) => (id === 'm-1' ? new PoisonEventError('rejected', 'the function refuses it') : undefined));
    const poison: RawDelivery = { ...raw(2, 'a'), value: '{"not": "a chat message"' };
    const outcomes = await processBatch([raw(0, 'a'), raw(1, 'a'), poison, raw(3, 'a')], options(running, publisher));
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'dead-lettered', 'dead-lettered', 'done']);
    expect(outcomes[2]).toMatchObject({ code: 'invalid-json' });
    expect(publisher.on('raw-messages.dlq').map((r) => DeadLetterSchema.parse(JSON.parse(r.value)).offset)).toEqual(['1', '2']);
    expect(published(publisher)).toEqual(['m-0', 'm-3']);
  });

  it.each([
    { name: 'the database does not confirm its writes', durable: async () => Promise.reject(new Error('fsync failed')), publisher: new CapturingPublisher() },
    { name: 'the broker does not store the outputs', durable: undefined, publisher: new CapturingPublisher().failEveryCall() },
  ])('$name: every record is answered retry, nothing acknowledged', async ({ durable, publisher }) => {
    const outcomes = await processBatch([raw(0, 'a'), raw(1, 'b')], options(classifier(), publisher, durable ? { durable } : {}));
    expect(outcomes).toEqual([0, 1].map(() => expect.objectContaining({ status: 'retry', code: 'dependency-unavailable' })));
    expect(publisher.records).toHaveLength(0);
  });

  it('asks nothing of the database or the broker when every record must wait', async () => {
    const publisher = new CapturingPublisher().failEveryCall();
    let barriers = 0;
    const running = classifier(() => new DependencyError('store down'));
    const outcomes = await processBatch([raw(0, 'a'), raw(1, 'a')], options(running, publisher, { durable: async () => void barriers++ }));
    expect(outcomes.map((o) => o.status)).toEqual(['retry', 'retry']);
    expect(barriers).toBe(0);
  });

  it('handles different keys side by side, at most keyConcurrency at once', async () => {
    let active = 0;
    let most = 0;
    const running: RunningFunction = {
      stop: async () => {},
      async handle() {
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return [];
      },
    };
    const raws = Array.from({ length: 12 }, (_, i) => raw(i, `k${i % 6}`));
    await processBatch(raws, options(running, new CapturingPublisher(), { keyConcurrency: 4 }));
    expect(most).toBe(4);
  });
});
