// The moderator UI: sign in, work the queue by keyboard, read each case in its conversation,
// decide, undo. Vanilla TypeScript and DOM; state lives in one object (state.ts) and each screen
// region is redrawn from it. This file starts it: where the API is, a session to resume, and the
// page-wide listeners and timers.
import './style.css';
import { apiAs, refreshQueue, startApp } from './app';
import { installShortcuts } from './shortcuts';
import { showLogin } from './signin';
import { ageOf, API_KEY, countdownTo, SESSION_KEY, serverNow, state, trimBase } from './state';
import type { Session } from './types';

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

async function boot(): Promise<void> {
  state.apiBase = await resolveApiBase();
  const saved = sessionStorage.getItem(SESSION_KEY);
  if (saved) {
    try {
      const session = JSON.parse(saved) as Session;
      const api = apiAs(session.token);
      await api.me();
      startApp(session, api);
      return;
    } catch {
      sessionStorage.removeItem(SESSION_KEY);
    }
  }
  showLogin();
}

// Ages and countdowns tick without redrawing.
setInterval(() => {
  for (const el of document.querySelectorAll<HTMLElement>('[data-since]')) if (el.dataset.since) el.textContent = ageOf(el.dataset.since);
  for (const el of document.querySelectorAll<HTMLElement>('[data-until]')) el.textContent = countdownTo(el.dataset.until!);
  const lease = document.getElementById('lease');
  if (lease && state.current) lease.classList.toggle('lease-low', Date.parse(state.current.claim.until) - serverNow() < 30_000);
}, 1000);

// A slow safety net under the live feed.
setInterval(() => {
  if (state.api && state.view === 'review') void refreshQueue();
}, 30_000);

installShortcuts();

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
