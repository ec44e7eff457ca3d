// The moderation API's JSON, as the UI reads it (functions/moderation/src/api.ts).
// The category list comes from the pipeline's own model interface, so the 1-5 keys never drift.
export { CATEGORIES, type Category } from '../../shared/contract/src/scorer';
import type { Category } from '../../shared/contract/src/scorer';
export type Verdict = 'allow' | 'block';
export type Role = 'moderator' | 'lead';

export interface ModelScore {
  toxicity: number;
  categories: Record<Category, number>;
  confidence?: number;
  evidence?: string[];
  modelVersion: string;
}

export interface ContextLine {
  messageId?: string;
  playerId?: string;
  text: string;
  sentAt?: string;
}

export interface ChatMessage {
  messageId: string;
  gameId: string;
  channelId: string;
  playerId: string;
  text: string;
  sentAt: string;
  receivedAt: string;
}

export interface Claim {
  moderatorId: string;
  until: string;
}

export interface ModerationCase {
  caseId: string;
  message: ChatMessage;
  context: ContextLine[];
  fast: ModelScore;
  deep?: ModelScore;
  reason: 'low-confidence' | 'model-unavailable';
  provisionalVerdict: Verdict;
  dueAt: string;
  openedAt: string;
}

export interface QueueCase extends ModerationCase {
  queue: { rankAt: string; severity: number; priorCases: number; priorBlocks: number; claim: Claim | null };
}

export interface GameCounts {
  gameId: string;
  pending: number;
  claimed: number;
  oldestOpenedAt: string;
}

export interface QueueCounts {
  pending: number;
  claimed: number;
  oldestOpenedAt?: string | null;
  awaitingPublish: number;
  byGame: GameCounts[];
}

export interface QueueResponse extends QueueCounts {
  now: string;
  cases: QueueCase[];
}

export interface PlayerCaseLine {
  caseId: string;
  messageId: string;
  text: string;
  openedAt: string;
  status: 'pending' | 'decided' | 'expired';
  verdict?: Verdict;
  category?: Category;
  resolution?: 'moderator' | 'expired';
  moderatorId?: string;
}

export interface CaseContext {
  caseId: string;
  source: 'channel' | 'case';
  before: ContextLine[];
  message: ChatMessage;
  after: ContextLine[];
  history: { cases: number; blocked: number; recent: PlayerCaseLine[] };
}

export interface Session {
  token: string;
  username: string;
  role: Role;
  expiresAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  caseId?: string;
  detail: Record<string, unknown>;
}

export interface ActionChoice {
  type: 'none' | 'warn' | 'mute' | 'kick' | 'ban';
  durationSeconds?: number;
}
