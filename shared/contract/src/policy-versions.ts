// The policy versions a function applies, kept current from the versioned store: every replica
// polls the heads (one indexed row) and loads a version when a lead activates it or starts it in
// shadow, so a change reaches every instance within the refresh interval, without a restart. A
// stored version is validated again before use; one that fails keeps the previous one running.
import type { DocumentHeads, VersionedDocuments } from './lead-ports';
import { policyBook, policyHash, policyProblems, type PolicyBook, type PolicyFile, type PolicySeed } from './policy';
import type { Logger } from './ports';

export interface VersionedPolicyBook extends PolicyBook {
  version: number;
  document: PolicyFile;
}

/** What applies now: the active version, and the candidate running beside it in shadow. */
export interface PolicySnapshot {
  active: VersionedPolicyBook;
  shadow?: VersionedPolicyBook;
}

export interface LivePoliciesOptions {
  store: VersionedDocuments;
  seed: PolicySeed;
  log: Logger;
  /** How often the heads are read; 0 reads them only on refresh(). */
  refreshMs: number;
  now: () => Date;
  /** Called after the snapshot changed (and once at start). */
  onChange?: (snapshot: PolicySnapshot) => void;
}

export const SEEDED_BY = { file: 'GAME_POLICIES_FILE', default: 'built-in default' } as const;

/** Creates (or confirms) the seed version of the policies: see VersionedDocuments.seed. */
export async function seedPolicies(store: VersionedDocuments, seed: PolicySeed, now: Date): Promise<{ version: number; created: boolean }> {
  return store.seed('policy', seed.document, { by: SEEDED_BY[seed.source], source: seed.source, contentHash: policyHash(seed.document), now });
}

export class LivePolicies {
  private snapshot!: PolicySnapshot;
  private timer: ReturnType<typeof setInterval> | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly books = new Map<number, VersionedPolicyBook>();

  private constructor(private readonly opts: LivePoliciesOptions) {}

  /** Seeds the store if needed, loads the heads, and keeps them current every `refreshMs`. */
  static async start(opts: LivePoliciesOptions): Promise<LivePolicies> {
    const seeded = await seedPolicies(opts.store, opts.seed, opts.now());
    if (seeded.created) opts.log.info({ version: seeded.version, source: opts.seed.source }, 'policy version seeded and activated');
    const live = new LivePolicies(opts);
    const loaded = await live.read();
    // A store without a valid active version (it cannot happen through the API) runs the seed, under its version number.
    live.snapshot = loaded ?? { active: { ...policyBook(opts.seed.document), version: seeded.version, document: opts.seed.document } };
    if (!loaded) opts.log.error({ version: seeded.version }, 'no valid active policy version in the store; running the seed document');
    if (opts.refreshMs > 0) {
      live.timer = setInterval(() => void live.refresh().catch((error) => opts.log.warn({ err: String(error) }, 'policy refresh failed; the current version stays')), opts.refreshMs);
      live.timer.unref?.();
    }
    opts.onChange?.(live.snapshot);
    return live;
  }

  current(): PolicySnapshot {
    return this.snapshot;
  }

  /** Reads the heads and applies what changed; concurrent calls share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.apply().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async apply(): Promise<void> {
    const before = this.snapshot;
    const next = await this.read(before.active);
    if (!next || (next.active === before.active && next.shadow === before.shadow)) return;
    this.snapshot = next;
    if (next.active.version !== before.active.version) this.opts.log.info({ version: next.active.version, previous: before.active.version }, 'policy version now active');
    if (next.shadow?.version !== before.shadow?.version) this.opts.log.info({ shadow: next.shadow?.version ?? null }, next.shadow ? 'policy version running in shadow' : 'shadow policy stopped');
    this.opts.onChange?.(next);
  }

  /** The heads as books; an active version that is missing or invalid keeps `current` (undefined without one). */
  private async read(current?: VersionedPolicyBook): Promise<PolicySnapshot | undefined> {
    const heads: DocumentHeads = await this.opts.store.heads('policy');
    const active = (heads.active ? await this.book(heads.active.version) : undefined) ?? current;
    if (!active) return undefined;
    const shadow = heads.shadow && heads.shadow.version !== active.version ? await this.book(heads.shadow.version) : undefined;
    return { active, ...(shadow ? { shadow } : {}) };
  }

  /** A version as a book, validated again; undefined (and logged) when it is missing or invalid. */
  private async book(version: number): Promise<VersionedPolicyBook | undefined> {
    const cached = this.books.get(version);
    if (cached) return cached;
    const stored = await this.opts.store.get('policy', version);
    if (!stored) {
      this.opts.log.error({ version }, 'policy version named by the head does not exist; keeping the current one');
      return undefined;
    }
    const { file, problems } = policyProblems(stored.body, `policy version ${version}`);
    if (!file) {
      this.opts.log.error({ version, problems }, 'stored policy version is not valid under this release; keeping the current one');
      return undefined;
    }
    const book = { ...policyBook(file), version, document: file };
    this.books.set(version, book);
    return book;
  }
}
