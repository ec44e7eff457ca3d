// The top bar (game filter, queue counts, live state, views, who is signed in) and the banner
// shown while live updates are interrupted.
import { refreshQueue, setView, signOut } from './app';
import { fill, h } from './dom';
import { toggleHelp } from './shortcuts';
import { ageOf, regions, state, type View } from './state';
import { exposureChip } from './wellbeing';

/** The lead's views, in the order of the top bar. */
const LEAD_VIEWS: { view: View; label: string }[] = [
  { view: 'review', label: 'Queue' },
  { view: 'dashboard', label: 'Dashboard' },
  { view: 'policies', label: 'Policies' },
  { view: 'terms', label: 'Term lists' },
  { view: 'team', label: 'Team' },
  { view: 'audit', label: 'Audit log' },
];

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
    // A moderator sees only the games a lead gave them: "All games" would claim more than the queue holds.
    h('option', { value: '', selected: state.game === '' }, `${state.session?.role === 'lead' ? 'All games' : 'All my games'}${counts ? ` (${counts.pending})` : ''}`),
    games.map((g) => h('option', { value: g.gameId, selected: state.game === g.gameId }, `${g.gameId} (${g.pending})`)),
    state.game && !games.some((g) => g.gameId === state.game) ? h('option', { value: state.game, selected: true }, `${state.game} (0)`) : null,
  );
  const oldest = counts?.oldestOpenedAt ? ageOf(counts.oldestOpenedAt) : '—';
  // The queue's filter and counts belong to the review screen; a lead's other views use the room.
  const reviewing = state.view === 'review';
  const lead = session.role === 'lead';
  header.classList.toggle('topbar-lead', lead);
  fill(
    header,
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', null, 'sinbin'), lead ? null : h('span', { class: 'brand-sub' }, 'moderation')),
    reviewing ? h('div', { class: 'filter' }, h('label', { for: 'game-filter' }, 'Game'), select) : null,
    !reviewing ? null : h(
      'dl',
      { class: 'counts', 'aria-label': 'Queue counts' },
      h('div', null, h('dt', null, 'Waiting'), h('dd', { id: 'count-pending' }, counts ? String(counts.pending - counts.claimed) : '…')),
      h('div', null, h('dt', null, 'In review'), h('dd', { id: 'count-claimed' }, counts ? String(counts.claimed) : '…')),
      h('div', null, h('dt', null, 'Oldest'), h('dd', { id: 'count-oldest', 'data-since': counts?.oldestOpenedAt ?? '' }, oldest)),
    ),
    h('span', { class: `live live-${state.live}`, title: 'Live updates' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), state.live === 'live' ? 'Live' : state.live === 'connecting' ? 'Connecting…' : 'Offline'),
    reviewing ? exposureChip() : null,
    h(
      'nav',
      { class: 'nav', 'aria-label': 'Views' },
      session.role === 'lead'
        ? LEAD_VIEWS.map((v) => h('button', { type: 'button', class: `ghost view-tab${state.view === v.view ? ' active' : ''}`, 'aria-pressed': state.view === v.view ? 'true' : 'false', onclick: () => setView(v.view) }, v.label))
        : null,
      lead
        ? h('button', { type: 'button', class: 'ghost', 'aria-keyshortcuts': '?', 'aria-label': 'Shortcuts', title: 'Shortcuts', onclick: () => toggleHelp() }, h('kbd', null, '?'))
        : h('button', { type: 'button', class: 'ghost', 'aria-keyshortcuts': '?', onclick: () => toggleHelp() }, 'Shortcuts ', h('kbd', null, '?')),
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
