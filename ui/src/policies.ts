// The lead's policy versions: every version with who wrote it and which is active or in shadow,
// a version's document, warnings and changes against the active one; a new version written as
// JSON, validated before it is saved; activate, roll back, run a candidate in shadow and read
// what it would have done. The server validates again before anything becomes active.
import { ApiError } from './api';
import { fill, h } from './dom';
import { errorState, toast } from './feedback';
import { regions, state } from './state';
import type { PoliciesResponse, PolicyDiffResponse, PolicyValidationResponse, PolicyVersionResponse, ShadowReportResponse } from './types';

interface Editor {
  text: string;
  note: string;
  check?: PolicyValidationResponse;
  error?: string;
  busy: boolean;
}

const view: {
  list?: PoliciesResponse;
  selected?: number;
  version?: PolicyVersionResponse;
  diff?: PolicyDiffResponse;
  report?: ShadowReportResponse;
  editor?: Editor;
  error?: string;
} = {};

const api = () => state.api!;
const explain = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

export async function loadPolicies(select?: number): Promise<void> {
  try {
    view.list = await api().policies();
    view.error = undefined;
    view.selected = select ?? view.selected ?? view.list.active?.version ?? view.list.versions[0]?.version;
    view.report = view.list.shadow ? await api().shadowReport(24).catch(() => undefined) : undefined;
    if (view.selected) await loadVersion(view.selected, false);
  } catch (err) {
    view.error = explain(err);
  }
  renderPolicies();
}

async function loadVersion(version: number, render = true): Promise<void> {
  view.selected = version;
  view.editor = undefined;
  try {
    view.version = await api().policy(version);
    view.diff = view.list?.active && view.list.active.version !== version ? await api().policyDiff(version, 'active') : undefined;
  } catch (err) {
    view.error = explain(err);
  }
  if (render) renderPolicies();
}

async function act(what: string, run: () => Promise<unknown>, select?: number): Promise<void> {
  try {
    await run();
    toast(what, 'ok');
  } catch (err) {
    toast(`${what.replace(/\.$/, '')} failed: ${explain(err)}`, 'error');
  }
  await loadPolicies(select);
}

function startEditor(from: PolicyVersionResponse): void {
  view.editor = { text: JSON.stringify(from.policy, null, 2), note: '', busy: false };
  renderPolicies();
}

function parsed(editor: Editor): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(editor.text) };
  } catch (err) {
    editor.error = `Not JSON: ${(err as Error).message}`;
    editor.check = undefined;
    renderPolicies();
    return { ok: false };
  }
}

async function validate(editor: Editor): Promise<void> {
  const doc = parsed(editor);
  if (!doc.ok) return;
  editor.busy = true;
  try {
    editor.check = await api().validatePolicy(doc.value);
    editor.error = undefined;
  } catch (err) {
    editor.error = explain(err);
  }
  editor.busy = false;
  renderPolicies();
}

async function save(editor: Editor): Promise<void> {
  const doc = parsed(editor);
  if (!doc.ok) return;
  editor.busy = true;
  try {
    const created = await api().createPolicy(doc.value, editor.note.trim() || undefined);
    toast(`Saved as version ${created.version}. It is not active until you activate it.`, 'ok');
    await loadPolicies(created.version);
  } catch (err) {
    // A refused version: every problem is in the message; nothing was stored.
    editor.busy = false;
    editor.error = explain(err);
    renderPolicies();
  }
}

