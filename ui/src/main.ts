// The moderator UI: sign in, work the queue by keyboard, read each case in its conversation,
// decide, undo. Vanilla TypeScript and DOM; state lives in one object and each screen region is
// redrawn from it.
import './style.css';
import { Api, ApiError, sessionFromLogin } from './api';
import { fill, h } from './dom';
import {
  assignSpeakers,
  categoryLabel,
  describeAudit,
  formatAge,
  formatCountdown,
  highlightSegments,
  initials,
  percent,
  routedBecause,
  severityLevel,
  topCategory,
} from './format';
import { commandFor, SHORTCUTS, type Command } from './keys';
import {
  CATEGORIES,
  type ActionChoice,
  type AuditEntry,
  type CaseContext,
  type Category,
  type Claim,
  type ContextLine,
  type QueueCase,
  type QueueCounts,
  type QueueResponse,
  type Session,
  type Verdict,
} from './types';

const SESSION_KEY = 'sinbin.session';
const API_KEY = 'sinbin.api';
const METHOD_KEY = 'sinbin.signin-method';
const PALETTE = 8;

const ACTIONS: { value: string; label: string; action?: ActionChoice }[] = [
  { value: '', label: 'By game rules' },
  { value: 'none', label: 'No action', action: { type: 'none' } },
  { value: 'warn', label: 'Warn', action: { type: 'warn' } },
  { value: 'mute-600', label: 'Mute 10 min', action: { type: 'mute', durationSeconds: 600 } },
  { value: 'mute-3600', label: 'Mute 1 h', action: { type: 'mute', durationSeconds: 3600 } },
  { value: 'kick', label: 'Kick', action: { type: 'kick' } },
  { value: 'ban-86400', label: 'Ban 24 h', action: { type: 'ban', durationSeconds: 86_400 } },
];

interface Current {
  entry: QueueCase;
  claim: Claim;
  context?: CaseContext;
  contextError?: string;
  action: string;
  note: string;
  sending: boolean;
  /** Set when the case left us (lease lapsed and someone else took it, or it expired). */
  lost?: string;
}

interface LastVerdict {
  entry: QueueCase;
  undoUntil: number;
  label: string;
}

const state: {
  apiBase: string;
  api?: Api;
  session?: Session;
  view: 'review' | 'audit';
  game: string;
  queue?: QueueResponse;
  counts?: QueueCounts;
  queueError?: string;
  selected?: string;
  current?: Current;
  lastVerdict?: LastVerdict;
  live: 'connecting' | 'live' | 'offline';
  audit?: { entries: AuditEntry[]; next?: number; error?: string; loading: boolean };
  serverSkewMs: number;
} = { apiBase: '', view: 'review', game: '', live: 'connecting', serverSkewMs: 0 };

const app = document.getElementById('app')!;
let stopLive: (() => void) | undefined;
let refreshTimer: number | undefined;
let toastTimer: number | undefined;
const regions: { header?: HTMLElement; queue?: HTMLElement; main?: HTMLElement; toast?: HTMLElement; help?: HTMLDialogElement; banner?: HTMLElement } = {};

/** The server's clock, so ages and countdowns don't depend on this machine's. */
const serverNow = () => Date.now() + state.serverSkewMs;

// --- Start-up -----------------------------------------------------------------------------------

async function resolveApiBase(): Promise<string> {
  const fromQuery = new URLSearchParams(location.search).get('api');
  if (fromQuery) return trimBase(fromQuery);
  const remembered = localStorage.getItem(API_KEY);
  if (remembered) return remembered;
  // A static host can drop a config.json next to index.html: {"apiBase": "https://..."}.
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (res.ok) {
      const config = (await res.json()) as { apiBase?: string };
      if (config.apiBase) return trimBase(config.apiBase);
    }
  } catch {
    // no config.json: fine
  }
  const built = import.meta.env.VITE_SINBIN_API as string | undefined;
  if (built) return trimBase(built);
  return location.protocol.startsWith('http') ? location.origin : 'http://127.0.0.1:8081';
}

const trimBase = (url: string) => url.trim().replace(/\/+$/, '');

async function boot(): Promise<void> {
  state.apiBase = await resolveApiBase();
  const saved = sessionStorage.getItem(SESSION_KEY);
  if (saved) {
    try {
      const session = JSON.parse(saved) as Session;
      const api = new Api(state.apiBase, session.token, () => signedOut('Your session has ended. Sign in again.'));
      await api.me();
      startApp(session, api);
      return;
    } catch {
      sessionStorage.removeItem(SESSION_KEY);
    }
  }
  showLogin();
}

// --- Login --------------------------------------------------------------------------------------

type SignInMethod = 'account' | 'token';

/**
 * One form, two ways in: an account (username and password) or a moderator token (the one
 * `make run` prints, or any from MODERATOR_TOKENS). Only the chosen way's fields are enabled, so
 * only they are required, and Enter in any field submits.
 */
