// Keeps a connector's group consumer alive when its client library gives up on it. kafkajs stops
// a consumer for good on an error it calls non-retriable, e.g. "Failed to find group coordinator"
// while a broker restarts (tulios/kafkajs#1445, #1630), and @platformatic/kafka ends its stream
// when fetches keep failing. Either way the connector would go quiet with its records unread, so
// a fresh client takes over after a pause, joins the group again and resumes from the committed
// offsets (redelivering, never skipping).
import type { Logger } from '../log';

/** Pause before the nth replacement in a row: 1 s, 2 s, 4 s, ... capped at 30 s. */
export function restartDelayMs(attempt: number, baseMs = 1_000, capMs = 30_000): number {
  return Math.min(capMs, baseMs * 2 ** (Math.max(1, attempt) - 1));
}

export interface ConsumerRestartOptions {
  groupId: string;
  log: Logger;
  /** Closes the consumer that gave up (errors are ignored: its connections may be gone). */
  discard: () => Promise<void>;
  /** Builds a fresh consumer and starts it; a rejection counts as another give-up. */
  start: () => Promise<void>;
}

export class ConsumerRestarts {
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | undefined;
  private stopped = false;
  /** A give-up reported while a replacement was starting (e.g. the new consumer's own join failed). */
  private failedMeanwhile: { error: unknown } | undefined;

  constructor(private readonly opts: ConsumerRestartOptions) {}

  /** Replacements since the consumer last joined its group. */
  get attemptsInARow(): number {
    return this.attempt;
  }

  /** The library gave the consumer up: replace it after a pause (once, however often this is called meanwhile). */
  gaveUp(error: unknown): void {
    if (this.stopped || this.timer) return;
    if (this.restarting) {
      this.failedMeanwhile = { error };
      return;
    }
    const delay = restartDelayMs(++this.attempt);
    this.opts.log.warn({ group: this.opts.groupId, err: errorText(error), attempt: this.attempt, restartInMs: delay }, 'Kafka consumer stopped by its client library; replacing it');
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.restarting = this.replace().then((failure) => {
        this.restarting = undefined;
        // A replacement that could not start gives up again, with a longer pause.
        const again = failure ?? this.failedMeanwhile;
        this.failedMeanwhile = undefined;
        if (again) this.gaveUp(again.error);
      });
    }, delay);
  }

  /** The consumer joined its group: the next give-up starts from the shortest pause again. */
  joined(): void {
    if (this.attempt > 0) this.opts.log.info({ group: this.opts.groupId, attempts: this.attempt }, 'replacement Kafka consumer joined its group');
    this.attempt = 0;
  }

  /** No more replacements; waits for one in progress, so the caller can close what it started. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.restarting;
  }

  private async replace(): Promise<{ error: unknown } | undefined> {
    await this.opts.discard().catch(() => undefined);
    if (this.stopped) return undefined;
    try {
      await this.opts.start();
      return undefined;
    } catch (error) {
      return { error };
    }
  }
}

/** An error as a log field: its class (which kind of give-up) and its message. */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
