// When a producer driver replaces its client: at once when the broker lost the producer's state,
// otherwise only after sends have failed several times in a row over a while.
import { describe, expect, it } from 'vitest';
import { ProducerRenewal, producerStateLost } from '../../../../runtime/src/transport/producer-renewal';

const refused = new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
const lost = Object.assign(new Error('out of order'), { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });

describe('producerStateLost', () => {
  it.each([
    ['a kafkajs protocol error', { type: 'UNKNOWN_PRODUCER_ID' }, true],
    ['a fenced producer', { type: 'PRODUCER_FENCED' }, true],
    ['a platformatic error naming it in apiId', { apiId: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }, true],
    ['one wrapped in cause', new Error('send failed', { cause: { type: 'INVALID_PRODUCER_EPOCH' } }), true],
    ['one among several', { errors: [refused, { apiId: 'INVALID_PRODUCER_ID_MAPPING' }] }, true],
    ['one in originalError', { originalError: { type: 'UNKNOWN_PRODUCER_ID' } }, true],
    ['a refused connection', refused, false],
    ['a retriable leader error', { type: 'NOT_LEADER_OR_FOLLOWER' }, false],
    ['nothing', undefined, false],
    ['a string', 'UNKNOWN_PRODUCER_ID', false],
  ])('%s: %s', (_, error, want) => {
    expect(producerStateLost(error)).toBe(want);
  });

  it('stops at a cycle of causes', () => {
    const a: { cause?: unknown } = {};
    a.cause = { cause: a };
    expect(producerStateLost(a)).toBe(false);
  });
});

describe('ProducerRenewal', () => {
  const opts = { failuresInARow: 3, failingForMs: 10_000 };
  type Step = ['ok' | 'fail' | 'lost', number, boolean?];
  it.each<[string, Step[]]>([
    ['renews at once when the producer state is lost', [['lost', 1, true]]],
    ['keeps a client failing briefly', [['fail', 100, false], ['fail', 200, false], ['fail', 300, false]]],
    ['keeps a client failing long but rarely', [['fail', 20_000, false], ['fail', 40_000, false]]],
    ['renews once failures are many and long', [['fail', 1_000, false], ['fail', 5_000, false], ['fail', 9_999, false], ['fail', 10_000, true]]],
    ['counts from the last success', [['fail', 1_000, false], ['fail', 2_000, false], ['ok', 9_000], ['fail', 12_000, false], ['fail', 15_000, false], ['fail', 18_000, false], ['fail', 19_000, true]]],
    ['starts counting again after a renewal', [['fail', 10_000, false], ['fail', 11_000, false], ['fail', 12_000, true], ['fail', 13_000, false], ['fail', 14_000, false], ['fail', 21_000, false], ['fail', 22_000, true]]],
    ['a lost state also restarts the count', [['fail', 5_000, false], ['fail', 9_000, false], ['lost', 10_000, true], ['fail', 11_000, false], ['fail', 12_000, false], ['fail', 13_000, false]]],
  ])('%s', (_, steps) => {
    const renewal = new ProducerRenewal(0, opts);
    steps.forEach(([what, at, want], i) => {
      if (what === 'ok') renewal.succeeded(at);
      else expect(renewal.failed(what === 'lost' ? lost : refused, at), `step ${i} at ${at} ms`).toBe(want);
    });
  });
});