function showLogin(notice?: string): void {
  document.title = 'Sign in · sinbin moderation';
  let method: SignInMethod = localStorage.getItem(METHOD_KEY) === 'token' ? 'token' : 'account';
  const error = h('p', { class: 'form-error', role: 'alert', id: 'login-error' }, notice ?? '');
  const apiInput = h('input', { id: 'login-api', name: 'api', type: 'url', value: state.apiBase, required: true, autocomplete: 'url', spellcheck: 'false' });
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const token = h('input', { id: 'login-token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'login-token-hint' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  // A disabled fieldset takes its fields out of the form, `required` included.
  const accountFields = h('fieldset', { class: 'login-fields', id: 'login-account' }, h('legend', { class: 'sr-only' }, 'Account'), h('label', { for: 'login-user' }, 'Username'), user, h('label', { for: 'login-pass' }, 'Password'), pass);
  const tokenFields = h(
    'fieldset',
    { class: 'login-fields', id: 'login-token-fields' },
    h('legend', { class: 'sr-only' }, 'Token'),
    h('label', { for: 'login-token' }, 'Moderator token'),
    token,
    h('p', { class: 'muted small', id: 'login-token-hint' }, 'The moderator token ', h('code', null, 'make run'), ' prints, or the part after the colon of a ', h('code', null, 'MODERATOR_TOKENS'), ' entry (name:token).'),
  );
  const choose = (m: SignInMethod) => {
    method = m;
    for (const [fields, shown] of [[accountFields, m === 'account'], [tokenFields, m === 'token']] as const) {
      fields.disabled = !shown;
      fields.hidden = !shown;
    }
  };
  const radio = (m: SignInMethod, label: string) => {
    const input = h('input', { type: 'radio', name: 'method', id: `login-method-${m}`, value: m, checked: method === m });
    input.addEventListener('change', () => {
      choose(m);
      error.textContent = '';
    });
    return h('span', { class: 'choice' }, input, h('label', { for: `login-method-${m}` }, label));
  };

  const form = h(
    'form',
    {
      class: 'login-card',
      'aria-labelledby': 'login-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        submit.disabled = true;
        submit.textContent = 'Signing in…';
        state.apiBase = trimBase(apiInput.value);
        try {
          let session: Session;
          if (method === 'token') {
            const api = new Api(state.apiBase, token.value.trim());
            const me = await api.me();
            session = { token: token.value.trim(), username: me.username, role: me.role, expiresAt: me.expiresAt };
          } else {
            session = sessionFromLogin(await new Api(state.apiBase, undefined).login(user.value.trim(), pass.value));
          }
          localStorage.setItem(API_KEY, state.apiBase);
          localStorage.setItem(METHOD_KEY, method);
          sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
          startApp(session, new Api(state.apiBase, session.token, () => signedOut('Your session has ended. Sign in again.')));
        } catch (err) {
          const e2 = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
          error.textContent =
            e2.status === 401 ? (method === 'token' ? 'That token is not valid.' : 'Wrong username or password.') : e2.status === 0 ? `Cannot reach the moderation API at ${state.apiBase}.` : e2.message;
          submit.disabled = false;
          submit.textContent = 'Sign in';
          (method === 'token' ? token : pass).focus();
        }
      },
    },
    h('h1', { id: 'login-title' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'sinbin moderation'),
    h('p', { class: 'muted' }, 'Review the chat messages the models could not decide.'),
    h('fieldset', { class: 'login-method' }, h('legend', null, 'Sign in with'), radio('account', 'Account'), radio('token', 'Token')),
    accountFields,
    tokenFields,
    error,
    submit,
    h('details', { class: 'login-more' }, h('summary', null, 'Server'), h('label', { for: 'login-api' }, 'Moderation API address'), apiInput),
  );
  choose(method);
  fill(app, h('main', { class: 'login-screen' }, form));
  (method === 'token' ? token : user).focus();
}

function signedOut(notice: string): void {
  stopLive?.();
  stopLive = undefined;
  sessionStorage.removeItem(SESSION_KEY);
  state.session = undefined;
  state.api = undefined;
  state.current = undefined;
  state.queue = undefined;
  state.lastVerdict = undefined;
  showLogin(notice);
}

// --- The app ------------------------------------------------------------------------------------

function startApp(session: Session, api: Api): void {
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
  fill(app, regions.header, regions.banner, h('div', { class: 'workspace' }, regions.queue, regions.main), regions.toast, regions.help);
  renderAll();
  void refreshQueue();
  stopLive = api.live(onLiveEvent, (s) => {
    state.live = s;
    renderHeader();
    renderBanner();
    if (s === 'live') scheduleRefresh(0);
  });
}

function renderAll(): void {
  renderHeader();
  renderBanner();
  if (state.view === 'audit') {
    renderAudit();
    return;
  }
  renderQueue();
  renderCase();
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

function scheduleRefresh(ms: number): void {
  clearTimeout(refreshTimer);
  refreshTimer = window.setTimeout(() => void refreshQueue(), ms);
}

async function refreshQueue(): Promise<void> {
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

// --- Header -------------------------------------------------------------------------------------

function renderHeader(): void {
  const header = regions.header;
  const session = state.session;
  if (!header || !session) return;
  const counts = state.counts;
  const games = counts?.byGame ?? [];
  const select = h(
    'select',
    {
      id: 'game-filter',
      onchange: (e: Event) => {
        state.game = (e.target as HTMLSelectElement).value;
        state.selected = undefined;
        void refreshQueue();
      },
    },
    h('option', { value: '', selected: state.game === '' }, `All games${counts ? ` (${counts.pending})` : ''}`),
    games.map((g) => h('option', { value: g.gameId, selected: state.game === g.gameId }, `${g.gameId} (${g.pending})`)),
    state.game && !games.some((g) => g.gameId === state.game) ? h('option', { value: state.game, selected: true }, `${state.game} (0)`) : null,
  );
  const oldest = counts?.oldestOpenedAt ? formatAge(serverNow() - Date.parse(counts.oldestOpenedAt)) : '—';
  fill(
    header,
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', null, 'sinbin'), h('span', { class: 'brand-sub' }, 'moderation')),
    h('div', { class: 'filter' }, h('label', { for: 'game-filter' }, 'Game'), select),
    h(
      'dl',
      { class: 'counts', 'aria-label': 'Queue counts' },
      h('div', null, h('dt', null, 'Waiting'), h('dd', { id: 'count-pending' }, counts ? String(counts.pending - counts.claimed) : '…')),
      h('div', null, h('dt', null, 'In review'), h('dd', { id: 'count-claimed' }, counts ? String(counts.claimed) : '…')),
      h('div', null, h('dt', null, 'Oldest'), h('dd', { id: 'count-oldest', 'data-since': counts?.oldestOpenedAt ?? '' }, oldest)),
    ),
    h('span', { class: `live live-${state.live}`, title: 'Live updates' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), state.live === 'live' ? 'Live' : state.live === 'connecting' ? 'Connecting…' : 'Offline'),
    h(
      'nav',
      { class: 'nav', 'aria-label': 'Views' },
      session.role === 'lead'
        ? h(
            'button',
            {
              type: 'button',
              class: 'ghost',
              'aria-pressed': state.view === 'audit' ? 'true' : 'false',
              onclick: () => {
                state.view = state.view === 'audit' ? 'review' : 'audit';
                document.title = state.view === 'audit' ? 'Audit log · sinbin moderation' : 'Queue · sinbin moderation';
                if (state.view === 'audit') void loadAudit(true);
                rebuildWorkspace();
              },
            },
            state.view === 'audit' ? 'Back to queue' : 'Audit log',
          )
        : null,
      h('button', { type: 'button', class: 'ghost', 'aria-keyshortcuts': '?', onclick: () => toggleHelp() }, 'Shortcuts ', h('kbd', null, '?')),
    ),
    h(
      'div',
      { class: 'user' },
      h('span', { class: 'user-name' }, session.username),
      h('span', { class: `role role-${session.role}` }, session.role),
      h(
        'button',
        {
          type: 'button',
          class: 'ghost',
          onclick: async () => {
            await releaseCurrent();
            await state.api?.logout().catch(() => undefined);
            signedOut('You have signed out.');
          },
        },
        'Sign out',
      ),
    ),
  );
}

function renderBanner(): void {
  const banner = regions.banner;
  if (!banner) return;
  const offline = state.live === 'offline';
  banner.hidden = !offline;
  banner.textContent = offline ? `Live updates are interrupted (cannot reach ${state.apiBase}); reconnecting. The queue may be out of date.` : '';
}

function rebuildWorkspace(): void {
  const workspace = app.querySelector('.workspace');
  if (!workspace || !regions.queue || !regions.main) return;
  if (state.view === 'audit') {
    fill(workspace, regions.main);
    regions.main.classList.add('audit-pane');
  } else {
    regions.main.classList.remove('audit-pane');
    fill(workspace, regions.queue, regions.main);
  }
  renderAll();
}

// --- Queue --------------------------------------------------------------------------------------

function renderQueue(): void {
  const pane = regions.queue;
  if (!pane) return;
  const queue = state.queue;
  const focusedCase = (document.activeElement as HTMLElement | null)?.dataset?.case;
  const title = h('div', { class: 'pane-head' }, h('h2', { id: 'queue-title' }, 'Queue'), h('span', { class: 'muted' }, queue ? `${queue.cases.length} shown` : ''));
  if (state.queueError && !queue) {
    fill(pane, title, errorState(`Cannot load the queue: ${state.queueError}`, () => void refreshQueue()));
    return;
  }
  if (!queue) {
    fill(pane, title, h('p', { class: 'muted pad' }, 'Loading the queue…'));
    return;
  }
  if (queue.cases.length === 0) {
    fill(
      pane,
      title,
      state.queueError ? errorState(state.queueError, () => void refreshQueue()) : null,
      h('div', { class: 'empty', id: 'queue-empty' }, h('p', { class: 'empty-title' }, 'Nothing waiting'), h('p', { class: 'muted' }, state.game ? `No open cases for ${state.game}.` : 'New cases appear here as they arrive.')),
    );
    return;
  }
  const list = h(
    'ol',
    { class: 'queue-list', id: 'queue-list' },
    queue.cases.map((c) => {
      const mine = c.queue.claim?.moderatorId === state.session?.username;
      const isCurrent = state.current?.entry.caseId === c.caseId;
      const level = severityLevel(c.queue.severity);
      return h(
        'li',
        null,
        h(
          'button',
          {
            type: 'button',
            class: `queue-item sev-${level}${isCurrent ? ' current' : ''}${state.selected === c.caseId ? ' selected' : ''}`,
            'data-case': c.caseId,
            'aria-current': isCurrent ? 'true' : undefined,
            onclick: () => void openCase(c.caseId),
          },
          h(
            'span',
            { class: 'qi-top' },
            h('span', { class: `sev-badge sev-${level}` }, h('span', { class: 'sr-only' }, 'severity '), percent(c.queue.severity)),
            h('span', { class: 'qi-player' }, c.message.playerId),
            h('span', { class: 'qi-game' }, c.message.gameId),
            h('span', { class: 'qi-age', 'data-since': c.openedAt, title: `opened ${new Date(c.openedAt).toLocaleString()}` }, formatAge(serverNow() - Date.parse(c.openedAt))),
          ),
          h('span', { class: 'qi-text' }, c.message.text),
          h(
            'span',
            { class: 'qi-tags' },
            h('span', { class: 'tag' }, categoryLabel(topCategory(c.deep ?? c.fast))),
            c.queue.priorCases > 0 ? h('span', { class: 'tag tag-warn' }, `${c.queue.priorCases} earlier · ${c.queue.priorBlocks} blocked`) : null,
            mine ? h('span', { class: 'tag tag-mine' }, 'yours') : null,
          ),
        ),
      );
    }),
  );
  fill(pane, title, state.queueError ? errorState(state.queueError, () => void refreshQueue()) : null, list);
  if (focusedCase) (pane.querySelector(`[data-case="${CSS.escape(focusedCase)}"]`) as HTMLElement | null)?.focus();
}

function errorState(message: string, retry: () => void): HTMLElement {
  return h('div', { class: 'error-state', role: 'alert' }, h('p', null, message), h('button', { type: 'button', onclick: retry }, 'Retry'));
}

// --- The case -----------------------------------------------------------------------------------

function renderCase(): void {
  const main = regions.main;
  if (!main || state.view !== 'review') return;
  const current = state.current;
  if (!current) {
    const waiting = state.queue?.cases.length ?? 0;
    fill(
      main,
      h(
        'div',
        { class: 'empty big', id: 'case-empty' },
        h('h2', { id: 'case-title', class: 'empty-title' }, waiting > 0 ? 'Ready to review' : state.queue ? 'The queue is clear' : 'Loading…'),
        waiting > 0
          ? [
              h('p', { class: 'muted' }, `${waiting} case${waiting === 1 ? '' : 's'} waiting, most urgent first.`),
              h('button', { type: 'button', class: 'primary', 'aria-keyshortcuts': 'J', onclick: () => void move(1) }, 'Review the next case ', h('kbd', null, 'J')),
            ]
          : h('p', { class: 'muted' }, 'Nothing needs a moderator right now. New cases appear as they arrive.'),
      ),
    );
    return;
  }
  const c = current.entry;
  const m = c.message;
  const score = c.deep ?? c.fast;
  const suggested = topCategory(score);
  const leaseLeft = Date.parse(current.claim.until) - serverNow();

  const head = h(
    'div',
    { class: 'case-head' },
    h('h2', { id: 'case-title' }, 'Message from ', h('strong', null, m.playerId), h('span', { class: 'muted' }, ` in ${m.gameId} · ${m.channelId}`)),
    h(
      'p',
      { class: 'case-meta' },
      h('span', null, 'waiting ', h('span', { 'data-since': c.openedAt }, formatAge(serverNow() - Date.parse(c.openedAt)))),
      h('span', null, 'decided by the model in ', h('span', { 'data-until': c.dueAt }, formatCountdown(Date.parse(c.dueAt) - serverNow())), ' unless you decide'),
      h('span', null, `here because ${routedBecause(c.reason)}`),
      h(
        'span',
        { class: `lease${leaseLeft < 30_000 ? ' lease-low' : ''}`, id: 'lease' },
        'yours for ',
        h('span', { 'data-until': current.claim.until }, formatCountdown(leaseLeft)),
        ' ',
        h('kbd', { title: 'extend' }, 'E'),
      ),
    ),
    current.lost ? h('p', { class: 'notice', role: 'alert' }, current.lost, ' ', h('button', { type: 'button', onclick: () => void moveAfterLoss() }, 'Next case')) : null,
  );

  const conversation = h('section', { class: 'conversation', 'aria-labelledby': 'conv-title' }, h('h3', { id: 'conv-title' }, 'Conversation'), conversationView(current));

  const side = h('div', { class: 'side' }, scoresView(c), historyView(current));

  const disabled = current.sending || Boolean(current.lost);
  const verdictBar = h(
    'form',
    { class: 'verdict-bar', 'aria-label': 'Verdict', onsubmit: (e: Event) => e.preventDefault() },
    h('button', { type: 'button', class: 'allow', id: 'btn-allow', disabled, 'aria-keyshortcuts': 'A', onclick: () => void decide('allow') }, 'Allow ', h('kbd', null, 'A')),
    h(
      'fieldset',
      { class: 'block-group' },
      h('legend', null, 'Block as ', h('span', { class: 'muted' }, '(', h('kbd', null, 'B'), ` = ${categoryLabel(suggested)})`)),
      CATEGORIES.map((cat, i) =>
        h(
          'button',
          {
            type: 'button',
            class: `block${cat === suggested ? ' suggested' : ''}`,
            'data-category': cat,
            disabled,
            'aria-keyshortcuts': cat === suggested ? `${i + 1} B` : String(i + 1),
            onclick: () => void decide('block', cat),
          },
          h('kbd', null, String(i + 1)),
          ' ',
          categoryLabel(cat),
        ),
      ),
    ),
    h(
      'div',
      { class: 'verdict-extra' },
      h('label', { for: 'verdict-action' }, 'Action'),
      h(
        'select',
        { id: 'verdict-action', onchange: (e: Event) => (current.action = (e.target as HTMLSelectElement).value) },
        ACTIONS.map((a) => h('option', { value: a.value, selected: a.value === current.action }, a.label)),
      ),
      h('label', { for: 'verdict-note' }, 'Note'),
      h('input', {
        id: 'verdict-note',
        type: 'text',
        maxlength: '2000',
        placeholder: 'optional, N',
        value: current.note,
        oninput: (e: Event) => (current.note = (e.target as HTMLInputElement).value),
      }),
      h('button', { type: 'button', class: 'ghost', 'aria-keyshortcuts': 'R', onclick: () => void release() }, 'Release ', h('kbd', null, 'R')),
    ),
  );

  const activeId = (document.activeElement as HTMLElement | null)?.id;
  fill(main, head, h('div', { class: 'case-body' }, conversation, side), verdictBar);
  if (activeId && ['verdict-note', 'verdict-action'].includes(activeId)) document.getElementById(activeId)?.focus();
}

function conversationView(current: Current): HTMLElement {
  const ctx = current.context;
  const m = current.entry.message;
  if (current.contextError) return errorState(`Cannot load the conversation: ${current.contextError}`, () => void loadContext(current));
  const before: ContextLine[] = ctx ? ctx.before : current.entry.context;
  const after: ContextLine[] = ctx?.after ?? [];
  const speakers = assignSpeakers([...before, m, ...after].map((l) => l.playerId), m.playerId, PALETTE);
  const line = (l: ContextLine, kind: 'before' | 'subject' | 'after') => {
    const who = l.playerId ?? 'unknown';
    const slot = speakers.get(who) ?? PALETTE - 1;
    const samePlayer = l.playerId === m.playerId;
    const evidence = kind === 'subject' ? (current.entry.deep?.evidence ?? current.entry.fast.evidence ?? []) : [];
    return h(
      'li',
      { class: `line ${kind}${samePlayer ? ' same-player' : ''}` },
      h('span', { class: `speaker speaker-${slot}`, 'aria-hidden': 'true' }, initials(who)),
      h(
        'div',
        { class: 'bubble' },
        h(
          'span',
          { class: 'who' },
          who,
          kind === 'subject'
            ? [h('span', { class: 'who-tag flag' }, 'message under review'), h('span', { class: 'who-why' }, routedBecause(current.entry.reason))]
            : samePlayer
              ? h('span', { class: 'who-tag' }, 'player under review')
              : null,
          l.sentAt ? h('time', { datetime: l.sentAt }, new Date(l.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })) : null,
        ),
        h(
          'p',
          null,
          highlightSegments(l.text, evidence).map((s) => (s.evidence ? h('mark', null, s.text) : s.text)),
        ),
      ),
    );
  };
  return h(
    'div',
    { class: 'conversation-scroll', tabindex: '0', 'aria-label': 'Conversation around the message under review' },
    !ctx ? h('p', { class: 'muted small' }, 'Loading the conversation…') : null,
    ctx?.source === 'case' ? h('p', { class: 'muted small' }, 'The channel has moved on; showing the lines the model saw.') : null,
    h(
      'ol',
      { class: 'lines' },
      before.length === 0 ? h('li', { class: 'muted small divider' }, 'No earlier messages') : null,
      before.map((l) => line(l, 'before')),
      line(m, 'subject'),
      ctx ? (after.length === 0 ? h('li', { class: 'muted small divider' }, 'Nothing said after it yet') : [h('li', { class: 'divider small muted' }, 'After'), after.map((l) => line(l, 'after'))]) : null,
    ),
  );
}

function scoresView(c: QueueCase): HTMLElement {
  const score = c.deep ?? c.fast;
  const evidence = score.evidence ?? c.fast.evidence ?? [];
  const cats = [...CATEGORIES].sort((a, b) => score.categories[b] - score.categories[a]);
  const bar = (label: string, value: number, id?: string) =>
    h(
      'div',
      { class: 'bar-row' },
      h('span', { class: 'bar-label', id }, label),
      h('span', { class: 'bar', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(value * 100)), 'aria-labelledby': id }, h('span', { class: 'bar-fill', style: { width: `${Math.round(value * 100)}%` } })),
      h('span', { class: 'bar-value' }, percent(value)),
    );
  return h(
    'section',
    { class: 'scores', 'aria-labelledby': 'scores-title' },
    h('h3', { id: 'scores-title' }, 'Model reading'),
    h(
      'p',
      { class: 'score-main' },
      h('span', { class: 'big-number' }, percent(score.toxicity)),
      ' toxic',
      h('span', { class: 'muted' }, c.deep ? ` · deep model, ${percent(c.deep.confidence ?? 0)} sure · fast model ${percent(c.fast.toxicity)}` : ' · fast model'),
    ),
    h('div', { class: 'bars' }, cats.map((cat) => bar(categoryLabel(cat), score.categories[cat], `bar-${cat}`))),
    h('h4', null, 'Words that drove the score'),
    evidence.length ? h('ul', { class: 'chips', id: 'evidence' }, evidence.map((e) => h('li', { class: 'chip' }, e))) : h('p', { class: 'muted small' }, 'The model named no words.'),
    h('p', { class: 'muted small' }, `Models: ${[c.fast.modelVersion, c.deep?.modelVersion].filter(Boolean).join(', ')} · would ${c.provisionalVerdict} at the deadline`),
  );
}

function historyView(current: Current): HTMLElement {
  const history = current.context?.history;
  const m = current.entry.message;
  return h(
    'section',
    { class: 'history', 'aria-labelledby': 'history-title' },
    h('h3', { id: 'history-title' }, 'Player history'),
    !history
      ? h('p', { class: 'muted small' }, current.contextError ? 'Not available.' : 'Loading…')
      : history.cases === 0
        ? h('p', { class: 'muted small' }, `No earlier cases for ${m.playerId} in ${m.gameId}.`)
        : [
            h('p', { class: 'history-sum' }, h('strong', null, String(history.cases)), ` earlier case${history.cases === 1 ? '' : 's'}, `, h('strong', null, String(history.blocked)), ' blocked'),
            h(
              'ul',
              { class: 'history-list' },
              history.recent.map((r) =>
                h(
                  'li',
                  null,
                  h('span', { class: `verdict-badge v-${r.verdict ?? 'pending'}` }, r.verdict ? (r.category ? `${r.verdict} · ${categoryLabel(r.category)}` : r.verdict) : 'open'),
                  h('span', { class: 'history-text' }, r.text),
                  h('span', { class: 'muted small' }, `${formatAge(serverNow() - Date.parse(r.openedAt))} ago${r.resolution === 'expired' ? ' · by model' : r.moderatorId ? ` · ${r.moderatorId}` : ''}`),
                ),
              ),
            ),
          ],
  );
}

// --- Actions ------------------------------------------------------------------------------------

async function openCase(caseId: string): Promise<void> {
  const api = state.api;
  const entry = state.queue?.cases.find((c) => c.caseId === caseId);
  if (!api || !entry) return;
  state.selected = caseId;
  if (state.current?.entry.caseId === caseId && !state.current.lost) {
    renderQueue();
    return;
  }
  await releaseCurrent();
  try {
    const claimed = await api.claim(caseId);
    state.current = { entry, claim: claimed.claim, action: '', note: '', sending: false };
    renderQueue();
    renderCase();
    await loadContext(state.current);
  } catch (err) {
    const e = err as ApiError;
    if (e.status === 409 && e.code === 'claimed') toast(`${(e.body.claim as Claim | undefined)?.moderatorId ?? 'Another moderator'} is reviewing that case.`, 'warn');
    else if (e.status === 409) toast('That case was just decided.', 'warn');
    else toast(`Could not open the case: ${e.message}`, 'error');
    state.current = undefined;
    renderCase();
    scheduleRefresh(0);
  }
}

async function loadContext(current: Current): Promise<void> {
  try {
    current.context = await state.api!.context(current.entry.caseId);
    current.contextError = undefined;
  } catch (err) {
    current.contextError = err instanceof ApiError ? err.message : String(err);
  }
  if (state.current === current) renderCase();
}

async function releaseCurrent(): Promise<void> {
  const current = state.current;
  if (!current || current.lost) return;
  state.current = undefined;
  await state.api?.release(current.entry.caseId).catch(() => undefined);
}

async function move(delta: number): Promise<void> {
  const cases = state.queue?.cases ?? [];
  if (cases.length === 0) {
    toast('The queue is empty.', 'info');
    return;
  }
  const from = state.current?.entry.caseId ?? state.selected;
  const at = from ? cases.findIndex((c) => c.caseId === from) : -1;
  const next = at < 0 ? (delta > 0 ? 0 : cases.length - 1) : Math.min(cases.length - 1, Math.max(0, at + delta));
  if (at >= 0 && next === at && state.current) {
    toast(delta > 0 ? 'This is the last case in the queue.' : 'This is the first case in the queue.', 'info');
    return;
  }
  await openCase(cases[next]!.caseId);
  focusSelected();
}

async function moveAfterLoss(): Promise<void> {
  state.current = undefined;
  await refreshQueue();
  await move(1);
}

function focusSelected(): void {
  const el = state.selected ? (regions.queue?.querySelector(`[data-case="${CSS.escape(state.selected)}"]`) as HTMLElement | null) : null;
  el?.scrollIntoView({ block: 'nearest' });
}

async function decide(verdict: Verdict, category?: Category): Promise<void> {
  const current = state.current;
  const api = state.api;
  if (!current || !api) {
    toast('Open a case first: J or Enter.', 'info');
    return;
  }
  if (current.sending || current.lost) return;
  const c = current.entry;
  const cat = verdict === 'block' ? (category ?? topCategory(c.deep ?? c.fast)) : undefined;
  const action = verdict === 'block' ? ACTIONS.find((a) => a.value === current.action)?.action : undefined;
  const body = { verdict, ...(cat ? { category: cat } : {}), ...(action ? { action } : {}), ...(current.note.trim() ? { note: current.note.trim() } : {}) };
  current.sending = true;
  renderCase();
  try {
    const res = await api.verdict(c.caseId, body);
    const label = verdict === 'allow' ? 'Allowed' : `Blocked · ${categoryLabel(cat!)}`;
    state.lastVerdict = res.undoUntil ? { entry: c, undoUntil: Date.parse(res.undoUntil), label } : undefined;
    toast(label, 'ok', state.lastVerdict);
    // Next case: the one after this in the queue (the list is by priority).
    const cases = state.queue?.cases ?? [];
    const at = cases.findIndex((x) => x.caseId === c.caseId);
    if (state.queue) state.queue.cases = cases.filter((x) => x.caseId !== c.caseId);
    state.current = undefined;
    const next = state.queue?.cases[Math.max(0, at)] ?? state.queue?.cases[0];
    renderQueue();
    if (next) await openCase(next.caseId);
    else {
      state.selected = undefined;
      renderCase();
    }
    scheduleRefresh(300);
  } catch (err) {
    const e = err as ApiError;
    current.sending = false;
    if (e.status === 409 && e.code === 'not-claimed') {
      current.lost = 'Your claim on this case lapsed; it went back to the queue.';
      toast('Verdict not recorded: your claim lapsed.', 'error');
    } else if (e.status === 409) {
      current.lost = 'This case already has a verdict.';
      toast('Verdict not recorded: the case was already decided.', 'error');
    } else toast(`Verdict not recorded: ${e.message}`, 'error');
    renderCase();
  }
}

async function undo(): Promise<void> {
  const last = state.lastVerdict;
  const api = state.api;
  if (!api || !last || last.undoUntil <= serverNow()) {
    toast('Nothing to undo.', 'info');
    return;
  }
  try {
    const res = await api.undo(last.entry.caseId);
    state.lastVerdict = undefined;
    await releaseCurrent();
    state.current = { entry: last.entry, claim: res.claim, action: '', note: '', sending: false };
    state.selected = last.entry.caseId;
    if (state.queue && !state.queue.cases.some((c) => c.caseId === last.entry.caseId)) state.queue.cases.unshift(last.entry);
    toast(`Undone: ${last.label}. The case is yours again.`, 'info');
    renderQueue();
    renderCase();
    await loadContext(state.current);
    scheduleRefresh(300);
  } catch (err) {
    state.lastVerdict = undefined;
    toast(`Cannot undo: ${(err as ApiError).message}`, 'error');
  }
}

async function release(): Promise<void> {
  if (!state.current) return;
  await releaseCurrent();
  toast('Released: the case is back in the queue.', 'info');
  renderCase();
  scheduleRefresh(0);
}

async function extend(): Promise<void> {
  const current = state.current;
  if (!current || !state.api) return;
  try {
    const res = await state.api.claim(current.entry.caseId);
    current.claim = res.claim;
    current.lost = undefined;
    toast('Claim extended.', 'info');
  } catch (err) {
    current.lost = (err as ApiError).status === 409 ? 'Someone else has this case now.' : (err as ApiError).message;
  }
  renderCase();
}

// --- Toasts, help, timers -----------------------------------------------------------------------

function toast(text: string, kind: 'ok' | 'info' | 'warn' | 'error', undoable?: LastVerdict): void {
  const el = regions.toast;
  if (!el) return;
  clearTimeout(toastTimer);
  el.hidden = false;
  el.className = `toast toast-${kind}`;
  fill(
    el,
    h('span', null, text),
    undoable
      ? h(
          'button',
          { type: 'button', class: 'link', 'aria-keyshortcuts': 'U', onclick: () => void undo() },
          'Undo ',
          h('kbd', null, 'U'),
          ' ',
          h('span', { 'data-until': new Date(undoable.undoUntil).toISOString(), 'aria-hidden': 'true' }, formatCountdown(undoable.undoUntil - serverNow())),
        )
      : null,
  );
  const ms = undoable ? Math.max(1000, undoable.undoUntil - serverNow()) : kind === 'error' ? 8000 : 4000;
  toastTimer = window.setTimeout(() => (el.hidden = true), ms);
}

function helpDialog(): HTMLDialogElement {
  return h(
    'dialog',
    { class: 'help', 'aria-labelledby': 'help-title' },
    h('h2', { id: 'help-title' }, 'Keyboard shortcuts'),
    h(
      'table',
      null,
      h('tbody', null, SHORTCUTS.map((s) => h('tr', null, h('th', { scope: 'row' }, h('kbd', null, s.keys)), h('td', null, s.does)))),
    ),
    h('form', { method: 'dialog' }, h('button', { class: 'primary' }, 'Close')),
  );
}

function toggleHelp(): void {
  const d = regions.help;
  if (!d) return;
  if (d.open) d.close();
  else d.showModal();
}

// Ages and countdowns tick without redrawing.
setInterval(() => {
  const now = serverNow();
  for (const el of document.querySelectorAll<HTMLElement>('[data-since]')) if (el.dataset.since) el.textContent = formatAge(now - Date.parse(el.dataset.since));
  for (const el of document.querySelectorAll<HTMLElement>('[data-until]')) el.textContent = formatCountdown(Date.parse(el.dataset.until!) - now);
  const lease = document.getElementById('lease');
  if (lease && state.current) lease.classList.toggle('lease-low', Date.parse(state.current.claim.until) - now < 30_000);
}, 1000);

// A slow safety net under the live feed.
setInterval(() => {
  if (state.api && state.view === 'review') void refreshQueue();
}, 30_000);

// --- Audit log (leads) --------------------------------------------------------------------------

async function loadAudit(reset: boolean): Promise<void> {
  const api = state.api;
  if (!api) return;
  const prev = reset ? undefined : state.audit;
  state.audit = { entries: prev?.entries ?? [], next: prev?.next, loading: true };
  renderAudit();
  try {
    const page = await api.audit(prev?.next);
    state.audit = { entries: [...(prev?.entries ?? []), ...page.entries], next: page.next, loading: false };
  } catch (err) {
    state.audit = { entries: prev?.entries ?? [], next: prev?.next, loading: false, error: (err as ApiError).message };
  }
  renderAudit();
}

function renderAudit(): void {
  const main = regions.main;
  if (!main || state.view !== 'audit') return;
  const audit = state.audit;
  fill(
    main,
    h('div', { class: 'case-head' }, h('h2', { id: 'case-title' }, 'Audit log'), h('p', { class: 'case-meta' }, 'Every moderator action, newest first. Leads only.')),
    audit?.error ? errorState(`Cannot load the audit log: ${audit.error}`, () => void loadAudit(true)) : null,
    h(
      'div',
      { class: 'audit-scroll', tabindex: '0', 'aria-label': 'Audit entries' },
      h(
        'table',
        { class: 'audit-table' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'Action'), h('th', { scope: 'col' }, 'Case'), h('th', { scope: 'col' }, 'Details'))),
        h(
          'tbody',
          null,
          (audit?.entries ?? []).map((e) =>
            h(
              'tr',
              null,
              h('td', null, h('time', { datetime: e.at }, new Date(e.at).toLocaleString())),
              h('td', null, e.actor),
              h('td', null, h('span', { class: `action-badge a-${e.action}` }, e.action)),
              h('td', { class: 'mono', title: e.caseId ?? '' }, e.caseId ? e.caseId.slice(0, 16) : '—'),
              h('td', null, describeAudit(e.action, e.detail)),
            ),
          ),
        ),
      ),
      audit && !audit.loading && audit.entries.length === 0 && !audit.error ? h('p', { class: 'empty' }, 'No actions recorded yet.') : null,
      audit?.loading ? h('p', { class: 'muted pad' }, 'Loading…') : null,
      audit?.next && !audit.loading ? h('button', { type: 'button', onclick: () => void loadAudit(false) }, 'Older entries') : null,
    ),
  );
}

