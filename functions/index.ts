// The registered functions as a list, for the runtimes and the generators.
import type { AnyFunction } from '@sinbin/contract';
import * as registry from './registry';

export const FUNCTIONS: readonly AnyFunction[] = Object.values(registry).sort((a, b) => a.name.localeCompare(b.name));

export function functionNamed(name: string): AnyFunction {
  const fn = FUNCTIONS.find((f) => f.name === name);
  if (!fn) throw new Error(`unknown function ${name}; known: ${FUNCTIONS.map((f) => f.name).join(', ')}`);
  return fn;
}