export function renderPolicies(): void {
  const main = regions.main;
  if (!main || state.view !== 'policies') return;
  const list = view.list;
  const head = h(
    'div',
    { class: 'case-head view-head' },
    h('h2', { id: 'case-title' }, 'Policy versions'),
    h(
      'p',
      { class: 'case-meta' },
      list?.active ? h('span', null, 'active ', h('strong', null, `v${list.active.version}`), ` since ${new Date(list.active.since).toLocaleString()} by ${list.active.by}`) : null,
      list?.shadow ? h('span', null, 'in shadow ', h('strong', null, `v${list.shadow.version}`)) : h('span', null, 'no candidate in shadow'),
      // Only when there is somewhere to go back to, and saying where.
      list?.rollbackTo != null
        ? h('button', { type: 'button', class: 'ghost', id: 'btn-rollback', onclick: () => void act(`Rolled back to version ${list.rollbackTo}.`, () => api().rollbackPolicy(list.active?.version ?? null)) }, `Roll back to v${list.rollbackTo}`)
        : null,
    ),
  );
  if (!list) {
    fill(main, head, view.error ? errorState(`Cannot load the policies: ${view.error}`, () => void loadPolicies()) : h('p', { class: 'muted pad' }, 'Loading…'));
    return;
  }
  const versions = h(
    'ol',
    { class: 'version-list', id: 'version-list' },
    list.versions.map((v) =>
      h(
        'li',
        null,
        h(
          'button',
          { type: 'button', class: `version-item${view.selected === v.version ? ' selected' : ''}`, 'data-version': String(v.version), onclick: () => void loadVersion(v.version) },
          h('span', { class: 'v-num' }, `v${v.version}`),
          list.active?.version === v.version ? h('span', { class: 'tag tag-ok' }, 'active') : null,
          list.shadow?.version === v.version ? h('span', { class: 'tag tag-warn' }, 'shadow') : null,
          h('span', { class: 'muted small' }, `${v.source === 'api' ? v.createdBy : v.source === 'file' ? 'from GAME_POLICIES_FILE' : 'built-in default'} · ${new Date(v.createdAt).toLocaleString()}`),
          v.note ? h('span', { class: 'v-note' }, v.note) : null,
        ),
      ),
    ),
  );
  fill(
    main,
    head,
    view.error ? errorState(view.error, () => void loadPolicies()) : null,
    h('div', { class: 'view-scroll policies-body' }, h('div', { class: 'versions-col' }, versions), h('div', { class: 'version-detail' }, view.report ? reportView(view.report) : null, view.editor ? editorView(view.editor) : detailView())),
  );
}

function detailView(): HTMLElement | null {
  const v = view.version;
  const list = view.list;
  if (!v || !list) return null;
  const isActive = list.active?.version === v.version;
  const isShadow = list.shadow?.version === v.version;
  return h(
    'section',
    { class: 'panel', id: 'policy-detail', 'aria-labelledby': 'policy-title' },
    h('h3', { id: 'policy-title' }, `Version ${v.version}`, v.note ? h('span', { class: 'muted' }, ` — ${v.note}`) : null),
    h(
      'div',
      { class: 'actions-row' },
      h('button', { type: 'button', class: 'primary', id: 'btn-activate', disabled: isActive, onclick: () => void act(`Version ${v.version} is active.`, () => api().activatePolicy(v.version, list.active?.version ?? null), v.version) }, 'Activate'),
      isShadow
        ? h('button', { type: 'button', id: 'btn-stop-shadow', onclick: () => void act('Shadow stopped.', () => api().stopShadow(), v.version) }, 'Stop shadow')
        : h('button', { type: 'button', id: 'btn-shadow', disabled: isActive, onclick: () => void act(`Version ${v.version} runs in shadow: it decides nothing and records what it would have done.`, () => api().shadowPolicy(v.version), v.version) }, 'Run in shadow'),
      h('button', { type: 'button', class: 'ghost', id: 'btn-new-version', onclick: () => startEditor(v) }, 'New version from this'),
    ),
    v.warnings.length ? h('ul', { class: 'warnings' }, v.warnings.map((w) => h('li', null, w))) : null,
    view.diff
      ? h('div', { class: 'diff' }, h('h4', null, `Changes against the active version (v${view.diff.from})`), view.diff.lines.length ? h('ul', { class: 'diff-lines' }, view.diff.lines.map((l) => h('li', null, l))) : h('p', { class: 'muted small' }, 'None: the same policy.'))
      : null,
    h('pre', { class: 'policy-json', tabindex: '0', 'aria-label': `Policy version ${v.version}` }, JSON.stringify(v.policy, null, 2)),
  );
}

