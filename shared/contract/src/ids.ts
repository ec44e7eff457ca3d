// Deterministic ids, so a redelivered event maps to the same case or example as the first time.
import { createHash, randomUUID } from 'node:crypto';

export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export const newMessageId = (): string => randomUUID();
