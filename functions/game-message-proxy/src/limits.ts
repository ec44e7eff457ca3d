// Per-key request rate, with rate-limiter-flexible's in-memory limiter (a one-second window per
// key whose counters expire on their own). Each replica counts its own requests: with N replicas
// behind a balancer a key gets up to N times the limit, so the setting is per replica.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export class KeyRateLimiter {
  private readonly limiter: RateLimiterMemory | undefined;

  constructor(perSecond: number) {
    this.limiter = perSecond > 0 ? new RateLimiterMemory({ points: perSecond, duration: 1 }) : undefined;
  }

  /** Takes one request from the key's budget: undefined when allowed, else the whole seconds to wait. */
  async take(keyId: string): Promise<number | undefined> {
    if (!this.limiter) return undefined;
    try {
      await this.limiter.consume(keyId);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
