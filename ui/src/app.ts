// The signed-in app: its frame, the live feed, keeping the queue fresh, switching views, and
// signing out.
import { releaseCurrent } from './actions';
import { Api, ApiError } from './api';
import { loadAudit, renderAudit } from './audit';
import { loadDashboard, renderDashboard, stopDashboard } from './dashboard';
import { loadPolicies, renderPolicies } from './policies';
import { loadTeam, renderTeam } from './team';
import { loadTermLists, renderTermLists } from './term-lists';
import { renderCase } from './case-view';
import { fill, h } from './dom';
import { renderBanner, renderHeader } from './header';
import { renderQueue } from './queue';
import { helpDialog } from './shortcuts';
import { showLogin } from './signin';
import { app, regions, SESSION_KEY, state, type View } from './state';
import { refreshExposure, renderBreakReminder } from './wellbeing';
import type { QueueCounts, Session } from './types';

let stopLive: (() => void) | undefined;
let refreshTimer: number | undefined;

export function startApp(session: Session, api: Api): void {
  state.session = session;
  state.api = api;
  state.view = 'review';
  document.title = 'Queue · sinbin moderation';
  regions.header = h('header', { class: 'topbar' });
  regions.banner = h('div', { class: 'banner', role: 'status', hidden: true });
  regions.queue = h('aside', { class: 'queue-pane', 'aria-labelledby': 'queue-title' });
  regions.main = h('main', { class: 'case-pane', id: 'case', 'aria-labelledby': 'case-title', tabindex: '-1' });
  regions.toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite', hidden: true });
  regions.help = helpDialog();
  regions.wellbeing = h('div', { class: 'break-reminder', role: 'status', id: 'break-reminder', hidden: true });
  fill(app, regions.header, regions.banner, regions.wellbeing, h('div', { class: 'workspace' }, regions.queue, regions.main), regions.toast, regions.help);
  renderAll();
  void refreshQueue();
  void refreshExposure();
  stopLive = api.live(onLiveEvent, (s) => {
    state.live = s;
    renderHeader();
    renderBanner();
    if (s === 'live') scheduleRefresh(0);
  });
}

/** The API as a signed-in moderator; a 401 (session ended or revoked) signs out. */
export function apiAs(token: string): Api {
  return new Api(state.apiBase, token, () => signedOut('Your session has ended. Sign in again.'));
}

/** Signing out on purpose: the case goes back to the queue and the session ends on the server. */
export async function signOut(): Promise<void> {
  await releaseCurrent();
  await state.api?.logout().catch(() => undefined);
  signedOut('You have signed out.');
}

/** Back to the sign-in screen, on purpose or because the session ended. */
export function signedOut(notice: string): void {
  stopLive?.();
  stopLive = undefined;
  sessionStorage.removeItem(SESSION_KEY);
  state.session = undefined;
  state.api = undefined;
  state.current = undefined;
  state.queue = undefined;
  state.lastVerdict = undefined;
  state.exposure = undefined;
  stopDashboard();
  showLogin(notice);
}

const TITLES: Record<View, string> = { review: 'Queue', dashboard: 'Dashboard', policies: 'Policies', terms: 'Term lists', team: 'Team', audit: 'Audit log' };

export function renderAll(): void {
  renderHeader();
  renderBanner();
  renderBreakReminder();
  switch (state.view) {
    case 'audit':
      return renderAudit();
    case 'dashboard':
      return renderDashboard();
    case 'policies':
      return renderPolicies();
    case 'terms':
      return renderTermLists();
    case 'team':
      return renderTeam();
    case 'review':
      renderQueue();
      renderCase();
  }
}

/** Switches view; the lead's views take the whole workspace and load what they show. */
export function setView(view: View): void {
  if (view === state.view) return;
  if (state.view === 'dashboard') stopDashboard();
  state.view = view;
  document.title = `${TITLES[view]} · sinbin moderation`;
  rebuildWorkspace();
  if (view === 'audit') void loadAudit(true);
  if (view === 'dashboard') void loadDashboard();
  if (view === 'policies') void loadPolicies();
  if (view === 'terms') void loadTermLists();
  if (view === 'team') void loadTeam();
}

export function rebuildWorkspace(): void {
  const workspace = app.querySelector('.workspace');
  if (!workspace || !regions.queue || !regions.main) return;
  regions.main.className = state.view === 'review' ? 'case-pane' : `case-pane wide-pane ${state.view}-pane`;
  if (state.view === 'review') fill(workspace, regions.queue, regions.main);
  else fill(workspace, regions.main);
  renderAll();
}

function onLiveEvent(name: string, data: unknown): void {
  const payload = data as { counts?: QueueCounts; changes?: { type: string; caseId: string; by?: string }[] };
  if (payload.counts) {
    state.counts = payload.counts;
    renderHeader();
  }
  if (name === 'queue') {
    const current = state.current;
    const taken = current && payload.changes?.find((c) => c.caseId === current.entry.caseId && c.type === 'claimed' && c.by !== state.session?.username);
    if (current && taken) {
      current.lost = `${taken.by ?? 'Someone'} claimed this case after your claim lapsed.`;
      renderCase();
    }
    scheduleRefresh(150);
  }
}

export function scheduleRefresh(ms: number): void {
  clearTimeout(refreshTimer);
  refreshTimer = window.setTimeout(() => void refreshQueue(), ms);
}

export async function refreshQueue(): Promise<void> {
  const api = state.api;
  if (!api) return;
  try {
    const sent = Date.now();
    const queue = await api.queue(state.game);
    if (api !== state.api) return;
    state.queue = queue;
    state.counts = queue;
    // The server read its clock about halfway through the round trip.
    state.serverSkewMs = Date.parse(queue.now) - (sent + Date.now()) / 2;
    state.queueError = undefined;
    const current = state.current;
    if (current && !current.lost && !queue.cases.some((c) => c.caseId === current.entry.caseId) && queue.cases.length < 100) {
      current.lost = 'This case left the queue: it was decided elsewhere, expired, or your claim lapsed and someone else took it.';
      renderCase();
    }
  } catch (err) {
    state.queueError = err instanceof ApiError ? err.message : String(err);
  }
  if (state.view === 'review') renderQueue();
  renderHeader();
  if (!state.current && state.view === 'review') renderCase();
}
