// The leads' view: the audit log of every moderator action, newest first, a page at a time.
import type { ApiError } from './api';
import { fill, h } from './dom';
import { errorState } from './feedback';
import { describeAudit } from './format';
import { regions, state } from './state';

export async function loadAudit(reset: boolean): Promise<void> {
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

export function renderAudit(): void {
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
