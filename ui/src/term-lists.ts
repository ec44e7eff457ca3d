// The lead's term lists: pick a game, read and edit its block and allow lists (one term a line;
// a block term may name its category after " | "), save them as a new version made on the version
// read (someone else's save meanwhile is refused, not overwritten), see why a list was refused,
// and the versions: who saved what, when and why.
import { ApiError } from './api';
import { fill, h } from './dom';
import { errorState, toast } from './feedback';
import { regions, state } from './state';
import { entriesToText, textToEntries } from './term-text';
import type { TermListEditor } from './types';

interface Draft {
  block: string;
  allow: string;
  note: string;
}

const view: {
  games?: { gameId: string; version: number }[];
  known: string[];
  gameId?: string;
  editor?: TermListEditor;
  draft?: Draft;
  /** Why the last save was refused: every problem, or the newer version it lost to. */
  refusal?: { message: string; issues: string[]; conflict: boolean };
  saving: boolean;
  error?: string;
} = { known: [], saving: false };

const api = () => {
  if (!state.api) throw new Error('not signed in');
  return state.api;
};

export async function loadTermLists(): Promise<void> {
  if (!state.api) return;
  try {
    const [withLists, games] = await Promise.all([api().termListGames(), api().games()]);
    view.games = withLists.games;
    view.known = [...new Set([...withLists.games.map((g) => g.gameId), ...games.games])].sort();
    view.error = undefined;
    if (!view.gameId && view.known[0]) return await openGame(view.known[0]);
  } catch (err) {
    view.error = err instanceof ApiError ? err.message : String(err);
  }
  renderTermLists();
}

async function openGame(gameId: string): Promise<void> {
  view.gameId = gameId;
  view.refusal = undefined;
  try {
    view.editor = await api().termLists(gameId);
    view.draft = { block: entriesToText(view.editor.current.block, true), allow: entriesToText(view.editor.current.allow, false), note: '' };
    view.error = undefined;
  } catch (err) {
    view.editor = undefined;
    view.error = err instanceof ApiError ? err.message : String(err);
  }
  renderTermLists();
}

async function save(): Promise<void> {
  const { gameId, editor, draft } = view;
  if (!gameId || !editor || !draft || view.saving) return;
  view.saving = true;
  renderTermLists();
  try {
    const saved = await api().saveTermLists(gameId, {
      block: textToEntries(draft.block, true, editor.current.block),
      allow: textToEntries(draft.allow, false, editor.current.allow),
      ...(draft.note.trim() ? { note: draft.note.trim() } : {}),
      expectedVersion: editor.current.version,
    });
    toast(saved.unchanged ? `Unchanged: the lists of ${gameId} are already version ${saved.version}.` : `Saved version ${saved.version} of ${gameId}'s term lists (${saved.changes.length} change${saved.changes.length === 1 ? '' : 's'}).`, 'ok');
    view.saving = false;
    await openGame(gameId);
    const games = await api().termListGames();
    view.games = games.games;
  } catch (err) {
    view.saving = false;
    if (err instanceof ApiError && (err.code === 'invalid-term-list' || err.code === 'version-conflict')) {
      const issues = Array.isArray(err.body.issues) ? err.body.issues.map(String) : [];
      view.refusal = { message: err.message, issues, conflict: err.code === 'version-conflict' };
    } else {
      toast(`Not saved: ${err instanceof ApiError ? err.message : String(err)}`, 'error');
    }
  }
  renderTermLists();
}

export function renderTermLists(): void {
  const main = regions.main;
  if (!main || state.view !== 'terms') return;
  const head = h(
    'div',
    { class: 'case-head view-head' },
    h('h2', { id: 'case-title' }, 'Term lists'),
    h('p', { class: 'case-meta' }, "A game's own words: a block-list term blocks the message; an allowed term is never the reason the models block it. Whole words, after the fast path's obfuscation normalisation."),
  );
  if (!view.games) {
    fill(main, head, view.error ? errorState(`Cannot load the term lists: ${view.error}`, () => void loadTermLists()) : h('p', { class: 'muted pad' }, 'Loading…'));
    return;
  }
  const versions = new Map(view.games.map((g) => [g.gameId, g.version]));
  let typed = view.gameId ?? '';
  const picker = h(
    'form',
    { class: 'actions-row term-picker', id: 'term-game-form', onsubmit: (e: Event) => (e.preventDefault(), typed.trim() ? void openGame(typed.trim()) : undefined) },
    h('label', { for: 'term-game', class: 'small muted' }, 'Game'),
    h('input', { id: 'term-game', type: 'text', class: 'games-input term-game', list: 'term-games', value: typed, placeholder: 'a game id', oninput: (e: Event) => (typed = (e.target as HTMLInputElement).value) }),
    h('datalist', { id: 'term-games' }, view.known.map((g) => h('option', { value: g }, versions.has(g) ? `${g} (v${versions.get(g)})` : `${g} (no lists)`))),
    h('button', { type: 'submit', class: 'ghost', id: 'btn-open-game' }, 'Open'),
  );
  fill(main, head, view.error ? errorState(view.error, () => void loadTermLists()) : null, h('div', { class: 'view-scroll' }, picker, view.editor && view.draft ? editorView(view.editor, view.draft) : null));
}