// --- Keyboard -----------------------------------------------------------------------------------

document.addEventListener('keydown', (e) => {
  if (!state.session) return;
  const target = e.target as HTMLElement;
  const typing = target.matches('input, textarea, select, [contenteditable="true"]');
  if (typing) {
    if (e.key === 'Escape') target.blur();
    return;
  }
  if (regions.help?.open) {
    if (e.key === '?') {
      e.preventDefault();
      toggleHelp();
    }
    return;
  }
  // Enter and Space on a focused button are the button's own.
  if ((e.key === 'Enter' || e.key === ' ') && target.matches('button, a, summary')) return;
  const command = commandFor(e);
  if (!command) return;
  if (state.view === 'audit' && command.kind !== 'help') return;
  e.preventDefault();
  void run(command);
});

async function run(command: Command): Promise<void> {
  switch (command.kind) {
    case 'next':
      return move(1);
    case 'prev':
      return move(-1);
    case 'open':
      if (state.selected && state.selected !== state.current?.entry.caseId) return openCase(state.selected);
      if (!state.current) return move(1);
      return;
    case 'allow':
      return decide('allow');
    case 'block':
      return decide('block');
    case 'block-as':
      return decide('block', command.category);
    case 'undo':
      return undo();
    case 'release':
      return release();
    case 'extend':
      return extend();
    case 'note':
      document.getElementById('verdict-note')?.focus();
      return;
    case 'refresh':
      return refreshQueue();
    case 'help':
      toggleHelp();
      return;
  }
}

window.addEventListener('pagehide', () => {
  // Give the case back when the tab closes, so nobody waits for the lease to run out.
  const current = state.current;
  if (current && state.session && !current.lost) {
    void fetch(`${state.apiBase}/v1/cases/${encodeURIComponent(current.entry.caseId)}/release`, {
      method: 'POST',
      keepalive: true,
      headers: { authorization: `Bearer ${state.session.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
  }
});

void boot();
