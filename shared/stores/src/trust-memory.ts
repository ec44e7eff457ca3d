// In-memory adapters of the players' stores (limits, reputation, appeals, term lists): the
// embedded runtime's and the tests'. Bounded where traffic could grow them without limit.
import {
  type AppealOutcome,
  type AppealRecord,
  type AppealStats,
  type AppealStore,
  BoundedMap,
  type ChatTrace,
  type DecisionEvidence,
  type LimitWindows,
  type PlayerActivity,
  type PlayerOffence,
  type RecentTraffic,
  type ReputationStore,
  type TermLists,
  type TermListSave,
  type TermListStore,
  type TermListVersion,
} from '@sinbin/contract';

const k = (a: string, b: string) => `${a}\u0000${b}`;
const newestFirst = <T extends { at: string }>(a: T, b: T) => Date.parse(b.at) - Date.parse(a.at);

/** A trace with its time as a number, kept in arrival order. */
interface HeldTrace {
  trace: ChatTrace;
  atMs: number;
}

export class MemoryLimitWindows implements LimitWindows {
  private readonly byChannel = new BoundedMap<string, HeldTrace[]>(200_000);
  private readonly byPlayer = new BoundedMap<string, HeldTrace[]>(500_000);
  /** Observed messages and when, so a redelivery is not counted twice. */
  private readonly seenIds = new BoundedMap<string, number>(1_000_000);
  /** Traces kept per channel or player: more than any limit counts. */
  constructor(private readonly perKey = 500) {}

  // Traces arrive in (nearly) time order, so the newest are at the end: a read walks back from
  // there and stops at the window's start or the limit, whatever the list holds.
  async observe(trace: ChatTrace, since: Date, limit: number): Promise<RecentTraffic> {
    const from = since.getTime();
    const atMs = Date.parse(trace.at);
    const channelKey = k(trace.gameId, trace.channelId);
    const playerKey = k(trace.gameId, trace.playerId);
    const earlier = (list: HeldTrace[] | undefined): ChatTrace[] => {
      const out: HeldTrace[] = [];
      if (!list) return [];
      let ordered = true;
      for (let i = list.length - 1; i >= 0 && out.length < limit; i--) {
        const held = list[i]!;
        if (held.atMs < from - 60_000) break; // well before the window: nothing older can be in it
        if (held.atMs >= from && held.atMs <= atMs && held.trace.messageId !== trace.messageId) {
          if (out.length > 0 && held.atMs > out[out.length - 1]!.atMs) ordered = false;
          out.push(held);
        }
      }
      if (!ordered) out.sort((x, y) => y.atMs - x.atMs);
      return out.map((h) => h.trace);
    };
    const channel = this.byChannel.get(channelKey);
    const player = this.byPlayer.get(playerKey);
    const result = { channel: earlier(channel), player: earlier(player) };
    const id = k(trace.gameId, trace.messageId);
    if (!this.seenIds.has(id)) {
      this.seenIds.set(id, atMs);
      this.append(this.byChannel, channelKey, channel, { trace, atMs });
      this.append(this.byPlayer, playerKey, player, { trace, atMs });
    }
    return result;
  }

  private append(map: BoundedMap<string, HeldTrace[]>, key: string, list: HeldTrace[] | undefined, held: HeldTrace): void {
    if (!list) {
      map.set(key, [held]);
      return;
    }
    list.push(held);
    if (list.length > this.perKey * 2) list.splice(0, list.length - this.perKey);
  }

  async purge(before: Date): Promise<number> {
    const cut = before.getTime();
    let n = 0;
    for (const map of [this.byChannel, this.byPlayer]) {
      map.deleteWhere((list) => {
        const kept = list.filter((t) => t.atMs >= cut);
        if (map === this.byChannel) n += list.length - kept.length;
        list.splice(0, list.length, ...kept);
        return kept.length === 0;
      });
    }
    this.seenIds.deleteWhere((atMs) => atMs < cut);
    return n;
  }
}

interface StoredOffence {
  offence: PlayerOffence;
  evidence: DecisionEvidence;
}

export class MemoryReputationStore implements ReputationStore {
  private readonly activity = new BoundedMap<string, PlayerActivity>(1_000_000);
  private readonly offences = new BoundedMap<string, StoredOffence>(1_000_000);
  private readonly byPlayer = new BoundedMap<string, string[]>(500_000);

  async seen(gameId: string, playerId: string, at: Date): Promise<void> {
    const key = k(gameId, playerId);
    const a = this.activity.get(key);
    const iso = at.toISOString();
    if (!a) this.activity.set(key, { firstSeen: iso, lastSeen: iso, messages: 1 });
    else this.activity.set(key, { firstSeen: a.firstSeen < iso ? a.firstSeen : iso, lastSeen: a.lastSeen > iso ? a.lastSeen : iso, messages: a.messages + 1 });
  }