function editorView(editor: Editor): HTMLElement {
  const check = editor.check;
  return h(
    'section',
    { class: 'panel', id: 'policy-editor', 'aria-labelledby': 'editor-title' },
    h('h3', { id: 'editor-title' }, 'New version'),
    h('label', { for: 'policy-text', class: 'small muted' }, 'The policy document (JSON; see docs/policies.md)'),
    h('textarea', { id: 'policy-text', class: 'policy-text', spellcheck: 'false', rows: '18', value: editor.text, oninput: (e: Event) => ((editor.text = (e.target as HTMLTextAreaElement).value), (editor.check = undefined)) }),
    h('label', { for: 'policy-note', class: 'small muted' }, 'What changes and why'),
    h('input', { id: 'policy-note', type: 'text', maxlength: '500', value: editor.note, oninput: (e: Event) => (editor.note = (e.target as HTMLInputElement).value) }),
    h(
      'div',
      { class: 'actions-row' },
      h('button', { type: 'button', id: 'btn-validate', disabled: editor.busy, onclick: () => void validate(editor) }, 'Validate'),
      h('button', { type: 'button', class: 'primary', id: 'btn-save', disabled: editor.busy, onclick: () => void save(editor) }, 'Save as a new version'),
      h('button', { type: 'button', class: 'ghost', onclick: () => ((view.editor = undefined), renderPolicies()) }, 'Cancel'),
    ),
    editor.error ? h('p', { class: 'problems', role: 'alert', id: 'policy-error' }, editor.error) : null,
    check
      ? h(
          'div',
          { class: 'check', id: 'policy-check', role: 'status' },
          h('p', { class: check.valid ? 'ok-line' : 'problems' }, check.valid ? `Valid. Against the active version (v${check.against ?? '—'}):` : 'Not valid; nothing was saved:'),
          check.problems.length ? h('ul', { class: 'problems' }, check.problems.map((p) => h('li', null, p))) : null,
          check.warnings.length ? h('ul', { class: 'warnings' }, check.warnings.map((w) => h('li', null, w))) : null,
          check.valid ? (check.lines.length ? h('ul', { class: 'diff-lines' }, check.lines.map((l) => h('li', null, l))) : h('p', { class: 'muted small' }, 'No change.')) : null,
        )
      : null,
  );
}

function reportView(r: ShadowReportResponse): HTMLElement {
  const n = (x: number) => x.toLocaleString('en-GB');
  return h(
    'section',
    { class: 'panel report', id: 'shadow-report', 'aria-labelledby': 'report-title' },
    h('h3', { id: 'report-title' }, `Shadow run of version ${r.shadowVersion}: the last 24 hours`),
    h('ul', { class: 'summary' }, r.summary.map((s) => h('li', null, s))),
    h(
      'table',
      { class: 'data' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Action'), h('th', { scope: 'col' }, 'Players now'), h('th', { scope: 'col' }, 'Players in shadow'), h('th', { scope: 'col' }, 'Messages now'), h('th', { scope: 'col' }, 'Messages in shadow'))),
      h(
        'tbody',
        null,
        r.actions.map((a) => h('tr', null, h('td', null, a.action), h('td', null, n(a.real.players)), h('td', null, n(a.wouldBe.players)), h('td', null, n(a.real.messages)), h('td', null, n(a.wouldBe.messages)))),
      ),
    ),
    h('p', { class: 'muted small' }, `${n(r.compared)} decisions compared, ${n(r.changed)} would differ; ${n(r.routing.wouldReview)} more to moderators, ${n(r.routing.wouldAnalyse)} more to the deep model.`),
  );
}
