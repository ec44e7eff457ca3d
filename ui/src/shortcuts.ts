// One-key shortcuts of the review screen (which key does what is keys.ts) and the dialog that
// lists them.
import { decide, extend, move, openCase, release, undo } from './actions';
import { refreshQueue } from './app';
import { h } from './dom';
import { commandFor, SHORTCUTS, type Command } from './keys';
import { regions, state } from './state';
import { toggleReveal } from './wellbeing';

/** Listens for shortcuts on the whole page; they act only while someone is signed in. */
export function installShortcuts(): void {
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
    if (state.view !== 'review' && command.kind !== 'help') return;
    e.preventDefault();
    void run(command);
  });
}

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
    case 'reveal':
      return toggleReveal();
    case 'help':
      toggleHelp();
      return;
  }
}

export function helpDialog(): HTMLDialogElement {
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

export function toggleHelp(): void {
  const d = regions.help;
  if (!d) return;
  if (d.open) d.close();
  else d.showModal();
}
