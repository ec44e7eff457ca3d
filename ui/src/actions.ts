// What a moderator does to a case: open (claim) it, move through the queue, decide, undo,
// release, extend the claim. Each changes `state`, asks the API and redraws what changed.
import { ApiError } from './api';
import { refreshQueue, scheduleRefresh } from './app';
import { renderCase } from './case-view';
import { toast } from './feedback';
import { categoryLabel, topCategory } from './format';
import { focusSelected, renderQueue } from './queue';
import { serverNow, state, type Current } from './state';
import { refreshExposure } from './wellbeing';
import type { ActionChoice, Claim, OffenceCategory, Verdict } from './types';

export const ACTIONS: { value: string; label: string; action?: ActionChoice }[] = [
  { value: '', label: 'By game rules' },
  { value: 'none', label: 'No action', action: { type: 'none' } },
  { value: 'warn', label: 'Warn', action: { type: 'warn' } },
  { value: 'mute-600', label: 'Mute 10 min', action: { type: 'mute', durationSeconds: 600 } },
  { value: 'mute-3600', label: 'Mute 1 h', action: { type: 'mute', durationSeconds: 3600 } },
  { value: 'kick', label: 'Kick', action: { type: 'kick' } },
  { value: 'ban-86400', label: 'Ban 24 h', action: { type: 'ban', durationSeconds: 86_400 } },
];

export async function openCase(caseId: string): Promise<void> {
  const api = state.api;
  const entry = state.queue?.cases.find((c) => c.caseId === caseId);
  if (!api || !entry) return;
  state.selected = caseId;
  if (state.current?.entry.caseId === caseId && !state.current.lost) {
    renderQueue();
    return;
  }
  await releaseCurrent();
  try {
    const claimed = await api.claim(caseId);
    state.current = { entry, claim: claimed.claim, action: '', note: '', sending: false };
    renderQueue();
    renderCase();
    // Opening a case counts towards today's exposure; the counter and a break reminder follow.
    if (!claimed.renewed) void refreshExposure();
    await loadContext(state.current);
  } catch (err) {
    const e = err as ApiError;
    if (e.status === 409 && e.code === 'claimed') toast(`${(e.body.claim as Claim | undefined)?.moderatorId ?? 'Another moderator'} is reviewing that case.`, 'warn');
    else if (e.status === 409) toast('That case was just decided.', 'warn');
    else toast(`Could not open the case: ${e.message}`, 'error');
    state.current = undefined;
    renderCase();
    scheduleRefresh(0);
  }
}

export async function loadContext(current: Current): Promise<void> {
  try {
    current.context = await state.api!.context(current.entry.caseId);
    current.contextError = undefined;
  } catch (err) {
    current.contextError = err instanceof ApiError ? err.message : String(err);
  }
  if (state.current === current) renderCase();
}

export async function releaseCurrent(): Promise<void> {
  const current = state.current;
  if (!current || current.lost) return;
  state.current = undefined;
  await state.api?.release(current.entry.caseId).catch(() => undefined);
}

export async function move(delta: number): Promise<void> {
  const cases = state.queue?.cases ?? [];
  if (cases.length === 0) {
    toast('The queue is empty.', 'info');
    return;
  }
  const from = state.current?.entry.caseId ?? state.selected;
  const at = from ? cases.findIndex((c) => c.caseId === from) : -1;
  const next = at < 0 ? (delta > 0 ? 0 : cases.length - 1) : Math.min(cases.length - 1, Math.max(0, at + delta));
  if (at >= 0 && next === at && state.current) {
    toast(delta > 0 ? 'This is the last case in the queue.' : 'This is the first case in the queue.', 'info');
    return;
  }
  await openCase(cases[next]!.caseId);
  focusSelected();
}

export async function moveAfterLoss(): Promise<void> {
  state.current = undefined;
  await refreshQueue();
  await move(1);
}

export async function decide(verdict: Verdict, category?: OffenceCategory): Promise<void> {
  const current = state.current;
  const api = state.api;
  if (!current || !api) {
    toast('Open a case first: J or Enter.', 'info');
    return;
  }
  if (current.sending || current.lost) return;
  const c = current.entry;
  const cat = verdict === 'block' ? (category ?? topCategory(c.deep ?? c.fast)) : undefined;
  const action = verdict === 'block' ? ACTIONS.find((a) => a.value === current.action)?.action : undefined;
  const body = { verdict, ...(cat ? { category: cat } : {}), ...(action ? { action } : {}), ...(current.note.trim() ? { note: current.note.trim() } : {}) };
  current.sending = true;
  renderCase();
  try {
    const res = await api.verdict(c.caseId, body);
    const label = verdict === 'allow' ? 'Allowed' : `Blocked · ${categoryLabel(cat!)}`;
    state.lastVerdict = res.undoUntil ? { entry: c, undoUntil: Date.parse(res.undoUntil), label } : undefined;
    toast(label, 'ok', state.lastVerdict);
    // Next case: the one after this in the queue (the list is by priority).
    const cases = state.queue?.cases ?? [];
    const at = cases.findIndex((x) => x.caseId === c.caseId);
    if (state.queue) state.queue.cases = cases.filter((x) => x.caseId !== c.caseId);
    state.current = undefined;
    const next = state.queue?.cases[Math.max(0, at)] ?? state.queue?.cases[0];
    renderQueue();
    if (next) await openCase(next.caseId);
    else {
      state.selected = undefined;
      renderCase();
    }
    scheduleRefresh(300);
  } catch (err) {
    const e = err as ApiError;
    current.sending = false;
    if (e.status === 409 && e.code === 'not-claimed') {
      current.lost = 'Your claim on this case lapsed; it went back to the queue.';
      toast('Verdict not recorded: your claim lapsed.', 'error');
    } else if (e.status === 409) {
      current.lost = 'This case already has a verdict.';
      toast('Verdict not recorded: the case was already decided.', 'error');
    } else toast(`Verdict not recorded: ${e.message}`, 'error');
    renderCase();
  }
}

export async function undo(): Promise<void> {
  const last = state.lastVerdict;
  const api = state.api;
  if (!api || !last || last.undoUntil <= serverNow()) {
    toast('Nothing to undo.', 'info');
    return;
  }
  try {
    const res = await api.undo(last.entry.caseId);
    state.lastVerdict = undefined;
    await releaseCurrent();
    state.current = { entry: last.entry, claim: res.claim, action: '', note: '', sending: false };
    state.selected = last.entry.caseId;
    if (state.queue && !state.queue.cases.some((c) => c.caseId === last.entry.caseId)) state.queue.cases.unshift(last.entry);
    toast(`Undone: ${last.label}. The case is yours again.`, 'info');
    renderQueue();
    renderCase();
    await loadContext(state.current);
    scheduleRefresh(300);
  } catch (err) {
    state.lastVerdict = undefined;
    toast(`Cannot undo: ${(err as ApiError).message}`, 'error');
  }
}

export async function release(): Promise<void> {
  if (!state.current) return;
  await releaseCurrent();
  toast('Released: the case is back in the queue.', 'info');
  renderCase();
  scheduleRefresh(0);
}

export async function extend(): Promise<void> {
  const current = state.current;
  if (!current || !state.api) return;
  try {
    const res = await state.api.claim(current.entry.caseId);
    current.claim = res.claim;
    current.lost = undefined;
    toast('Claim extended.', 'info');
  } catch (err) {
    current.lost = (err as ApiError).status === 409 ? 'Someone else has this case now.' : (err as ApiError).message;
  }
  renderCase();
}
