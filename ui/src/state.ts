// The UI's one state object and the screen regions drawn from it. Views read `state` and redraw
// their region; actions change `state` and ask the views to redraw.
import type { Api } from './api';
import { formatAge, formatCountdown } from './format';
import type { AuditEntry, CaseContext, Claim, MyExposureResponse, QueueCase, QueueCounts, QueueResponse, Session } from './types';

/** Where the session (this tab), the API address and the last way of signing in are kept. */
export const SESSION_KEY = 'sinbin.session';
export const API_KEY = 'sinbin.api';
export const METHOD_KEY = 'sinbin.signin-method';

export interface Current {
  entry: QueueCase;
  claim: Claim;
  context?: CaseContext;
  contextError?: string;
  action: string;
  note: string;
  sending: boolean;
  /** Set when the case left us (lease lapsed and someone else took it, or it expired). */
  lost?: string;
  /** The moderator unmasked the worst terms of this case (V). */
  revealed?: boolean;
}

/** The views of the signed-in app; leads have the last five. */
export type View = 'review' | 'dashboard' | 'policies' | 'terms' | 'team' | 'audit';

export interface LastVerdict {
  entry: QueueCase;
  undoUntil: number;
  label: string;
}

export const state: {
  apiBase: string;
  api?: Api;
  session?: Session;
  view: View;
  game: string;
  queue?: QueueResponse;
  counts?: QueueCounts;
  queueError?: string;
  selected?: string;
  current?: Current;
  lastVerdict?: LastVerdict;
  live: 'connecting' | 'live' | 'offline';
  audit?: { entries: AuditEntry[]; next?: number; error?: string; loading: boolean };
  /** The moderator's exposure to the worst content today, and whether a break is due. */
  exposure?: MyExposureResponse;
  /** A dismissed break reminder stays away until this many more of the worst cases. */
  breakSnoozedAt?: number;
  serverSkewMs: number;
} = { apiBase: '', view: 'review', game: '', live: 'connecting', serverSkewMs: 0 };

export const app = document.getElementById('app')!;
export const regions: {
  header?: HTMLElement;
  queue?: HTMLElement;
  main?: HTMLElement;
  toast?: HTMLElement;
  help?: HTMLDialogElement;
  banner?: HTMLElement;
  /** The break reminder, above the workspace. */
  wellbeing?: HTMLElement;
} = {};

/** The server's clock, so ages and countdowns don't depend on this machine's. */
export const serverNow = () => Date.now() + state.serverSkewMs;
/** How long ago a server time was ("4m") and how long until one ("1:05"), by the server's clock. */
export const ageOf = (iso: string) => formatAge(serverNow() - Date.parse(iso));
export const countdownTo = (iso: string) => formatCountdown(Date.parse(iso) - serverNow());

export const trimBase = (url: string) => url.trim().replace(/\/+$/, '');
