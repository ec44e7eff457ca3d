// The message under review in its conversation: the lines before and after it, speakers told
// apart by colour and initials, the words that drove the score marked.
import { loadContext } from './actions';
import { h } from './dom';
import { errorState } from './feedback';
import { assignSpeakers, initials, routedBecause } from './format';
import { maskedLine } from './masked-view';
import type { Current } from './state';
import type { ContextLine } from './types';

const PALETTE = 8;

export function conversationView(current: Current): HTMLElement {
  const ctx = current.context;
  const m = current.entry.message;
  if (current.contextError) return errorState(`Cannot load the conversation: ${current.contextError}`, () => void loadContext(current));
  const before: ContextLine[] = ctx ? ctx.before : current.entry.context;
  const after: ContextLine[] = ctx?.after ?? [];
  const speakers = assignSpeakers([...before, m, ...after].map((l) => l.playerId), m.playerId, PALETTE);
  const revealed = Boolean(current.revealed);
  const subjectMasks = ctx?.messageMasks ?? current.entry.masks;
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
        h('p', null, maskedLine(l.text, kind === 'subject' ? subjectMasks : l.masks, revealed, evidence)),
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
