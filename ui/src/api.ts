// The moderation API from the browser: JSON requests with the session's bearer token, and the
// live event stream read through fetch (EventSource cannot send an Authorization header).
import {
  isApiErrorCode,
  type ApiErrorCode,
  type AuditResponse,
  type ClaimResponse,
  type LoginResponse,
  type MeResponse,
  type ReleaseResponse,
  type UndoResponse,
  type VerdictRequest,
  type VerdictResponse,
} from '@sinbin/contract/browser';
import type {
  CaseContext,
  DashboardResponse,
  HeadMoveResponse,
  MyExposureResponse,
  PoliciesResponse,
  PolicyDiffResponse,
  PolicyValidationResponse,
  PolicyVersionResponse,
  QueueResponse,
  Session,
  ShadowReportResponse,
  TeamExposureResponse,
  TeamMember,
  TermEntry,
  TermListEditor,
  TermListGames,
  TermListSaved,
  WellbeingSettings,
} from './types';

/** The API's error codes (the contract's vocabulary), or what went wrong before an answer came. */
export type ErrorCode = ApiErrorCode | 'network' | 'unknown';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class Api {
  constructor(
    readonly base: string,
    private token: string | undefined,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  private async request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiError(0, 'network', `Cannot reach the moderation API at ${this.base}`);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = { message: text.slice(0, 200) };
    }
    if (!res.ok) {
      if (res.status === 401 && this.token) this.onUnauthorized();
      throw new ApiError(res.status, isApiErrorCode(json.error) ? json.error : 'unknown', String(json.message ?? `HTTP ${res.status}`), json);
    }
    return json as T;
  }

  login(username: string, password: string) {
    return this.request<LoginResponse>('POST', '/v1/auth/login', { username, password });
  }
  me() {
    return this.request<MeResponse>('GET', '/v1/me');
  }
  logout() {
    return this.request<void>('POST', '/v1/auth/logout', {});
  }
  queue(gameId: string, limit = 100) {
    return this.request<QueueResponse>('GET', `/v1/cases?limit=${limit}${gameId ? `&gameId=${encodeURIComponent(gameId)}` : ''}`);
  }
  context(caseId: string) {
    return this.request<CaseContext>('GET', `/v1/cases/${encodeURIComponent(caseId)}/context`);
  }
  claim(caseId: string) {
    return this.request<ClaimResponse>('POST', `/v1/cases/${encodeURIComponent(caseId)}/claim`, {});
  }
  release(caseId: string) {
    return this.request<ReleaseResponse>('POST', `/v1/cases/${encodeURIComponent(caseId)}/release`, {});
  }
  verdict(caseId: string, body: VerdictRequest) {
    return this.request<VerdictResponse>('POST', `/v1/cases/${encodeURIComponent(caseId)}/verdict`, body);
  }
  undo(caseId: string) {
    return this.request<UndoResponse>('POST', `/v1/cases/${encodeURIComponent(caseId)}/undo`, {});
  }
  audit(before?: number) {
    return this.request<AuditResponse>('GET', `/v1/audit?limit=100${before ? `&before=${before}` : ''}`);
  }

  // --- wellbeing ---
  reveal(caseId: string) {
    return this.request<{ caseId: string; revealed: true; exposure: MyExposureResponse }>('POST', `/v1/cases/${encodeURIComponent(caseId)}/reveal`, {});
  }
  myExposure() {
    return this.request<MyExposureResponse>('GET', '/v1/me/exposure');
  }
  takeBreak() {
    return this.request<MyExposureResponse>('POST', '/v1/me/break', {});
  }

  // --- leads ---
  dashboard(period: string) {
    return this.request<DashboardResponse>('GET', `/v1/dashboard?period=${encodeURIComponent(period)}`);
  }
  teamExposure() {
    return this.request<TeamExposureResponse>('GET', '/v1/exposure');
  }
  moderators() {
    return this.request<{ moderators: TeamMember[] }>('GET', '/v1/moderators');
  }
  games() {
    return this.request<{ games: string[] }>('GET', '/v1/games');
  }
  termListGames() {
    return this.request<TermListGames>('GET', '/v1/term-lists');
  }
  termLists(gameId: string) {
    return this.request<TermListEditor>('GET', `/v1/games/${encodeURIComponent(gameId)}/term-lists`);
  }
  saveTermLists(gameId: string, lists: { block: TermEntry[]; allow: TermEntry[]; note?: string; expectedVersion: number | null }) {
    return this.request<TermListSaved>('PUT', `/v1/games/${encodeURIComponent(gameId)}/term-lists`, lists);
  }
  setGames(username: string, games: string[]) {
    return this.request<{ username: string; games: string[]; previous: string[] }>('PUT', `/v1/moderators/${encodeURIComponent(username)}/games`, { games });
  }
  wellbeing() {
    return this.request<{ version: number | null; settings: WellbeingSettings }>('GET', '/v1/settings/wellbeing');
  }
  policies() {
    return this.request<PoliciesResponse>('GET', '/v1/policies');
  }
  policy(version: number) {
    return this.request<PolicyVersionResponse>('GET', `/v1/policies/${version}`);
  }
  validatePolicy(policy: unknown) {
    return this.request<PolicyValidationResponse>('POST', '/v1/policies/validate', { policy });
  }
  createPolicy(policy: unknown, note?: string) {
    return this.request<PolicyVersionResponse>('POST', '/v1/policies', { policy, ...(note ? { note } : {}) });
  }
  policyDiff(version: number, against = 'active') {
    return this.request<PolicyDiffResponse>('GET', `/v1/policies/${version}/diff?against=${encodeURIComponent(against)}`);
  }
  activatePolicy(version: number, expected: number | null) {
    return this.request<HeadMoveResponse>('POST', `/v1/policies/${version}/activate`, { expected });
  }
  shadowPolicy(version: number) {
    return this.request<HeadMoveResponse>('POST', `/v1/policies/${version}/shadow`, {});
  }
  stopShadow() {
    return this.request<HeadMoveResponse>('DELETE', '/v1/policies/shadow', {});
  }
  rollbackPolicy(expected: number | null) {
    return this.request<HeadMoveResponse>('POST', '/v1/policies/rollback', { expected });
  }
  shadowReport(hours = 24) {
    return this.request<ShadowReportResponse>('GET', `/v1/policies/shadow/report?hours=${hours}`);
  }

  /** Follows /v1/events until stopped, reconnecting with backoff; the handler gets each event. */
  live(onEvent: (name: string, data: unknown) => void, onState: (state: 'connecting' | 'live' | 'offline') => void): () => void {
    const abort = new AbortController();
    let delay = 1000;
    const run = async () => {
      while (!abort.signal.aborted) {
        onState('connecting');
        try {
          const res = await fetch(`${this.base}/v1/events`, { headers: { authorization: `Bearer ${this.token ?? ''}` }, signal: abort.signal });
          if (res.status === 401) {
            this.onUnauthorized();
            return;
          }
          if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
          onState('live');
          delay = 1000;
          await readEvents(res.body, onEvent);
        } catch {
          if (abort.signal.aborted) return;
        }
        onState('offline');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(15_000, delay * 2);
      }
    };
    void run();
    return () => abort.abort();
  }
}

/** Parses a text/event-stream body: `event:` and `data:` lines, blank line ends an event. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (name: string, data: unknown) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length === 0) continue;
      try {
        onEvent(name, JSON.parse(data.join('\n')));
      } catch {
        // not JSON: not one of ours
      }
    }
  }
}

export function sessionFromLogin(r: Awaited<ReturnType<Api['login']>>): Session {
  return { token: r.token, username: r.moderator.username, role: r.moderator.role, expiresAt: r.expiresAt };
}
