// The flood and spam limits at the gateway, before any model: each accepted message's trace goes
// to the shared LimitWindows store (PostgreSQL on the real stack, so every replica counts every
// replica's messages; memory on the embedded runtime's single process), and the pure rules of
// @sinbin/scoring/limits say whether it breaks the game's limits. A limited message is published
// on limited-messages instead of raw-messages; the decision manager gives it its final decision.
import { type ChatMessage, type GamePolicy, type LimitHit, limitsLookbackSeconds, type LimitWindows, type LivePolicies, type Logger, type Metrics, resolveLimits, type ResolvedLimits } from '@sinbin/contract';
import { checkLimits, traceOf, tracesNeeded } from '@sinbin/scoring/limits';

export class FloodGuard {
  private readonly resolved = new WeakMap<GamePolicy, ResolvedLimits>();
  private readonly limited;
  private readonly unchecked;

  constructor(
    private readonly windows: LimitWindows,
    private readonly policies: LivePolicies,
    private readonly log: Logger,
    metrics: Metrics,
  ) {
    this.limited = metrics.counter({ name: 'sinbin_gateway_messages_limited_total', help: 'Messages the flood and spam limits stopped before any model, by game, rule and outcome.', labelNames: ['game', 'rule', 'outcome'] });
    this.unchecked = metrics.counter({ name: 'sinbin_gateway_limits_unchecked_total', help: 'Messages passed to the models unchecked because the limits store failed.', labelNames: [] });
  }

  /** The game's limits, resolved once per policy version. */
  limitsOf(gameId: string): ResolvedLimits {
    const policy = this.policies.current().active.forGame(gameId);
    let limits = this.resolved.get(policy);
    if (!limits) this.resolved.set(policy, (limits = resolveLimits(policy.limits)));
    return limits;
  }

  /**
   * The limit each message breaks (undefined: none). Messages are observed in order, so a batch
   * that floods is limited from the message that crosses the line. If the store fails, the
   * messages go to the models unchecked: a limit is a shortcut, never a reason to lose a message.
   */
  async check(messages: readonly ChatMessage[]): Promise<(LimitHit | undefined)[]> {
    try {
      return await Promise.all(
        messages.map(async (message) => {
          const limits = this.limitsOf(message.gameId);
          if (!limits.enabled) return undefined;
          const trace = traceOf(message);
          const since = new Date(Date.parse(trace.at) - limitsLookbackSeconds(limits) * 1000);
          const hit = checkLimits(message, trace, await this.windows.observe(trace, since, tracesNeeded(limits)), limits);
          if (hit) this.limited.inc({ game: message.gameId, rule: hit.rule, outcome: hit.outcome });
          return hit;
        }),
      );
    } catch (error) {
      this.unchecked.inc({}, messages.length);
      this.log.warn({ err: String(error), count: messages.length }, 'limits store unavailable; messages go to the models unchecked');
      return messages.map(() => undefined);
    }
  }

  /** Forgets traces older than any window can look back. */
  purge(now: Date, maxWindowSeconds: number): Promise<number> {
    return this.windows.purge(new Date(now.getTime() - maxWindowSeconds * 1000));
  }
}
