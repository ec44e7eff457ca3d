// The moderation API's JSON, as the UI reads it: the contract's own types (z.infer of the schemas
// the moderation function validates and answers with), so the UI cannot drift from the server.
// Imported from @sinbin/contract/browser, which carries no zod into the bundle.
import type { Action, CaseContextResponse, ChannelLine, QueueCounts as StoreQueueCounts, Role } from '@sinbin/contract/browser';

export { CATEGORIES, OFFENCE_CATEGORIES, categoryScore } from '@sinbin/contract/browser';
export type {
  AuditEntry,
  Category,
  OffenceCategory,
  ChatMessage,
  Claim,
  DashboardResponse,
  HeadMoveResponse,
  MaskSpan,
  ModelScore,
  ModerationCase,
  MyExposureResponse,
  PoliciesResponse,
  PolicyDiffResponse,
  PolicyValidationResponse,
  PolicyVersionResponse,
  QueueCase,
  QueueResponse,
  Role,
  ShadowReportResponse,
  TeamExposureResponse,
  TermEntry,
  TermListEditor,
  TermListGames,
  TermListSaved,
  Verdict,
  WellbeingSettings,
} from '@sinbin/contract/browser';
export type { ModeratorAccount } from '@sinbin/contract/browser';
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

/** An account as GET /v1/moderators lists it. */
export interface TeamMember {
  username: string;
  role: Role;
  games: string[];
  createdAt: string;
  disabledAt?: string;
}
