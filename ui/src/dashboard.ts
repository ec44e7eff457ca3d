// The lead's dashboard: traffic and decisions by path over time, the queue's depth and age,
// moderators' throughput and agreement, appeals, top categories, the models and policy in
// service, and who reviewed how much of the worst content today. Figures come from GET
// /v1/dashboard (the same events the Prometheus metrics count) and GET /v1/exposure.
import { ApiError } from './api';
import { destroyCharts, PALETTE, PATH_COLORS, timeChart } from './charts';
import { fill, h } from './dom';
import { errorState } from './feedback';
import { categoryLabel, formatAge } from './format';
import { regions, state } from './state';
import type { Category, DashboardResponse, TeamExposureResponse } from './types';

const PERIODS = [
  { value: '15m', label: '15 minutes' },
  { value: '1h', label: 'Last hour' },
  { value: '6h', label: '6 hours' },
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
];

const board: { period: string; data?: DashboardResponse; exposure?: TeamExposureResponse; error?: string; loading: boolean; timer?: number } = { period: '1h', loading: false };

export async function loadDashboard(): Promise<void> {
  const api = state.api;
  if (!api) return;
  board.loading = true;
  if (!board.data) renderDashboard();
  try {
    const [data, exposure] = await Promise.all([api.dashboard(board.period), api.teamExposure()]);
    board.data = data;
    board.exposure = exposure;
    board.error = undefined;
  } catch (err) {
    board.error = err instanceof ApiError ? err.message : String(err);
  }
  board.loading = false;
  renderDashboard();
  clearTimeout(board.timer);
  // Fresh every 15 s while it is on screen.
  if (state.view === 'dashboard') board.timer = window.setTimeout(() => void loadDashboard(), 15_000);
}

export function stopDashboard(): void {
  clearTimeout(board.timer);
  destroyCharts();
}

const panel = (id: string, title: string, ...body: Parameters<typeof h>[2][]) => h('section', { class: 'panel', id, 'aria-labelledby': `${id}-title` }, h('h3', { id: `${id}-title` }, title), ...body);
const n = (x: number) => x.toLocaleString('en-GB');
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

