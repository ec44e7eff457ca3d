// Deterministic ids, so a redelivered event maps to the same case or example as the first time.
import { createHash, randomUUID } from 'node:crypto';

export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export const newMessageId = (): string => randomUUID();

/**
 * A small seeded generator (mulberry32), uniform in [0, 1): replays, benchmarks and tests that must
 * do the same thing again from the same seed.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
