// The case pane: its head (who, where, why it is here, how long is left), the conversation, the
// model's reading and the player's history side by side, and the verdict bar.
import { ACTIONS, decide, move, moveAfterLoss, release } from './actions';
import { toggleReveal } from './wellbeing';
import { conversationView } from './conversation';
import { fill, h } from './dom';
import { appealedDecision, categoryLabel, deadlineOutcome, formatCountdown, routedBecause, topCategory } from './format';
import { historyView } from './history';
import { scoresView } from './scores';
import { ageOf, countdownTo, regions, serverNow, state } from './state';
import { OFFENCE_CATEGORIES } from './types';

export function renderCase(): void {
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
  const masked = (c.masks?.length ?? 0) > 0 || (current.context?.before ?? []).some((l) => l.masks?.length) || (current.context?.after ?? []).some((l) => l.masks?.length);

  const head = h(
    'div',
    { class: 'case-head' },
    h('h2', { id: 'case-title' }, 'Message from ', h('strong', null, m.playerId), h('span', { class: 'muted' }, ` in ${m.gameId} · ${m.channelId}`)),
    h(
      'p',
      { class: 'case-meta' },
      h('span', null, 'waiting ', h('span', { 'data-since': c.openedAt }, ageOf(c.openedAt))),
      h('span', null, `${c.appeal ? 'the decision stands' : deadlineOutcome(c)} in `, h('span', { 'data-until': c.dueAt }, countdownTo(c.dueAt)), ' unless you decide'),
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
    // An appeal: the player's own words and the decision they contest; Allow overturns it, Block upholds it.
    c.appeal
      ? h(
          'section',
          { class: 'appeal', id: 'appeal', 'aria-label': 'Appeal' },
          h('p', null, h('strong', null, 'Appeal: '), `the message was ${appealedDecision(c.appeal)}`, c.appeal.reason ? ` — ${c.appeal.reason}` : ''),
          h('blockquote', { id: 'appeal-statement' }, c.appeal.statement),
          h('p', { class: 'muted' }, 'Allow overturns the decision (the sanction is lifted); Block upholds it.'),
        )
      : null,
    current.lost ? h('p', { class: 'notice', role: 'alert' }, current.lost, ' ', h('button', { type: 'button', onclick: () => void moveAfterLoss() }, 'Next case')) : null,
    masked
      ? h(
          'p',
          { class: `mask-note${current.revealed ? ' revealed' : ''}`, id: 'mask-note' },
          current.revealed ? 'The worst terms are shown. ' : 'The worst terms are masked for your wellbeing. ',
          h('button', { type: 'button', class: 'ghost', id: 'btn-reveal', 'aria-keyshortcuts': 'V', 'aria-pressed': current.revealed ? 'true' : 'false', onclick: () => void toggleReveal() }, current.revealed ? 'Mask again ' : 'Reveal ', h('kbd', null, 'V')),
        )
      : null,
  );

  const conversation = h('section', { class: 'conversation', 'aria-labelledby': 'conv-title' }, h('h3', { id: 'conv-title' }, 'Conversation'), conversationView(current));

  const side = h('div', { class: 'side' }, scoresView(c, Boolean(current.revealed)), historyView(current));

  const disabled = current.sending || Boolean(current.lost);
  const verdictBar = h(
    'form',
    { class: 'verdict-bar', 'aria-label': 'Verdict', onsubmit: (e: Event) => e.preventDefault() },
    h('button', { type: 'button', class: 'allow', id: 'btn-allow', disabled, 'aria-keyshortcuts': 'A', onclick: () => void decide('allow') }, 'Allow ', h('kbd', null, 'A')),
    h(
      'fieldset',
      { class: 'block-group' },
      h('legend', null, 'Block as ', h('span', { class: 'muted' }, '(', h('kbd', null, 'B'), ` = ${categoryLabel(suggested)})`)),
      OFFENCE_CATEGORIES.map((cat, i) =>
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
