// freePort never hands out one port twice in a process, even when the OS offers it again.
import { describe, expect, it } from 'vitest';
import { belowEphemeral, freePort, unusedPort } from '../../../../runtime/src/http/server';

function offering(ports: number[]): () => Promise<number> {
  let i = 0;
  return async () => ports[Math.min(i++, ports.length - 1)]!;
}

describe('unusedPort', () => {
  it.each([
    { name: 'a fresh port is taken', offers: [5000], given: [], want: 5000 },
    { name: 'a port handed out before is skipped', offers: [5000, 5000, 5001], given: [5000], want: 5001 },
    { name: 'several repeats are skipped', offers: [1, 2, 1, 3], given: [1, 2], want: 3 },
  ])('$name', async ({ offers, given, want }) => {
    const handed = new Set(given);
    expect(await unusedPort(offering(offers), handed)).toBe(want);
    expect(handed.has(want)).toBe(true);
  });

  it('gives up with a clear error when only used ports are offered', async () => {
    await expect(unusedPort(offering([7]), new Set([7]), 5)).rejects.toThrow(/no free port after 5 tries/);
  });
});

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, which outgoing connections use', async () => {
    const { low, high } = belowEphemeral();
    expect(high - low).toBeGreaterThan(1000);
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(50);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(low);
      expect(p).toBeLessThan(high);
    }
  });
});
