// Ports the functions depend on. Each store has an in-memory adapter for the embedded runtime and
// tests and a shared adapter on the real stack (@sinbin/stores); logging and metrics are provided
// by the runtime (pino, prom-client), so functions stay free of both.
import type { WireRecord } from './records';
import type { ContextLine } from './scorer';
import type { AuditEntry, PlayerCaseLine } from './moderation-api';
import type { ModelRegistry } from './lifecycle';
import type { Action, ChatMessage, FinalDecision, ModerationCase, ModerationResult, Verdict } from './events';
import type { DecisionStats, ExposureStore, ShadowLog, VersionedDocuments } from './lead-ports';
import type { AppealStore, LimitWindows, ReputationStore, TermListStore } from './trust-ports';

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
  /** Appends the line (idempotently) and returns up to `limit` lines before it, oldest first. */
  appendAndRecall(channelKey: string, line: StoredContextLine, limit: number): Promise<StoredContextLine[]>;
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
  /** Replaces the decision by a revised one (an appeal overturned it) unless it holds this revision or a later one; true when it replaced it. */
  revise(decision: FinalDecision): Promise<boolean>;
}

/** Offences per player, so rules can escalate warn -> mute -> kick -> ban. */
export interface OffenceStore {
  /** Records an offence once per messageId; returns the count inside the window, this one included. */
  record(gameId: string, playerId: string, messageId: string, at: Date, windowMs: number): Promise<number>;
  /** The player's offences inside the window ending at `at`, recording nothing (a shadow policy's view). */
  count(gameId: string, playerId: string, at: Date, windowMs: number): Promise<number>;
  /** Forgets an offence (an appeal overturned it), so it no longer escalates the next one. */
  forget(gameId: string, playerId: string, messageId: string): Promise<void>;
}

export type CaseStatus = 'pending' | 'decided' | 'expired';

/** A moderator's hold on a pending case while they review it; it lapses at `until`. */
export interface CaseClaim {
  moderatorId: string;
  until: string;
}

export interface StoredCase {
  case: ModerationCase;
  status: CaseStatus;
  result?: ModerationResult;
  /** False between closing a case and its result reaching moderation-results (an outbox). */
  published?: boolean;
  /** The live claim of a pending case (absent when nobody holds it or the lease lapsed). */
  claim?: CaseClaim;
  /** A decided case's verdict can be undone until then; it is published only afterwards. */
  undoUntil?: string;
}

export interface CaseVerdict {
  verdict: Verdict;
  category?: ModerationResult['category'];
  action?: Action;
  note?: string;
  moderatorId: string;
}

/** Where a case stands in the review queue, fixed when it opens. */
export interface CaseRank {
  /** openedAt moved earlier by the case's priority boost: the queue is ordered by it. */
  rankAt: string;
  /** The player's earlier cases in this game, and how many of them ended blocked. */
  priorCases: number;
  priorBlocks: number;
}

export interface QueuedCase extends CaseRank {
  case: ModerationCase;
  claim?: CaseClaim;
}

export interface GameQueueCounts {
  gameId: string;
  pending: number;
  /** Pending cases a moderator holds a live claim on. */
  claimed: number;
  oldestOpenedAt: string;
}

export interface QueueCounts {
  pending: number;
  claimed: number;
  oldestOpenedAt?: string;
  /** Decided cases whose result is not published yet (undo window or outbox). */
  awaitingPublish: number;
  byGame: GameQueueCounts[];
  /** `awaitingPublish` per game, so a moderator's scope can be counted alone. */
  awaitingByGame?: Record<string, number>;
}

/** Which games a moderator works on: a list, or every game (`*`, leads and API tokens). */
export type GameScope = '*' | readonly string[];

/** One moderator's verdicts in a period, and how often they agreed with the models' reading. */
export interface ModeratorThroughput {
  moderatorId: string;
  decided: number;
  blocked: number;
  /** Verdicts equal to the models' provisional verdict. */
  agreedWithModel: number;
}

export interface ReviewStats {
  moderators: ModeratorThroughput[];
  /** Verdicts per bucket and moderator. */
  throughput: { bucket: string; moderatorId: string; decided: number }[];
  /** Cases closed at their deadline in the period, by what the game's rule gave them. */
  lapsed: Record<'allow' | 'model' | 'hold', number>;
  /** Pending cases and the age of the oldest at the end of each bucket. */
  depth: { at: string; pending: number; oldestAgeSeconds: number }[];
}


export interface PlayerHistory {
  cases: number;
  blocked: number;
  recent: PlayerCaseLine[];
}

export type ClaimOutcome =
  | { status: 'claimed'; claim: CaseClaim; renewed: boolean }
  | { status: 'taken'; claim: CaseClaim }
  | { status: 'closed' }
  | { status: 'not-found' };

