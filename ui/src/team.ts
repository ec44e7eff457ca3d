// The lead's team: each account, the games a moderator works on (they see, claim and decide only
// those games' cases), and how much of the worst content each reviewed today.
import { ApiError } from './api';
import { fill, h } from './dom';
import { errorState, toast } from './feedback';
import { regions, state } from './state';
import type { TeamExposureResponse, TeamMember } from './types';

const team: { members?: TeamMember[]; games?: string[]; exposure?: TeamExposureResponse; drafts: Map<string, string>; error?: string } = { drafts: new Map() };

export async function loadTeam(): Promise<void> {
  const api = state.api;
  if (!api) return;
  try {
    const [members, games, exposure] = await Promise.all([api.moderators(), api.games(), api.teamExposure()]);
    team.members = members.moderators;
    team.games = games.games;
    team.exposure = exposure;
    team.error = undefined;
  } catch (err) {
    team.error = err instanceof ApiError ? err.message : String(err);
  }
  renderTeam();
}

/** "north, south" -> ["north", "south"]; "*" stays "*". */
export function parseGames(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((g) => g.trim()).filter(Boolean))];
}

async function saveGames(member: TeamMember): Promise<void> {
  const draft = team.drafts.get(member.username);
  if (draft === undefined || !state.api) return;
  try {
    const res = await state.api.setGames(member.username, parseGames(draft));
    team.drafts.delete(member.username);
    toast(`${member.username} now works on ${res.games.length ? res.games.join(', ') : 'no game'}.`, 'ok');
  } catch (err) {
    toast(`Not changed: ${err instanceof ApiError ? err.message : String(err)}`, 'error');
  }
  await loadTeam();
}

export function renderTeam(): void {
  const main = regions.main;
  if (!main || state.view !== 'team') return;
  const head = h('div', { class: 'case-head view-head' }, h('h2', { id: 'case-title' }, 'Team'), h('p', { class: 'case-meta' }, 'A moderator sees, claims and decides only the cases of their games; a lead sees every game.'));
  if (!team.members) {
    fill(main, head, team.error ? errorState(`Cannot load the team: ${team.error}`, () => void loadTeam()) : h('p', { class: 'muted pad' }, 'Loading…'));
    return;
  }
  const exposure = new Map((team.exposure?.moderators ?? []).map((m) => [m.username, m]));
  const n = (x: number) => x.toLocaleString('en-GB');
  fill(
    main,
    head,
    team.error ? errorState(team.error, () => void loadTeam()) : null,
    h(
      'div',
      { class: 'view-scroll' },
      h(
        'section',
        { class: 'panel' },
        h(
          'table',
          { class: 'data team-table', id: 'team-table' },
          h(
            'thead',
            null,
            h('tr', null, ['Account', 'Role', 'Games', '', 'Cases today', 'Worst today', 'Revealed', 'Since break'].map((t) => h('th', { scope: 'col' }, t))),
          ),
          h(
            'tbody',
            null,
            team.members
              .filter((m) => !m.disabledAt)
              .map((m) => {
                const e = exposure.get(m.username);
                const id = `games-${m.username}`;
                return h(
                  'tr',
                  { 'data-user': m.username, class: e?.breakDue ? 'row-warn' : '' },
                  h('td', null, m.username),
                  h('td', null, h('span', { class: `role role-${m.role}` }, m.role)),
                  m.role === 'lead'
                    ? h('td', { colspan: '2', class: 'muted' }, 'every game')
                    : [
                        h(
                          'td',
                          null,
                          h('label', { for: id, class: 'sr-only' }, `Games of ${m.username}`),
                          h('input', {
                            id,
                            type: 'text',
                            class: 'games-input',
                            list: 'known-games',
                            placeholder: 'none yet (* for every game)',
                            value: team.drafts.get(m.username) ?? m.games.join(', '),
                            oninput: (ev: Event) => team.drafts.set(m.username, (ev.target as HTMLInputElement).value),
                            onkeydown: (ev: KeyboardEvent) => {
                              if (ev.key === 'Enter') void saveGames(m);
                            },
                          }),
                        ),
                        h('td', null, h('button', { type: 'button', class: 'ghost', onclick: () => void saveGames(m) }, 'Save')),
                      ],
                  h('td', null, n(e?.viewed ?? 0)),
                  h('td', null, n(e?.severe ?? 0)),
                  h('td', null, n(e?.reveals ?? 0)),
                  h('td', null, e?.breakDue ? `${n(e.severeSinceBreak)} · break due` : n(e?.severeSinceBreak ?? 0)),
                );
              }),
          ),
        ),
        h('datalist', { id: 'known-games' }, (team.games ?? []).map((g) => h('option', { value: g }))),
        h('p', { class: 'muted small' }, `Games seen so far: ${(team.games ?? []).join(', ') || 'none'}. Counts are for ${team.exposure?.day ?? 'today'} (UTC).`),
      ),
    ),
  );
}
