// The player's earlier cases in the same game and how they ended.
import { h } from './dom';
import { categoryLabel } from './format';
import { maskedLine } from './masked-view';
import { ageOf, type Current } from './state';

export function historyView(current: Current): HTMLElement {
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
                  h('span', { class: 'history-text' }, maskedLine(r.text, r.masks, Boolean(current.revealed))),
                  h('span', { class: 'muted small' }, `${ageOf(r.openedAt)} ago${r.resolution === 'expired' ? ' · by deadline' : r.moderatorId ? ` · ${r.moderatorId}` : ''}`),
                ),
              ),
            ),
          ],
  );
}
