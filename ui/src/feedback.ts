// Feedback outside the views: the toast (with Undo while a verdict can be taken back), and the
// error state with a Retry button that a view shows in place of what failed to load.
import { undo } from './actions';
import { fill, h } from './dom';
import { formatCountdown } from './format';
import { regions, serverNow, type LastVerdict } from './state';

let toastTimer: number | undefined;

export function toast(text: string, kind: 'ok' | 'info' | 'warn' | 'error', undoable?: LastVerdict): void {
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

export function errorState(message: string, retry: () => void): HTMLElement {
  return h('div', { class: 'error-state', role: 'alert' }, h('p', null, message), h('button', { type: 'button', onclick: retry }, 'Retry'));
}
