// Ports the function cores depend on. Each has an in-memory adapter for the embedded runtime and
// tests (stores/memory.ts) and a shared-store adapter on the real stack.
import type { WireRecord } from './transport/record';
import type { ContextLine } from './scoring/types';
import type { Action, ChatMessage, FinalDecision, ModerationCase, ModerationResult, Verdict } from './events';

/** Puts records on topics; resolves only once every record is durably stored. */
export interface Publisher {
  publish(records: readonly WireRecord[]): Promise<void>;
}

export interface StoredContextLine extends ContextLine {
  messageId: string;
  sentAt: string;
}

/** The recent conversation of each channel, shared by every instance of a function. */
export interface ContextStore {
  /** Idempotent by messageId: a redelivered message is not appended twice. */
  append(channelKey: string, line: StoredContextLine): Promise<void>;
  /** Up to `limit` lines before `beforeMessageId` (or the newest ones), oldest first. */
  recent(channelKey: string, limit: number, beforeMessageId?: string): Promise<StoredContextLine[]>;
  /** Lines after a message, for moderators reading what happened next. */
  after(channelKey: string, messageId: string, limit: number): Promise<StoredContextLine[]>;
}

/** Which messages already have a final decision, so redelivery never decides twice. */
export interface DecisionLedger {
  get(gameId: string, messageId: string): Promise<FinalDecision | undefined>;
  /** Stores the decision unless one exists; returns the decision that holds. */
  putIfAbsent(decision: FinalDecision): Promise<{ decision: FinalDecision; created: boolean }>;
}

/** Offences per player, so rules can escalate warn -> mute -> kick -> ban. */
export interface OffenceStore {
  /** Records an offence once per messageId; returns the count inside the window, this one included. */
  record(gameId: string, playerId: string, messageId: string, at: Date, windowMs: number): Promise<number>;
}

export type CaseStatus = 'pending' | 'decided' | 'expired';

export interface StoredCase {
  case: ModerationCase;
  status: CaseStatus;
  result?: ModerationResult;
  /** False between closing a case and its result reaching moderation-results (an outbox). */
  published?: boolean;
}

export interface CaseVerdict {
  verdict: Verdict;
  category?: ModerationResult['category'];
  action?: Action;
  note?: string;
  moderatorId: string;
}

/** Moderation cases; a verdict takes effect once. */
export interface CaseStore {
  open(c: ModerationCase): Promise<{ created: boolean }>;
  get(caseId: string): Promise<StoredCase | undefined>;
  listPending(filter: { gameId?: string; limit: number }): Promise<ModerationCase[]>;
  countPending(gameId?: string): Promise<number>;
  /** Atomically moves a pending case to decided; `already-closed` if someone else got there first. */
  close(caseId: string, result: ModerationResult, status: 'decided' | 'expired'): Promise<'closed' | 'already-closed' | 'not-found'>;
  /** Pending cases whose dueAt has passed. */
  listDue(now: Date, limit: number): Promise<ModerationCase[]>;
  /** Closed cases whose result is not yet published, for the outbox to (re)publish. */
  listUnpublished(limit: number): Promise<ModerationResult[]>;
  markPublished(caseId: string): Promise<void>;
}

/** Blobs by key: the filesystem here, MinIO / S3 on the real stack. */
export interface ObjectStore {
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<string[]>;
}

/** Where final decisions are kept for games to read back by id. */
export interface DecisionStore {
  put(decision: FinalDecision): Promise<boolean>;
  get(gameId: string, messageId: string): Promise<FinalDecision | undefined>;
}

export type { ChatMessage };