export type DecideOutcome = 'decided' | 'not-holder' | 'already-closed' | 'not-found';

export type UndoOutcome = { status: 'reopened'; claim: CaseClaim } | { status: 'too-late' } | { status: 'not-yours' } | { status: 'not-found' };

export interface DecideOptions {
  moderatorId: string;
  now: Date;
  /** The verdict is held back (undoable) until then; without it, it is due for publishing at once. */
  undoUntil?: Date;
  /**
   * True: only the holder of a live claim may decide. False: the verdict also takes an
   * unclaimed (or lapsed) case in the same statement; a live claim of someone else still wins.
   */
  requireClaim: boolean;
}

/**
 * Moderation cases; a verdict takes effect once. Claims, verdicts and undos are single
 * conditional statements, so concurrent moderators are arbitrated by the store, and each of
 * them appends its audit entry in the same statement.
 */
export interface CaseStore {
  /** Idempotent by caseId. Without a rank the case queues by its age alone. */
  open(c: ModerationCase, rank?: CaseRank): Promise<{ created: boolean }>;
  get(caseId: string, now?: Date): Promise<StoredCase | undefined>;
  listPending(filter: { gameId?: string; limit: number }): Promise<ModerationCase[]>;
  countPending(gameId?: string): Promise<number>;
  /**
   * Pending cases by rank, without those someone other than `viewer` holds a live claim on; only
   * the games in `games` when given (a moderator's scope).
   */
  queue(filter: { gameId?: string; games?: readonly string[]; limit: number; now: Date; viewer?: string }): Promise<QueuedCase[]>;
  counts(now: Date): Promise<QueueCounts>;
  /** Verdicts, lapsed cases and queue depth over a period, for the leads' dashboard. */
  reviewStats(q: { since: Date; until: Date; bucketSeconds: number; games?: readonly string[] }): Promise<ReviewStats>;
  /** The player's cases in a game other than `exceptCaseId`, newest first, and their totals. */
  playerHistory(gameId: string, playerId: string, opts: { exceptCaseId?: string; limit: number }): Promise<PlayerHistory>;
  /** Takes (or renews) the lease on a pending case; exactly one of concurrent claimers wins. */
  claim(caseId: string, moderatorId: string, now: Date, leaseMs: number): Promise<ClaimOutcome>;
  /** Gives a held case back to the queue; false when the caller did not hold it. */
  release(caseId: string, moderatorId: string, now: Date): Promise<boolean>;
  /** Clears lapsed leases (the cases are back in the queue); returns those cases. */
  releaseLapsed(now: Date, limit: number): Promise<{ caseId: string; gameId: string }[]>;
  /**
   * A `hold` deadline passed: the pending case waits until `until` (its new dueAt) and is marked
   * held, once; false when it is no longer pending or already held.
   */
  hold(caseId: string, until: Date, now: Date): Promise<boolean>;
  /** A moderator's verdict: pending -> decided, once. */
  decide(caseId: string, result: ModerationResult, opts: DecideOptions): Promise<DecideOutcome>;
  /** Reopens the caller's own verdict while its undo window is open; they keep the claim. */
  undo(caseId: string, moderatorId: string, now: Date, leaseMs: number): Promise<UndoOutcome>;
  /** Atomically moves a pending case to decided; `already-closed` if someone else got there first. */
  close(caseId: string, result: ModerationResult, status: 'decided' | 'expired'): Promise<'closed' | 'already-closed' | 'not-found'>;
  /** Pending cases whose dueAt has passed. */
  listDue(now: Date, limit: number): Promise<ModerationCase[]>;
  /** Closed cases whose result is not yet published (and whose undo window, if any, has passed). */
  listUnpublished(limit: number, now?: Date): Promise<ModerationResult[]>;
  markPublished(caseId: string): Promise<void>;
}

export type ModeratorRole = 'moderator' | 'lead';

export interface ModeratorAccount {
  username: string;
  role: ModeratorRole;
  /** The games whose cases the moderator sees; `*` all of them. Leads always see every game. */
  games: string[];
  createdAt: string;
  createdBy?: string;
  disabledAt?: string;
}

export interface ModeratorSession {
  username: string;
  role: ModeratorRole;
  games: string[];
  expiresAt: string;
}


