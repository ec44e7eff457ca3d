// A Publisher that keeps what it is given, and can be told to fail, for asserting what a
// function or processDelivery published (or that it published nothing).
import type { Publisher, WireRecord } from '@sinbin/contract';

export class CapturingPublisher implements Publisher {
  readonly records: WireRecord[] = [];
  /** Calls to publish() that should throw next, oldest first; `true` fails every call. */
  private failures: (Error | true)[] = [];
  private failAlways = false;

  async publish(records: readonly WireRecord[]): Promise<void> {
    if (this.failAlways) throw new Error('broker unavailable');
    const next = this.failures.shift();
    if (next) throw next === true ? new Error('broker unavailable') : next;
    this.records.push(...records);
  }

  /** The next `times` publish calls fail (then it works again). */
  failNext(times = 1, error?: Error): this {
    for (let i = 0; i < times; i++) this.failures.push(error ?? true);
    return this;
  }

  failEveryCall(on = true): this {
    this.failAlways = on;
    return this;
  }

  on(topic: string): WireRecord[] {
    return this.records.filter((r) => r.topic === topic);
  }

  /** Values on a topic, parsed. */
  events<T = unknown>(topic: string): T[] {
    return this.on(topic).map((r) => JSON.parse(r.value) as T);
  }

  clear(): void {
    this.records.length = 0;
  }
}
