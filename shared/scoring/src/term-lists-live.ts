// The term lists a process applies, kept current from the versioned store: every replica polls
// the heads (one row per game with lists) and compiles a game's lists again only when a save gave
// them a new version, so a change reaches every instance within the refresh interval.
import type { Logger, TermListStore } from '@sinbin/contract';
import { compileTermLists, type CompiledTermLists } from './term-lists';

export class LiveTermLists {
  private readonly compiled = new Map<string, CompiledTermLists>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private refreshing: Promise<void> | undefined;

  private constructor(
    private readonly store: TermListStore,
    private readonly log: Logger,
  ) {}

  /** Loads every game's latest lists, then refreshes every `refreshMs` (0: only on refresh()). */
  static async start(opts: { store: TermListStore; log: Logger; refreshMs: number }): Promise<LiveTermLists> {
    const live = new LiveTermLists(opts.store, opts.log);
    await live.refresh();
    if (opts.refreshMs > 0) {
      live.timer = setInterval(() => void live.refresh().catch((error) => opts.log.warn({ err: String(error) }, 'term list refresh failed; the current lists stay')), opts.refreshMs);
      live.timer.unref?.();
    }
    return live;
  }

  /** The game's compiled lists; undefined when it has none. */
  forGame(gameId: string): CompiledTermLists | undefined {
    return this.compiled.get(gameId);
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.apply().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async apply(): Promise<void> {
    const heads = await this.store.heads();
    for (const [gameId, version] of Object.entries(heads)) {
      if (this.compiled.get(gameId)?.version === version) continue;
      const latest = await this.store.latest(gameId);
      if (!latest) continue;
      this.compiled.set(gameId, compileTermLists(latest.lists, latest.version));
      this.log.info({ gameId, version: latest.version, block: latest.lists.block.length, allow: latest.lists.allow.length }, 'term lists loaded');
    }
  }
}