  async recordOffence(offence: PlayerOffence, evidence: DecisionEvidence, since: Date): Promise<PlayerOffence[]> {
    const key = k(offence.gameId, offence.messageId);
    const playerKey = k(offence.gameId, offence.playerId);
    const earlier = this.listOf(offence.gameId, offence.playerId, since).filter((o) => o.messageId !== offence.messageId);
    if (!this.offences.has(key)) {
      this.offences.set(key, { offence: structuredClone(offence), evidence: structuredClone(evidence) });
      this.byPlayer.set(playerKey, [...(this.byPlayer.get(playerKey) ?? []), offence.messageId]);
      await this.seen(offence.gameId, offence.playerId, new Date(offence.at));
    }
    return earlier;
  }

  private listOf(gameId: string, playerId: string, since: Date): PlayerOffence[] {
    const from = since.getTime();
    return (this.byPlayer.get(k(gameId, playerId)) ?? [])
      .map((id) => this.offences.get(k(gameId, id))?.offence)
      .filter((o): o is PlayerOffence => o !== undefined && Date.parse(o.at) >= from)
      .sort(newestFirst)
      .map((o) => structuredClone(o));
  }

  async player(gameId: string, playerId: string, since: Date, limit: number): Promise<{ activity?: PlayerActivity; offences: PlayerOffence[] }> {
    const activity = this.activity.get(k(gameId, playerId));
    return { ...(activity ? { activity: { ...activity } } : {}), offences: this.listOf(gameId, playerId, since).slice(0, limit) };
  }

  async offence(gameId: string, messageId: string): Promise<StoredOffence | undefined> {
    const s = this.offences.get(k(gameId, messageId));
    return s ? structuredClone(s) : undefined;
  }

  async overturn(gameId: string, messageId: string, at: Date): Promise<boolean> {
    const s = this.offences.get(k(gameId, messageId));
    if (!s || s.offence.overturnedAt) return false;
    s.offence.overturnedAt = at.toISOString();
    return true;
  }
}

export class MemoryAppealStore implements AppealStore {
  private readonly appeals = new BoundedMap<string, AppealRecord>(500_000);

  async file(appeal: AppealRecord): Promise<{ created: true } | { created: false; existing: AppealRecord }> {
    const key = k(appeal.gameId, appeal.messageId);
    const existing = this.appeals.get(key);
    if (existing) return { created: false, existing: { ...existing } };
    this.appeals.set(key, { ...appeal });
    return { created: true };
  }

  async withdraw(gameId: string, messageId: string, appealId: string): Promise<void> {
    const key = k(gameId, messageId);
    if (this.appeals.get(key)?.appealId === appealId && this.appeals.get(key)?.status === 'open') this.appeals.delete(key);
  }

  async get(gameId: string, messageId: string): Promise<AppealRecord | undefined> {
    const a = this.appeals.get(k(gameId, messageId));
    return a ? { ...a } : undefined;
  }

  async resolve(gameId: string, messageId: string, outcome: AppealOutcome, by: string | undefined, at: Date): Promise<boolean> {
    const a = this.appeals.get(k(gameId, messageId));
    if (!a || a.status !== 'open') return false;
    a.status = outcome;
    a.decidedAt = at.toISOString();
    if (by) a.decidedBy = by;
    return true;
  }

  async stats(q: { since: Date; until: Date; games?: readonly string[] }): Promise<AppealStats> {
    const stats: AppealStats = { filed: 0, open: 0, upheld: 0, overturned: 0, lapsed: 0 };
    this.appeals.deleteWhere((a) => {
      const t = Date.parse(a.filedAt);
      if (t >= q.since.getTime() && t < q.until.getTime() && (!q.games || q.games.includes(a.gameId))) {
        stats.filed++;
        stats[a.status]++;
      }
      return false;
    });
    return stats;
  }
}

export class MemoryTermListStore implements TermListStore {
  private readonly versions = new Map<string, TermListVersion[]>();

  async save(gameId: string, lists: TermLists, meta: { by: string; note?: string; contentHash: string; now: Date; expected: number | null }): Promise<TermListSave> {
    const list = this.versions.get(gameId) ?? [];
    const current = list.at(-1)?.version ?? null;
    if (current !== meta.expected) return { status: 'conflict', current };
    const version: TermListVersion = {
      gameId,
      version: (current ?? 0) + 1,
      lists: structuredClone(lists),
      contentHash: meta.contentHash,
      createdAt: meta.now.toISOString(),
      createdBy: meta.by,
      ...(meta.note ? { note: meta.note } : {}),
    };
    this.versions.set(gameId, [...list, version]);
    return { status: 'saved', version: structuredClone(version) };
  }

  async latest(gameId: string): Promise<TermListVersion | undefined> {
    const v = this.versions.get(gameId)?.at(-1);
    return v ? structuredClone(v) : undefined;
  }

  async get(gameId: string, version: number): Promise<TermListVersion | undefined> {
    const v = this.versions.get(gameId)?.find((x) => x.version === version);
    return v ? structuredClone(v) : undefined;
  }

  async history(gameId: string, opts: { limit: number; before?: number }): Promise<TermListVersion[]> {
    return [...(this.versions.get(gameId) ?? [])]
      .reverse()
      .filter((v) => opts.before === undefined || v.version < opts.before)
      .slice(0, opts.limit)
      .map((v) => structuredClone(v));
  }

  async heads(): Promise<Record<string, number>> {
    return Object.fromEntries([...this.versions].map(([g, list]) => [g, list.at(-1)!.version]));
  }
}
