// Ports of the players' side of trust and safety: the flood and spam limits' recent traffic, each
// player's offences (reputation, with the evidence an appeal shows), appeals, and the studios'
// term lists. Adapters: @sinbin/stores (memory, SQL on PGlite or PostgreSQL); one contract suite
// (tests/contract/trust-stores.test.ts) runs against each.
import type { Action, AppealOutcome, ChatMessage, ContextEntry, DecidedBy, LimitHit, ModelScore, TermMatch } from './events';
import type { TermLists, TermListVersion } from './term-lists';
import type { ReputationCategory, Severity } from './trust';

// --- Limits -------------------------------------------------------------------------------------

/** What the limits keep of a message: never its text, only its shape (see @sinbin/scoring/limits). */
export interface ChatTrace {
  gameId: string;
  channelId: string;
  playerId: string;
  messageId: string;
  /** When the gateway received it: one clock for every replica's messages. */
  at: string;
  /** The normalised line, shortened (near-duplicates are found by comparing it). */
  shape: string;
  /** How many links the line holds. */
  links: number;
}

export interface RecentTraffic {
  /** The channel's earlier traces inside the window, newest first. */
  channel: ChatTrace[];
  /** The player's earlier traces in this game (any channel) inside the window, newest first. */
  player: ChatTrace[];
}

/**
 * The recent traffic the limits count, shared by every instance (PostgreSQL on the real stack), so
 * the counts hold whichever gateway or classifier replica a message passed through.
 */
export interface LimitWindows {
  /**
   * Keeps the trace (once per messageId: a redelivery is not counted twice) and returns the
   * earlier traces of its channel and its player received since `since`, at most `limit` each.
   */
  observe(trace: ChatTrace, since: Date, limit: number): Promise<RecentTraffic>;
  /** Forgets traces received before `before`; returns how many. */
  purge(before: Date): Promise<number>;
}

// --- Reputation -----------------------------------------------------------------------------------

/** One blocked message of a player: what it was, how bad, what it cost them. */
export interface PlayerOffence {
  gameId: string;
  playerId: string;
  messageId: string;
  channelId: string;
  /** When it was decided. */
  at: string;
  decidedBy: DecidedBy;
  category?: ReputationCategory;
  severity: Severity;
  toxicity: number;
  action: Action;
  /** When a mute or ban ends (null: a ban without end); absent for other actions. */
  sanctionUntil?: string | null;
  rule?: string;
  /** False for what never counts against standing (a dropped flood line). */
  counts: boolean;
  /** Set when an appeal overturned it: it stops counting and its sanction is lifted. */
  overturnedAt?: string;
}

/** What a decision was made on, kept with the offence so an appeal's reviewer sees it. */
export interface DecisionEvidence {
  message: ChatMessage;
  context: ContextEntry[];
  fast?: ModelScore;
  deep?: ModelScore;
  /** The moderator whose verdict it was (they may not review its appeal). */
  moderatorId?: string;
  limit?: LimitHit;
  terms?: TermMatch;
}

export interface PlayerActivity {
  firstSeen: string;
  lastSeen: string;
  /** Messages decided for the player in this game. */
  messages: number;
}

export interface ReputationStore {
  /** Counts a decided message of the player (concurrent calls share a statement). */
  seen(gameId: string, playerId: string, at: Date): Promise<void>;
  /**
   * Records an offence and its evidence once per messageId (and counts the message as seen);
   * returns the player's other offences decided since `since`, newest first.
   */
  recordOffence(offence: PlayerOffence, evidence: DecisionEvidence, since: Date): Promise<PlayerOffence[]>;
  /** The player's activity (absent: never seen in this game) and offences since `since`, newest first, at most `limit`. */
  player(gameId: string, playerId: string, since: Date, limit: number): Promise<{ activity?: PlayerActivity; offences: PlayerOffence[] }>;
  offence(gameId: string, messageId: string): Promise<{ offence: PlayerOffence; evidence: DecisionEvidence } | undefined>;
  /** Marks the offence overturned, once; false when there is none or it already was. */
  overturn(gameId: string, messageId: string, at: Date): Promise<boolean>;
}

// --- Appeals ------------------------------------------------------------------------------------------

export type AppealStatus = 'open' | AppealOutcome;

export interface AppealRecord {
  appealId: string;
  gameId: string;
  messageId: string;
  playerId: string;
  caseId: string;
  statement: string;
  filedAt: string;
  dueAt: string;
  status: AppealStatus;
  decidedAt?: string;
  /** The moderator who upheld or overturned it. */
  decidedBy?: string;
}

export interface AppealStats {
  filed: number;
  open: number;
  upheld: number;
  overturned: number;
  lapsed: number;
}

/** One appeal per decision, from filing to its outcome; shared by the gateway, the decision manager and moderation. */
export interface AppealStore {
  /** Files the appeal unless the message already has one; of concurrent filings exactly one is created. */
  file(appeal: AppealRecord): Promise<{ created: true } | { created: false; existing: AppealRecord }>;
  /** Takes back a filing whose case could not be opened (publishing failed), so the game may retry. */
  withdraw(gameId: string, messageId: string, appealId: string): Promise<void>;
  get(gameId: string, messageId: string): Promise<AppealRecord | undefined>;
  /** Records the outcome once; false when the appeal has one already (or there is none). */
  resolve(gameId: string, messageId: string, outcome: AppealOutcome, by: string | undefined, at: Date): Promise<boolean>;
  /** Appeals filed in the period (by outcome so far), for the leads' dashboard; only `games` when given. */
  stats(q: { since: Date; until: Date; games?: readonly string[] }): Promise<AppealStats>;
}

// --- Term lists ---------------------------------------------------------------------------------------

export type TermListSave = { status: 'saved'; version: TermListVersion } | { status: 'conflict'; current: number | null };

/**
 * Each game's term lists, versioned: a save is a new immutable version (numbered 1, 2, ... per
 * game) and takes effect at once; restoring an old one saves it again as the newest. Every
 * version keeps who saved it, when and why, so the history is the audit.
 */
export interface TermListStore {
  /** Saves a version unless the game's latest is no longer `expected` (null: no version yet); one of concurrent saves wins. */
  save(gameId: string, lists: TermLists, meta: { by: string; note?: string; contentHash: string; now: Date; expected: number | null }): Promise<TermListSave>;
  latest(gameId: string): Promise<TermListVersion | undefined>;
  get(gameId: string, version: number): Promise<TermListVersion | undefined>;
  /** Newest first; `before` pages by version. */
  history(gameId: string, opts: { limit: number; before?: number }): Promise<TermListVersion[]>;
  /** The latest version of every game with lists: what each replica polls to stay current. */
  heads(): Promise<Record<string, number>>;
}
