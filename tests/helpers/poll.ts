// Waiting for asynchronous outcomes without sleeping as an assertion: poll a probe until it
// returns a value (anything but undefined / false), and fail with what was awaited at the deadline.

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the error at the deadline. */
  what?: string;
}

export async function pollUntil<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, opts: PollOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${opts.timeoutMs ?? 20_000} ms waiting for ${opts.what ?? 'a condition'}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
  }
}
