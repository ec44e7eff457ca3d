// Config at boot: every runtime parses the config of every function it hosts before it serves
// anything, and refuses to start with all problems listed in plain words (no stack trace), so a
// scale-from-zero function never meets a bad value on its first message.
import process from 'node:process';
import { z } from 'zod';
import { ConfigError, describeConfigIssue, intVar, parseEnv, type AnyFunction, type EnvSchema } from '@sinbin/contract';

export type Env = Record<string, string | undefined>;

/** The parsed config of each function, by name; throws one ConfigError naming every problem of every function. */
export function parseFunctionConfigs(functions: readonly AnyFunction[], env: Env): Map<string, unknown> {
  const configs = new Map<string, unknown>();
  const problems: string[] = [];
  for (const fn of functions) {
    const parsed = (fn.env as EnvSchema).safeParse(env);
    if (parsed.success) configs.set(fn.name, parsed.data);
    else problems.push(...parsed.error.issues.map((i) => `${fn.name}: ${describeConfigIssue(i, env)}`));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return configs;
}

/** Several checks at once: runs each, and throws one ConfigError with all their problems. */
export function collectConfigProblems(...checks: (() => void)[]): void {
  const problems: string[] = [];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * Runs a process's start-up; a ConfigError ends the process with exit code 78 (EX_CONFIG) and the
 * problems as plain lines on stderr, anything else as before (with its stack).
 */
export async function boot<T>(what: string, start: () => T | Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const n = error.problems.length;
    process.stderr.write(`${what} cannot start: ${n} configuration problem${n === 1 ? '' : 's'}:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(78);
  }
}

/** The public port of each function that serves HTTP, from its variable (default: its definition's); `lowest` 0 allows any free port. */
export function httpPorts(functions: readonly AnyFunction[], env: Env, lowest: 0 | 1): Map<string, number> {
  const served = functions.filter((fn) => fn.http);
  const schema = z.object(Object.fromEntries(served.map((fn) => [fn.http!.portVariable, intVar(fn.http!.defaultPort, lowest, 65535)])));
  const ports = parseEnv(schema, env) as Record<string, number>;
  return new Map(served.map((fn) => [fn.name, ports[fn.http!.portVariable]!]));
}
