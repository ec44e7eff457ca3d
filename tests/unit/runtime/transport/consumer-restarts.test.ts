// When a connector replaces a group consumer its client library gave up on: once per give-up,
// after a pause that grows while replacements keep failing, never after stop().
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsumerRestarts, restartDelayMs } from '../../../../runtime/src/transport/consumer-restarts';
import { silentLogger } from '../../../../runtime/src/log';

describe('restartDelayMs', () => {
  it.each([
    [0, 1_000],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [5, 16_000],
    [6, 30_000],
    [40, 30_000],
  ])('replacement %i in a row waits %i ms', (attempt, want) => {
    expect(restartDelayMs(attempt)).toBe(want);
  });
});

/** A consumer whose start can be made to fail or hang; records what the supervisor did, in order. */
function harness(starts: ('ok' | 'fail' | 'hang')[] = []) {
  const calls: string[] = [];
  let release: (() => void) | undefined;
  const warn = vi.fn();
  const log = Object.assign(silentLogger(), { warn });
  const restarts = new ConsumerRestarts({
    groupId: 'g',
    log,
    discard: async () => void calls.push('discard'),
    start: () => {
      const how = starts.shift() ?? 'ok';
      calls.push(`start:${how}`);
      if (how === 'fail') return Promise.reject(new Error('no broker'));
      if (how === 'hang') return new Promise<void>((r) => (release = r));
      return Promise.resolve();
    },
  });
  return { restarts, calls, warn, release: () => release?.() };
}

describe('ConsumerRestarts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('replaces a consumer once, after the first pause, closing the old one first', async () => {
    const { restarts, calls, warn } = harness();
    restarts.gaveUp(new Error('Failed to find group coordinator'));
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['discard', 'start:ok']);
    expect(warn.mock.calls[0]![0]).toMatchObject({ group: 'g', attempt: 1, restartInMs: 1_000, err: 'Error: Failed to find group coordinator' });
  });

  it('counts several give-ups before the pause ends as one', async () => {
    const { restarts, calls } = harness();
    for (let i = 0; i < 5; i++) restarts.gaveUp(new Error('x'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['discard', 'start:ok']);
  });

  it.each<[string, ('ok' | 'fail')[], number, string[]]>([
    ['a replacement that fails to start is replaced again after a longer pause', ['fail', 'ok'], 3_000, ['discard', 'start:fail', 'discard', 'start:ok']],
    ['not before that longer pause', ['fail', 'ok'], 2_999, ['discard', 'start:fail']],
    ['failures in a row keep doubling the pause', ['fail', 'fail', 'ok'], 7_000, ['discard', 'start:fail', 'discard', 'start:fail', 'discard', 'start:ok']],
  ])('%s', async (_, starts, elapsed, want) => {
    const { restarts, calls } = harness(starts);
    restarts.gaveUp(new Error('x'));
    await vi.advanceTimersByTimeAsync(elapsed);
    expect(calls).toEqual(want);
  });

  it('starts from the shortest pause again once a replacement joined its group', async () => {
    const { restarts, warn } = harness(['fail', 'ok', 'ok']);
    restarts.gaveUp(new Error('x'));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(restarts.attemptsInARow).toBe(2);
    restarts.joined();
    expect(restarts.attemptsInARow).toBe(0);
    restarts.gaveUp(new Error('y'));
    expect(warn.mock.calls.at(-1)![0]).toMatchObject({ attempt: 1, restartInMs: 1_000 });
  });

  it('replaces again when the new consumer gives up while it is still starting', async () => {
    const { restarts, calls, release } = harness(['hang', 'ok']);
    restarts.gaveUp(new Error('x'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toEqual(['discard', 'start:hang']);
    restarts.gaveUp(new Error('its join failed'));
    release();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toEqual(['discard', 'start:hang', 'discard', 'start:ok']);
  });

  it('replaces nothing once stopped, and stop waits for a replacement in progress', async () => {
    const idle = harness();
    idle.restarts.gaveUp(new Error('x'));
    await idle.restarts.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(idle.calls).toEqual([]);

    const busy = harness(['hang']);
    busy.restarts.gaveUp(new Error('x'));
    await vi.advanceTimersByTimeAsync(1_000);
    let stopped = false;
    const stopping = busy.restarts.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    busy.release();
    await stopping;
    busy.restarts.gaveUp(new Error('after stop'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(busy.calls).toEqual(['discard', 'start:hang']);
  });
});