export function renderDashboard(): void {
  const main = regions.main;
  if (!main || state.view !== 'dashboard') return;
  destroyCharts();
  const d = board.data;
  const head = h(
    'div',
    { class: 'case-head view-head' },
    h('h2', { id: 'case-title' }, 'Dashboard'),
    h(
      'div',
      { class: 'period', role: 'group', 'aria-label': 'Period' },
      PERIODS.map((p) =>
        h(
          'button',
          {
            type: 'button',
            class: `ghost${board.period === p.value ? ' active' : ''}`,
            'aria-pressed': board.period === p.value ? 'true' : 'false',
            onclick: () => {
              board.period = p.value;
              void loadDashboard();
            },
          },
          p.label,
        ),
      ),
    ),
    d ? h('p', { class: 'case-meta' }, `Updated ${new Date(d.generatedAt).toLocaleTimeString()} · ${n(d.traffic.total)} decisions in the period · buckets of ${formatAge(d.bucketSeconds * 1000)}`) : null,
  );
  if (!d) {
    fill(main, head, board.error ? errorState(`Cannot load the dashboard: ${board.error}`, () => void loadDashboard()) : h('p', { class: 'muted pad' }, 'Loading…'));
    return;
  }

  const trafficChart = h('div', { class: 'chart', id: 'chart-traffic' });
  const queueChart = h('div', { class: 'chart', id: 'chart-queue' });
  const throughputChart = h('div', { class: 'chart', id: 'chart-throughput' });
  const maxCategory = Math.max(1, ...d.categories.map((c) => c.blocked));
  const moderators = Object.keys(d.throughput);

  const grid = h(
    'div',
    { class: 'dash-grid' },
    panel(
      'p-traffic',
      'Traffic and decisions by path',
      trafficChart,
      h(
        'ul',
        { class: 'totals' },
        Object.entries(d.decisions.byPath).map(([path, count]) => h('li', null, h('span', { class: `swatch sw-${path}`, 'aria-hidden': 'true' }), `${path} `, h('strong', null, n(count)))),
        h('li', null, 'blocked ', h('strong', null, n(d.traffic.blocked.reduce((a, b) => a + b, 0)))),
      ),
    ),
    panel(
      'p-queue',
      'Queue depth and age',
      queueChart,
      h(
        'p',
        { class: 'kpis' },
        h('span', null, 'waiting ', h('strong', { id: 'kpi-pending' }, n(d.queue.pending - d.queue.claimed))),
        h('span', null, 'in review ', h('strong', null, n(d.queue.claimed))),
        h('span', null, 'oldest ', h('strong', null, d.queue.oldestAgeSeconds === null ? '—' : formatAge(d.queue.oldestAgeSeconds * 1000))),
        h('span', null, 'lapsed ', h('strong', null, `${n(d.decisions.lapsed.model)} model · ${n(d.decisions.lapsed.allow)} allow · ${n(d.decisions.lapsed.hold)} hold`)),
      ),
    ),
    panel(
      'p-moderators',
      'Moderator throughput and agreement',
      moderators.length ? throughputChart : null,
      d.moderators.length
        ? h(
            'table',
            { class: 'data' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Moderator'), h('th', { scope: 'col' }, 'Verdicts'), h('th', { scope: 'col' }, 'Blocked'), h('th', { scope: 'col', title: "Verdicts equal to the models' provisional reading" }, 'Agrees with models'))),
            h('tbody', null, d.moderators.map((m) => h('tr', null, h('td', null, m.moderatorId), h('td', null, n(m.decided)), h('td', null, n(m.blocked)), h('td', null, pct(m.agreement))))),
          )
        : h('p', { class: 'empty-note' }, 'No moderator verdicts in this period.'),
    ),
    panel(
      'p-appeals',
      'Appeals and overturn rate',
      h(
        'div',
        { class: 'empty-panel' },
        h('p', { class: 'big-number' }, d.appeals.available ? pct(d.appeals.overturnRate) : '—'),
        h('p', null, `${n(d.appeals.opened)} appeals · ${n(d.appeals.overturned)} overturned`),
        h('p', { class: 'muted small', id: 'appeals-source' }, d.appeals.source),
      ),
    ),
    panel(
      'p-categories',
      'Top categories blocked',
      d.categories.length
        ? h(
            'ul',
            { class: 'hbars' },
            d.categories.slice(0, 8).map((c) =>
              h(
                'li',
                null,
                h('span', { class: 'hbar-label' }, categoryLabel(c.category as Category)),
                h('span', { class: 'hbar' }, h('span', { class: 'hbar-fill', style: { width: `${Math.round((c.blocked / maxCategory) * 100)}%` } })),
                h('span', { class: 'hbar-value' }, n(c.blocked)),
              ),
            ),
          )
        : h('p', { class: 'empty-note' }, 'Nothing blocked in this period.'),
    ),
    panel(
      'p-models',
      'Models and policy in service',
      h(
        'table',
        { class: 'data' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Model version'), h('th', { scope: 'col' }, 'Paths'), h('th', { scope: 'col' }, 'Decisions'), h('th', { scope: 'col' }, 'Last seen'))),
        h(
          'tbody',
          null,
          d.models.map((m) => h('tr', null, h('td', { class: 'mono' }, m.modelVersion), h('td', null, m.paths.join(', ')), h('td', null, n(m.decisions)), h('td', null, new Date(m.lastSeen).toLocaleTimeString()))),
        ),
      ),
      h('p', { class: 'kpis' }, h('span', null, 'policy ', h('strong', null, d.policies.active === null ? '—' : `v${d.policies.active}`)), h('span', null, 'in shadow ', h('strong', null, d.policies.shadow === null ? 'none' : `v${d.policies.shadow}`))),
    ),
    panel(
      'p-wellbeing',
      'Worst content reviewed today',
      board.exposure && board.exposure.moderators.length
        ? h(
            'table',
            { class: 'data' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Moderator'), h('th', { scope: 'col' }, 'Cases'), h('th', { scope: 'col' }, 'Worst'), h('th', { scope: 'col' }, 'Revealed'), h('th', { scope: 'col' }, 'Since break'))),
            h(
              'tbody',
              null,
              board.exposure.moderators.map((m) =>
                h('tr', { class: m.breakDue ? 'row-warn' : '' }, h('td', null, m.username), h('td', null, n(m.viewed)), h('td', null, n(m.severe)), h('td', null, n(m.reveals)), h('td', null, m.breakDue ? `${n(m.severeSinceBreak)} · break due` : n(m.severeSinceBreak))),
              ),
            ),
          )
        : h('p', { class: 'empty-note' }, 'Nobody has opened a case today.'),
    ),
  );
  fill(main, head, board.error ? errorState(board.error, () => void loadDashboard()) : null, h('div', { class: 'view-scroll' }, grid, h('ul', { class: 'sources muted small' }, d.sources.map((s) => h('li', null, s)))));

  // Charts measure their container, so they are drawn once it is in the page.
  timeChart(trafficChart, {
    buckets: d.buckets,
    left: 'decisions',
    series: [
      ...Object.entries(d.traffic.byPath).map(([path, values]) => ({ label: path, values, color: PATH_COLORS[path] ?? '#455a64', fill: path === 'fast' })),
      { label: 'blocked', values: d.traffic.blocked, color: '#8a4b00', dash: [6, 4] },
    ],
  });
  timeChart(queueChart, {
    buckets: d.buckets,
    left: 'cases',
    right: 'oldest (min)',
    series: [
      { label: 'waiting', values: d.queue.depth, color: '#0b57d0', fill: true },
      { label: 'oldest age (min)', values: d.queue.oldestAge.map((s) => Math.round((s / 60) * 10) / 10), color: '#b3261e', axis: 'right' },
    ],
  });
  if (moderators.length) {
    timeChart(throughputChart, {
      buckets: d.buckets,
      left: 'verdicts',
      height: 150,
      series: moderators.map((m, i) => ({ label: m, values: d.throughput[m]!, color: PALETTE[i % PALETTE.length]! })),
    });
  }
}
