// The queue pane: the open cases, most urgent first; a click opens one.
import { openCase } from './actions';
import { refreshQueue } from './app';
import { fill, h } from './dom';
import { errorState } from './feedback';
import { categoryLabel, percent, severityLevel, topCategory } from './format';
import { maskedLine } from './masked-view';
import { ageOf, regions, state } from './state';

export function renderQueue(): void {
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
      const reading = c.deep ?? c.fast;
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
            // The badge reads as the case view does (the deciding model's toxicity); its colour is the
            // ranking's severity, which weighs threats and identity hate above plain insults.
            h(
              'span',
              { class: `sev-badge sev-${level}`, title: `${percent(reading.toxicity)} toxic (${c.deep ? 'deep' : 'fast'} model) · severity ${level}: ${categoryLabel(topCategory(reading))} ${percent(reading.categories[topCategory(reading)] ?? 0)}` },
              h('span', { class: 'sr-only' }, `severity ${level}, toxic `),
              percent(reading.toxicity),
            ),
            h('span', { class: 'qi-player' }, c.message.playerId),
            h('span', { class: 'qi-game' }, c.message.gameId),
            h('span', { class: 'qi-age', 'data-since': c.openedAt, title: `opened ${new Date(c.openedAt).toLocaleString()}` }, ageOf(c.openedAt)),
          ),
          // The queue always masks: a case is revealed only while it is open.
          h('span', { class: 'qi-text' }, maskedLine(c.message.text, c.masks, false)),
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

export function focusSelected(): void {
  const el = state.selected ? (regions.queue?.querySelector(`[data-case="${CSS.escape(state.selected)}"]`) as HTMLElement | null) : null;
  el?.scrollIntoView({ block: 'nearest' });
}
