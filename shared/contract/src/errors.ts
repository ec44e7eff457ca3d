// A closed vocabulary of failures that says whether to retry. A bad event is never retried
// (it goes to the dead-letter topic and is acknowledged); a broken dependency always is.

export const POISON_CODES = ['invalid-json', 'schema-violation', 'oversized', 'unknown-topic', 'unsupported-delivery', 'rejected'] as const;
export const RETRIABLE_CODES = ['dependency-unavailable', 'timeout', 'retries-exhausted'] as const;
export type PoisonCode = (typeof POISON_CODES)[number];
export type RetriableCode = (typeof RETRIABLE_CODES)[number];
export type ErrorCode = PoisonCode | RetriableCode;

export abstract class PipelineError extends Error {
  abstract readonly retriable: boolean;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The event itself is wrong: retrying cannot help. Dead-letter it and move on. */
export class PoisonEventError extends PipelineError {
  readonly retriable = false;
  constructor(code: PoisonCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Something the function depends on failed: the same event may succeed later. */
export class DependencyError extends PipelineError {
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown; code?: RetriableCode }) {
    super(options?.code ?? 'dependency-unavailable', message, options);
  }
}

/** Unknown exceptions are treated as retriable: a bug must not silently drop events. */
export function isRetriable(error: unknown): boolean {
  return error instanceof PipelineError ? error.retriable : true;
}

export function errorCodeOf(error: unknown): string {
  return error instanceof PipelineError ? error.code : 'internal';
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
