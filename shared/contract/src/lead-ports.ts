// Ports of what leads manage and watch: versioned documents (policies; later term lists), the
// record of a candidate policy running in shadow, decision tallies per 10-second slot for the dashboard,
// and moderators' exposure to the worst content. Adapters: @sinbin/stores (memory, SQL).
import type { Action, DecidedBy, Verdict } from './events';

/**
 * What leads version: the policy book and the wellbeing settings. A kind is one JSON document per
 * version; issue 18's term lists and appeal rules join as kinds of their own.
 */
export const DOCUMENT_KINDS = ['policy', 'wellbeing'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
/** `api`: a lead saved it; `file`: read from GAME_POLICIES_FILE at start-up; `default`: built in. */
export type DocumentSource = 'api' | 'file' | 'default';

export interface DocumentVersion<T = unknown> {
  kind: DocumentKind;
  version: number;
  body: T;
  contentHash: string;
  source: DocumentSource;
  createdAt: string;
  createdBy: string;
  note?: string;
}

export interface HeadPointer {
  version: number;
  since: string;
  by: string;
}

/** Which version is in force (`active`) and which runs beside it without deciding (`shadow`). */
export interface DocumentHeads {
  active?: HeadPointer;
  shadow?: HeadPointer;
}

export type HeadRole = 'active' | 'shadow';

export type PointOutcome = 'moved' | 'unchanged' | 'conflict' | 'not-found';

export interface Activation {
  version: number | null;
  at: string;
  by: string;
}

/**
 * Versions are immutable and numbered 1, 2, ... per kind; a head moves by one conditional
 * statement, which writes its audit entry (moderation audit log) in the same statement. The
 * store does not validate bodies: callers validate with the kind's schema before they create or
 * point at a version.
 */
export interface VersionedDocuments {
  create(kind: DocumentKind, body: unknown, meta: { by: string; note?: string; source: DocumentSource; contentHash: string; now: Date }): Promise<DocumentVersion>;
  /**
   * The seed of a kind at start-up, safe from every replica at once: `default` creates and
   * activates version 1 only when the kind has no version; `file` creates and activates a version
   * unless the latest version read from a file has this content (an unchanged file changes nothing).
   */
  seed(kind: DocumentKind, body: unknown, meta: { by: string; source: 'file' | 'default'; contentHash: string; now: Date }): Promise<{ version: number; created: boolean }>;
  get(kind: DocumentKind, version: number): Promise<DocumentVersion | undefined>;
  /** Newest first; `before` pages by version. */
  list(kind: DocumentKind, opts: { limit: number; before?: number }): Promise<DocumentVersion[]>;
  heads(kind: DocumentKind): Promise<DocumentHeads>;
  /**
   * Points `role` at `version` (null clears a shadow). With `expected`, only if the head is still
   * at that version (null: unset), else `conflict`; `not-found` when the version does not exist.
   */
  point(kind: DocumentKind, role: HeadRole, version: number | null, opts: { by: string; now: Date; expected?: number | null; detail?: Record<string, unknown> }): Promise<PointOutcome>;
  /** The head's moves, newest first. */
  activations(kind: DocumentKind, role: HeadRole, limit: number): Promise<Activation[]>;
}

// --- Shadow ---------------------------------------------------------------------------------------

/**
 * Where a message went and what it got. `analysis` and `review`: a candidate policy would have sent
 * it to the deep model or a moderator, so its verdict is not known.
 */
export type OutcomePath = DecidedBy | 'analysis' | 'review';

export interface Outcome {
  path: OutcomePath;
  verdict?: Verdict;
  action?: Action['type'];
  durationSeconds?: number;
  rule?: string;
}

/** One decision as the active policy made it and as the shadow (candidate) policy would have. */
export interface ShadowComparison {
  at: string;
  gameId: string;
  messageId: string;
  playerId: string;
  activeVersion: number;
  shadowVersion: number;
  real: Outcome;
  wouldBe: Outcome;
}

/** Comparisons grouped by what happened and what would have (counts and distinct players). */
export interface ShadowTransition {
  real: Outcome;
  wouldBe: Outcome;
  messages: number;
  players: number;
}

export interface ShadowTallies {
  /** Messages both policies allowed on the same path: counted only, not kept one by one. */
  quiet: number;
  transitions: ShadowTransition[];
  /** Distinct players per action type, for real and would-be outcomes. */
  players: { real: Record<string, number>; wouldBe: Record<string, number> };
  /** A few comparisons whose outcomes differ, newest first. */
  examples: ShadowComparison[];
}

export interface ShadowLog {
  /** Keeps each comparison (a quiet one only as a count); idempotent by shadow version and messageId. */
  record(rows: readonly ShadowComparison[]): Promise<void>;
  tallies(q: { shadowVersion: number; since: Date; until: Date; games?: readonly string[]; examples: number }): Promise<ShadowTallies>;
  /** Forgets comparisons older than `before`; returns how many rows went. */
  purge(before: Date): Promise<number>;
}

// --- Decision tallies -------------------------------------------------------------------------------

/** How long a tally's slot is: the dashboard's finest bucket. */
export const TALLY_SLOT_SECONDS = 10;

/** Final decisions of one slot with the same labels: what `sinbin_final_decisions_total` counts, kept for the dashboard. */
export interface DecisionTally {
  /** The start of its TALLY_SLOT_SECONDS slot. */
  slot: string;
  gameId: string;
  path: DecidedBy;
  verdict: Verdict;
  action: Action['type'];
  /** The main category of a blocked message; null when allowed or none stood out. */
  category: string | null;
  modelVersion: string;
  policyVersion: number | null;
  count: number;
  latencyMsSum: number;
}

export type BucketTally = Omit<DecisionTally, 'slot'> & { bucket: string };

export interface DecisionStats {
  /** Adds the counts to their slots (an upsert per row). */
  add(tallies: readonly DecisionTally[]): Promise<void>;
  /** Tallies summed into buckets of `bucketSeconds` (aligned to the epoch), oldest first. */
  query(q: { since: Date; until: Date; bucketSeconds: number; games?: readonly string[] }): Promise<BucketTally[]>;
}

// --- Moderators' exposure ---------------------------------------------------------------------------

export interface ExposureEvent {
  username: string;
  caseId: string;
  gameId: string;
  /** `view`: the moderator opened the case; `reveal`: they unmasked its worst terms. */
  kind: 'view' | 'reveal';
  /** The case holds the worst content (masked terms, or severity in the top band). */
  severe: boolean;
  at: Date;
}

export interface ExposureCounts {
  username: string;
  viewed: number;
  severe: number;
  reveals: number;
  /** Severe cases viewed since the moderator's last break (inside the period). */
  severeSinceBreak: number;
  lastBreakAt?: string;
  firstAt?: string;
  lastAt?: string;
}

export interface ExposureStore {
  /** Counts a view or reveal once per moderator, case and kind; false when already counted. */
  record(e: ExposureEvent): Promise<boolean>;
  takeBreak(username: string, at: Date): Promise<void>;
  /** Per moderator who viewed anything in the period (or just `username`), by username. */
  counts(q: { since: Date; until: Date; username?: string }): Promise<ExposureCounts[]>;
}
