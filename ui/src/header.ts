// The top bar (game filter, queue counts, live state, views, who is signed in) and the banner
// shown while live updates are interrupted.
import { refreshQueue, signOut } from './app';
import { toggleAuditView } from './audit';
import { fill, h } from './dom';
import { toggleHelp } from './shortcuts';
import { ageOf, regions, state } from './state';

export function renderHeader(): void {
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
  const oldest = counts?.oldestOpenedAt ? ageOf(counts.oldestOpenedAt) : '—';
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
        ? h('button', { type: 'button', class: 'ghost', 'aria-pressed': state.view === 'audit' ? 'true' : 'false', onclick: toggleAuditView }, state.view === 'audit' ? 'Back to queue' : 'Audit log')
        : null,
      h('button', { type: 'button', class: 'ghost', 'aria-keyshortcuts': '?', onclick: () => toggleHelp() }, 'Shortcuts ', h('kbd', null, '?')),
    ),
    h(
      'div',
      { class: 'user' },
      h('span', { class: 'user-name' }, session.username),
      h('span', { class: `role role-${session.role}` }, session.role),
      h('button', { type: 'button', class: 'ghost', onclick: () => void signOut() }, 'Sign out'),
    ),
  );
}

export function renderBanner(): void {
  const banner = regions.banner;
  if (!banner) return;
  const offline = state.live === 'offline';
  banner.hidden = !offline;
  banner.textContent = offline ? `Live updates are interrupted (cannot reach ${state.apiBase}); reconnecting. The queue may be out of date.` : '';
}
