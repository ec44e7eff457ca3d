// The moderation API's JSON, as the UI reads it: the contract's own types (z.infer of the schemas
// the moderation function validates and answers with), so the UI cannot drift from the server.
// Imported from @sinbin/contract/browser, which carries no zod into the bundle.
import type { Action, CaseContextResponse, ChannelLine, QueueCounts as StoreQueueCounts, Role } from '@sinbin/contract/browser';

export { CATEGORIES } from '@sinbin/contract/browser';
export type { AuditEntry, Category, ChatMessage, Claim, ModelScore, ModerationCase, QueueCase, QueueResponse, Role, Verdict } from '@sinbin/contract/browser';
export type QueueCounts = Omit<StoreQueueCounts, 'oldestOpenedAt'> & { oldestOpenedAt?: string | null };
export type ContextLine = ChannelLine;
export type CaseContext = CaseContextResponse;
export type ActionChoice = Action;

/** The signed-in moderator, as the UI keeps it (from POST /v1/auth/login or GET /v1/me). */
export interface Session {
  token: string;
  username: string;
  role: Role;
  expiresAt: string | null;
}