/** Moderator accounts, their sessions and the audit log of what they did. */
export interface ModeratorStore {
  /** `games` defaults to `['*']` (every game), as accounts had before games were assigned. */
  create(account: { username: string; role: ModeratorRole; passwordHash: string; createdBy?: string; games?: readonly string[] }, now: Date): Promise<'created' | 'exists'>;
  /** Replaces the account's games and audits it in the same statement; the previous list, or undefined for no such account. */
  setGames(username: string, games: readonly string[], by: string, now: Date): Promise<string[] | undefined>;
  /** The account and its password hash, for login; disabled accounts included. */
  find(username: string): Promise<(ModeratorAccount & { passwordHash: string }) | undefined>;
  list(): Promise<ModeratorAccount[]>;
  /** Disables an account and ends its sessions. */
  disable(username: string, now: Date): Promise<boolean>;
  startSession(tokenHash: string, username: string, now: Date, expiresAt: Date): Promise<void>;
  /** The live session of a token hash: unexpired, of an enabled account. */
  session(tokenHash: string, now: Date): Promise<ModeratorSession | undefined>;
  endSession(tokenHash: string): Promise<void>;
  purgeSessions(now: Date): Promise<number>;
  audit(entry: { at: Date; actor: string; action: string; caseId?: string; detail?: Record<string, unknown> }): Promise<void>;
  /** Newest first; `before` pages by seq. */
  auditLog(filter: { limit: number; before?: number; caseId?: string; actor?: string }): Promise<AuditEntry[]>;
}

/** Blobs by key in one bucket: a directory on the embedded default, MinIO / S3 on the real stack. */
export interface ObjectStore {
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keys under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes a key; removing a missing key is not an error. */
  remove(key: string): Promise<void>;
}

/** Where final decisions are kept for games to read back by id. */
export interface DecisionStore {
  put(decision: FinalDecision): Promise<boolean>;
  get(gameId: string, messageId: string): Promise<FinalDecision | undefined>;
  /** The decisions that exist among these messages of one game (absent ones are left out). */
  getMany(gameId: string, messageIds: readonly string[]): Promise<FinalDecision[]>;
  /** Replaces the stored decision by a revised one (decision.revised) unless it holds this revision or a later one; true when it replaced it. */
  revise(decision: FinalDecision): Promise<boolean>;
  /**
   * Stores the decision unless one is stored for its message and, in the same write, owes the new
   * one to the game's webhook (adds it to the outbox) when `owed`: a decision is stored exactly when
   * it is owed, so a crash between the two can neither lose a webhook nor owe a redelivery twice.
   * True when this call stored it. Concurrent calls may share one write.
   */
  putOwed(decision: FinalDecision, owed: boolean): Promise<boolean>;
}

/** A client-supplied messageId as the gateway first accepted it: what it carried and whether it is on raw-messages. */
export interface SentMessage {
  gameId: string;
  messageId: string;
  /** A digest of what the client sent (channel, player, text, sentAt, locale), so a repeat can be told from a reuse. */
  fingerprint: string;
}

/** `new`: first sight, the caller must publish it; `repeat`: same content seen before; `conflict`: the id was used for other content. */
export type SendClaim = { outcome: 'new' } | { outcome: 'repeat'; published: boolean } | { outcome: 'conflict' };

/**
 * Idempotent sends: a messageId is claimed before its message is published, marked once it is on
 * the topic, and released when publishing failed, so a retry publishes it again. Shared by every
 * gateway replica (PostgreSQL on the real stack), so a retry that lands elsewhere is still a repeat.
 */
export interface SendLedger {
  /** Claims each id (atomically per id): concurrent claims of one id see one `new`. */
  claim(sends: readonly SentMessage[], now: Date): Promise<SendClaim[]>;
  markPublished(sends: readonly SentMessage[]): Promise<void>;
  /** Forgets claims not yet published (publishing failed); published ones stay. */
  release(sends: readonly SentMessage[]): Promise<void>;
  /** Forgets ids first seen before `before` (the idempotency window); returns how many. */
  purge(before: Date): Promise<number>;
}

export interface ApiKeyRecord {
  keyId: string;
  gameId: string;
  /** SHA-256 (hex) of the key's secret part; the key itself is never stored. */
  secretHash: string;
  label?: string;
  createdAt: string;
  revokedAt?: string;
}

/** Game API keys created through the admin API (the configured ones live in config). */
export interface ApiKeyStore {
  /** Adds a key unless the game already has `maxActive` live keys; the check and insert are one step. */
  create(key: ApiKeyRecord, maxActive: number): Promise<'created' | 'limit'>;
  find(keyId: string): Promise<ApiKeyRecord | undefined>;
  list(filter: { gameId?: string; includeRevoked: boolean }): Promise<ApiKeyRecord[]>;
  /** Revokes a live key; false when there is none by that id. */
  revoke(keyId: string, at: Date): Promise<boolean>;
}

export type WebhookAttemptOutcome = 'delivered' | 'failed' | 'refused' | 'dead-lettered';

