// FunctionHost: start at once or on first use (scale from zero), one instance however many
// callers race, stopped after an idle period unless busy, periodic work while up.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFunction, type AnyFunction, type FunctionServices, type RunningFunction } from '@sinbin/contract';
import { noMetrics, silentLogger } from '@sinbin/runtime';
import { memoryStoreSet } from '@sinbin/stores';
import { CapturingPublisher } from '../../helpers/publisher';
import { pollUntil } from '../../helpers/poll';
import { FunctionHost } from '../../../runtime/src/host';

interface Probe {
  starts: number;
  stops: number;
  ticks: number;
  busy: boolean;
}

function fakeFunction(opts: { scaleToZero: boolean; failStart?: boolean; tickMs?: number; startGate?: Promise<void> }): { fn: AnyFunction; probe: Probe } {
  const probe: Probe = { starts: 0, stops: 0, ticks: 0, busy: false };
  const fn = defineFunction({
    name: 'fake',
    description: 'a function that counts its starts and stops',
    consumes: [],
    produces: [],
    scaleToZero: opts.scaleToZero,
    priority: 'latency',
    env: z.object({}),
    secrets: [],
    stores: [],
    deploy: { minScale: 0, maxScale: 1, targetConcurrency: 1, requests: { cpu: '1', memory: '1Mi' }, limits: { cpu: '1', memory: '1Mi' }, execTimeout: '1s' },
    async start(): Promise<RunningFunction> {
      probe.starts++;
      await opts.startGate;
      if (opts.failStart) throw new Error('model failed to load');
      return {
        handle: async () => [],
        ...(opts.tickMs ? { tick: { everyMs: opts.tickMs, run: async () => void probe.ticks++ } } : {}),
        busy: () => probe.busy,
        stop: async () => void probe.stops++,
      };
    },
  });
  return { fn, probe };
}

const services = (): FunctionServices => ({ config: {}, log: silentLogger(), metrics: noMetrics, publisher: new CapturingPublisher(), stores: memoryStoreSet('/nonexistent'), now: () => new Date() });
const host = (fn: AnyFunction, idleMs = 60) => new FunctionHost(fn, services(), silentLogger(), { idleMs });

describe('FunctionHost', () => {
  it('a scale-to-zero function has no instance until first use', async () => {
    const { fn, probe } = fakeFunction({ scaleToZero: true });
    const h = host(fn, 60_000);
    expect(h.isRunning).toBe(false);
    expect(probe.starts).toBe(0);
    await h.use(async () => undefined);
    expect(h.isRunning).toBe(true);
    expect(h.coldStartsMs).toHaveLength(1);
    await h.close();
  });

  it('concurrent first uses start one instance', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const { fn, probe } = fakeFunction({ scaleToZero: true, startGate: gate });
    const h = host(fn, 60_000);
    const users = Array.from({ length: 5 }, () => h.use(async (r) => r));
    open();
    const instances = await Promise.all(users);
    expect(probe.starts).toBe(1);
    expect(new Set(instances).size).toBe(1);
    await h.close();
  });

  it('stops an idle scale-to-zero instance, and starts a new one on the next use', async () => {
    const { fn, probe } = fakeFunction({ scaleToZero: true });
    const h = host(fn, 60);
    await h.use(async () => undefined);
    await pollUntil(() => !h.isRunning, { what: 'scale to zero' });
    expect(probe.stops).toBe(1);
    await h.use(async () => undefined);
    expect(probe.starts).toBe(2);
    expect(h.coldStartsMs).toHaveLength(2);
    await h.close();
  });

  it('does not stop while work is in flight or the function says it is busy', async () => {
    const { fn, probe } = fakeFunction({ scaleToZero: true });
    const h = host(fn, 60);
    probe.busy = true;
    const running = await h.acquire();
    expect(running).toBeDefined();
    h.release();
    // A negative can only be observed over time: three idle periods pass, busy() holds it up.
    await new Promise((r) => setTimeout(r, 200));
    expect(h.isRunning).toBe(true);
    probe.busy = false;
    await pollUntil(() => !h.isRunning, { what: 'scale to zero once not busy' });
    await h.close();
  });

  it('never stops an always-on function for idleness', async () => {
    const { fn, probe } = fakeFunction({ scaleToZero: false });
    const h = host(fn, 50);
    await h.use(async () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.isRunning).toBe(true);
    expect(h.coldStartsMs).toHaveLength(0);
    await h.close();
    expect(probe.stops).toBe(1);
    expect(h.isRunning).toBe(false);
  });

  it('runs periodic work while the instance is up', async () => {
    const { fn, probe } = fakeFunction({ scaleToZero: false, tickMs: 10 });
    const h = host(fn);
    await h.use(async () => undefined);
    await pollUntil(() => probe.ticks >= 2, { what: 'two ticks' });
    await h.close();
    const after = probe.ticks;
    await new Promise((r) => setTimeout(r, 50));
    expect(probe.ticks).toBe(after);
  });

  it('a failed start is reported to the caller and retried on the next use', async () => {
    const { fn, probe } = fakeFunction({ scaleToZero: true, failStart: true });
    const h = host(fn, 60_000);
    await expect(h.use(async () => undefined)).rejects.toThrow('model failed to load');
    await expect(h.use(async () => undefined)).rejects.toThrow('model failed to load');
    expect(probe.starts).toBe(2);
    expect(h.isRunning).toBe(false);
    await h.close();
  });

  it.each([
    { waiting: true, started: 1, what: 'starts a function at zero when its stores hold work for it (what a crash left)' },
    { waiting: false, started: 0, what: 'leaves a function at zero while its stores hold nothing for it' },
  ])('$what', async ({ waiting, started }) => {
    const { fn, probe } = fakeFunction({ scaleToZero: true });
    let asked = 0;
    const withProbe: AnyFunction = { ...fn, pendingWork: async () => (asked++, waiting) };
    const h = new FunctionHost(withProbe, services(), silentLogger(), { idleMs: 60_000, wakeCheckMs: 20 });
    // Once running it stops asking; at zero it keeps asking.
    await pollUntil(() => (waiting ? h.isRunning : asked >= 3), { timeoutMs: 5000, what: 'the host to act on the answer' });
    expect(probe.starts).toBe(started);
    expect(h.isRunning).toBe(waiting);
    await h.close();
  });
});
