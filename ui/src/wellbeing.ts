// Moderators' wellbeing in the review screen: reveal the masked terms of the open case (V, and it
// is counted), today's count of the worst cases in the top bar, and a reminder to take a break
// once the lead's threshold is reached since the last one.
import { releaseCurrent } from './actions';
import { renderCase } from './case-view';
import { fill, h } from './dom';
import { toast } from './feedback';
import { renderHeader } from './header';
import { regions, state } from './state';

/** A dismissed reminder comes back after this many more of the worst cases. */
const SNOOZE_CASES = 5;

export async function toggleReveal(): Promise<void> {
  const current = state.current;
  if (!current) return;
  current.revealed = !current.revealed;
  renderCase();
  if (current.revealed && state.api) {
    try {
      const res = await state.api.reveal(current.entry.caseId);
      noteExposure(res.exposure);
    } catch {
      // Counting a reveal must never stand between a moderator and the case.
    }
  }
}

export async function refreshExposure(): Promise<void> {
  if (!state.api) return;
  try {
    noteExposure(await state.api.myExposure());
  } catch {
    // the counter waits for the next case
  }
}

function noteExposure(e: NonNullable<typeof state.exposure>): void {
  state.exposure = e;
  renderHeader();
  renderBreakReminder();
}

export function renderBreakReminder(): void {
  const el = regions.wellbeing;
  if (!el) return;
  const e = state.exposure;
  const snoozed = state.breakSnoozedAt !== undefined && e !== undefined && e.severeSinceBreak < state.breakSnoozedAt + SNOOZE_CASES;
  const due = e?.breakDue && !snoozed && state.view === 'review';
  el.hidden = !due;
  if (!due || !e) {
    el.replaceChildren();
    return;
  }
  fill(
    el,
    h(
      'p',
      null,
      h('strong', null, 'Time for a break. '),
      `You have reviewed ${e.severeSinceBreak} of the worst cases since your last break. Step away for ${e.breakMinutes} minutes; the queue will wait.`,
    ),
    h('button', { type: 'button', class: 'primary', id: 'btn-break', onclick: () => void takeBreak() }, 'Take a break now'),
    h(
      'button',
      {
        type: 'button',
        class: 'ghost',
        onclick: () => {
          state.breakSnoozedAt = e.severeSinceBreak;
          renderBreakReminder();
        },
      },
      'Remind me later',
    ),
  );
}

async function takeBreak(): Promise<void> {
  if (!state.api) return;
  await releaseCurrent();
  try {
    noteExposure(await state.api.takeBreak());
    state.breakSnoozedAt = undefined;
    toast(`Break started. Your case went back to the queue; come back in ${state.exposure?.breakMinutes ?? 10} minutes.`, 'info');
  } catch (err) {
    toast(`Could not record the break: ${(err as Error).message}`, 'error');
  }
  renderCase();
}

/** The top bar's counter: the worst cases seen today. */
export function exposureChip(): HTMLElement | null {
  const e = state.exposure;
  if (!e) return null;
  return h(
    'span',
    { class: `exposure${e.breakDue ? ' exposure-due' : ''}`, id: 'exposure', title: `Today: ${e.viewed} cases opened, ${e.severe} of the worst, ${e.reveals} revealed; ${e.severeSinceBreak} of the worst since your last break (a break is suggested after ${e.breakAfterSevere}).` },
    'Worst today ',
    h('strong', null, String(e.severe)),
  );
}