/** One try at delivering a batch of decisions to a game's webhook. */
export interface WebhookAttempt {
  gameId: string;
  /** The Standard Webhooks `webhook-id`: the same for every try of one batch. */
  deliveryId: string;
  attempt: number;
  at: string;
  outcome: WebhookAttemptOutcome;
  httpStatus?: number;
  error?: string;
  messageIds: string[];
}

/** A batch whose last try failed: kept whole, so it can be inspected and delivered again. */
export interface WebhookDeadLetter {
  gameId: string;
  deliveryId: string;
  at: string;
  attempts: number;
  reason: string;
  payload: string;
}

/** What happened to each game's webhook deliveries. */
export interface WebhookLog {
  record(attempt: WebhookAttempt): Promise<void>;
  deadLetter(letter: WebhookDeadLetter): Promise<void>;
  /** Newest first. */
  attempts(gameId: string, limit: number): Promise<WebhookAttempt[]>;
  deadLetters(gameId: string, limit: number): Promise<WebhookDeadLetter[]>;
}

/**
 * Decisions handed to a game's webhook and not yet confirmed by it: written before the consumer's
 * offset moves on and removed once the game answers, so a restart resends what was in flight.
 * Webhook delivery is at-least-once; the decision's messageId is the receiver's idempotency key.
 */
export interface WebhookOutbox {
  add(decision: FinalDecision): Promise<void>;
  /** Up to `limit` unconfirmed decisions (after a restart: what may or may not have arrived). */
  pending(limit: number): Promise<FinalDecision[]>;
  /** The game confirmed these (or refused them for good): they are not sent again. */
  remove(gameId: string, messageIds: readonly string[]): Promise<void>;
  /** Resolves once every add so far is on disk, where add resolves earlier (the embedded log); sending waits for it. */
  durable?(): PromiseLike<unknown>;
}

export type { ChatMessage };

/** Every store a runtime can hand a function; a function names the ones it uses. */
export interface StoreSet {
  context: ContextStore;
  ledger: DecisionLedger;
  offences: OffenceStore;
  cases: CaseStore;
  /** Moderator accounts, sessions and the audit log (next to the cases they act on). */
  moderators: ModeratorStore;
  decisions: DecisionStore;
  /** The gateway's decisions awaiting webhook confirmation. */
  outbox: WebhookOutbox;
  /** The training-data bucket (model-training-data, batched by game and day). */
  objects: ObjectStore;
  /** The gateway's idempotent sends. */
  sends: SendLedger;
  /** Game API keys made through the gateway's admin API. */
  apiKeys: ApiKeyStore;
  /** Webhook delivery attempts and dead letters. */
  webhooks: WebhookLog;
  /** The model-artefacts bucket: one prefix per registered model version. */
  artefacts: ObjectStore;
  /** Registered models, versions, aliases and training runs (MLflow, or a registry file). */
  registry: ModelRegistry;
  /** Versioned lead-managed documents: policies, wellbeing settings (beside the moderation tables). */
  documents: VersionedDocuments;
  /** What a candidate policy in shadow would have done, beside what was done. */
  shadow: ShadowLog;
  /** Final decisions per 10-second slot, for the leads' dashboard. */
  decisionStats: DecisionStats;
  /** Moderators' exposure to the worst content and their breaks. */
  exposure: ExposureStore;
  /** The recent traffic the flood and spam limits count. */
  limits: LimitWindows;
  /** Players' offences, activity and the evidence of each blocked message. */
  reputation: ReputationStore;
  /** Players' appeals, one per decision. */
  appeals: AppealStore;
  /** Studios' term lists, versioned. */
  termLists: TermListStore;
}

/** Stores that hold no per-message state: a function using only these needs no shared database. */
export const STATELESS_STORES: readonly (keyof StoreSet)[] = ['objects', 'artefacts', 'registry'];

type LogFn = {
  (obj: object, msg?: string): void;
  (msg: string): void;
};

/** Structured JSON logging (pino on every runtime). Message text never goes into info-level fields. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

export interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

export interface Counter<L extends string> {
  inc(labels: Record<L, string>, value?: number): void;
}

export interface Histogram<L extends string> {
  observe(labels: Record<L, string>, value: number): void;
}

export interface Gauge<L extends string> {
  set(labels: Record<L, string>, value: number): void;
}

/**
 * Prometheus metrics a function declares for itself; every process exposes them at GET /metrics.
 * Declaring the same name again returns the same metric, so an instance that scales to zero and
 * back keeps counting.
 */
export interface Metrics {
  counter<L extends string>(spec: MetricSpec<L>): Counter<L>;
  histogram<L extends string>(spec: MetricSpec<L> & { buckets: readonly number[] }): Histogram<L>;
  gauge<L extends string>(spec: MetricSpec<L>): Gauge<L>;
}

export type { AuditEntry, PlayerCaseLine };