function editorView(editor: TermListEditor, draft: Draft): HTMLElement {
  const current = editor.current;
  const refusal = view.refusal;
  return h(
    'div',
    { class: 'terms-body' },
    h(
      'section',
      { class: 'panel', id: 'term-editor', 'aria-labelledby': 'terms-title' },
      h('h3', { id: 'terms-title' }, current.version === null ? `${current.gameId}: no lists yet` : `${current.gameId}: version ${current.version}`, current.createdBy ? h('span', { class: 'muted small' }, ` — saved by ${current.createdBy}${current.createdAt ? ` ${new Date(current.createdAt).toLocaleString()}` : ''}`) : null),
      refusal
        ? h(
            'div',
            { class: 'error-state term-refusal', id: 'term-refusal', role: 'alert' },
            h('p', null, refusal.conflict ? refusal.message : 'Not saved: the lists were refused.'),
            refusal.issues.length ? h('ul', { class: 'problems' }, refusal.issues.map((i) => h('li', null, i))) : refusal.conflict ? null : h('p', null, refusal.message),
            refusal.conflict ? h('button', { type: 'button', onclick: () => void openGame(current.gameId) }, 'Reload (your edits are lost)') : null,
          )
        : null,
      h(
        'div',
        { class: 'term-columns' },
        h(
          'div',
          null,
          h('label', { for: 'term-block', class: 'small muted' }, `Block list (${current.block.length}): one term a line; a category after " | " (threat, insult, …; profanity if none)`),
          h('textarea', { id: 'term-block', class: 'policy-text', spellcheck: 'false', rows: '8', value: draft.block, oninput: (e: Event) => (draft.block = (e.target as HTMLTextAreaElement).value) }),
        ),
        h(
          'div',
          null,
          h('label', { for: 'term-allow', class: 'small muted' }, `Allow list (${current.allow.length}): one term a line`),
          h('textarea', { id: 'term-allow', class: 'policy-text', spellcheck: 'false', rows: '8', value: draft.allow, oninput: (e: Event) => (draft.allow = (e.target as HTMLTextAreaElement).value) }),
        ),
      ),
      h('label', { for: 'term-note', class: 'small muted' }, 'What changes and why'),
      h('input', { id: 'term-note', type: 'text', class: 'games-input', maxlength: '500', value: draft.note, oninput: (e: Event) => (draft.note = (e.target as HTMLInputElement).value) }),
      h('div', { class: 'actions-row' }, h('button', { type: 'button', class: 'primary', id: 'btn-save-terms', disabled: view.saving, onclick: () => void save() }, view.saving ? 'Saving…' : current.version === null ? 'Save the first version' : `Save as version ${current.version + 1}`)),
    ),
    h(
      'section',
      { class: 'panel', id: 'term-history', 'aria-labelledby': 'term-history-title' },
      h('h3', { id: 'term-history-title' }, 'Versions'),
      editor.history.versions.length === 0
        ? h('p', { class: 'muted small' }, 'None yet.')
        : h(
            'table',
            { class: 'data' },
            h('thead', null, h('tr', null, ['Version', 'Saved', 'By', 'Terms', 'Changes'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              null,
              editor.history.versions.map((v) =>
                h(
                  'tr',
                  { 'data-version': String(v.version) },
                  h('td', null, `v${v.version}`),
                  h('td', null, new Date(v.createdAt).toLocaleString()),
                  h('td', null, v.createdBy),
                  h('td', null, `${v.blockCount} blocked · ${v.allowCount} allowed`),
                  h(
                    'td',
                    null,
                    v.note ? h('div', { class: 'v-note' }, v.note) : null,
                    h('ul', { class: 'diff-lines' }, v.changes.map((c) => h('li', null, `${c.kind === 'added' ? '+' : c.kind === 'removed' ? '−' : '~'} ${c.list}: ${c.term}`))),
                  ),
                ),
              ),
            ),
          ),
    ),
  );
}
