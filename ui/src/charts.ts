// Time-series charts for the lead's dashboard, drawn by uPlot (MIT, ~50 kB, canvas; bundled by
// Vite). uPlot styles its elements through the CSSOM (el.style.x = ...), never with style
// attributes or injected <style>, so it runs under the page's CSP (style-src 'self'); its
// stylesheet is bundled as a file like ours.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: number[];
  color: string;
  /** Which axis: the left (default) or the right one. */
  axis?: 'left' | 'right';
  /** Filled under the line (stacked look for totals). */
  fill?: boolean;
  dash?: number[];
}

export interface TimeChartOptions {
  /** Bucket starts, ISO. */
  buckets: string[];
  series: Series[];
  height?: number;
  left?: string;
  right?: string;
}

const live = new Set<{ chart: uPlot; observer: ResizeObserver }>();

/** Draws a chart into `el` (already in the page) and keeps it sized to it. */
export function timeChart(el: HTMLElement, opts: TimeChartOptions): uPlot {
  const xs = opts.buckets.map((b) => Date.parse(b) / 1000);
  const hasRight = opts.series.some((s) => s.axis === 'right');
  const axis = (label: string | undefined, side: 1 | 3, scale: string): uPlot.Axis => ({
    scale,
    side,
    label,
    stroke: '#4a5360',
    grid: { stroke: side === 3 ? '#e7e9ee' : 'transparent', width: 1 },
    ticks: { stroke: '#d5d9e0', width: 1 },
    size: 48,
    labelSize: 16,
    font: '11px "DejaVu Sans", sans-serif',
    labelFont: '11px "DejaVu Sans", sans-serif',
  });
  const chart = new uPlot(
    {
      width: Math.max(240, el.clientWidth),
      height: opts.height ?? 200,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: false },
      scales: { x: { time: true }, y: { auto: true, range: (_u, min, max) => [0, Math.max(1, max, min)] }, ...(hasRight ? { r: { auto: true, range: (_u, min, max) => [0, Math.max(1, max, min)] } } : {}) },
      axes: [
        { stroke: '#4a5360', grid: { show: false }, ticks: { stroke: '#d5d9e0', width: 1 }, font: '11px "DejaVu Sans", sans-serif' },
        axis(opts.left, 3, 'y'),
        ...(hasRight ? [axis(opts.right, 1, 'r')] : []),
      ],
      series: [
        {},
        ...opts.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          scale: s.axis === 'right' ? 'r' : 'y',
          ...(s.fill ? { fill: `${s.color}22` } : {}),
          ...(s.dash ? { dash: s.dash } : {}),
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : Number.isInteger(v) ? v.toLocaleString('en-GB') : v.toFixed(1)),
        })),
      ],
    },
    [xs, ...opts.series.map((s) => s.values)],
    el,
  );
  const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(240, el.clientWidth), height: opts.height ?? 200 }));
  observer.observe(el);
  live.add({ chart, observer });
  return chart;
}

/** Removes every chart (before a view is redrawn or left). */
export function destroyCharts(): void {
  for (const c of live) {
    c.observer.disconnect();
    c.chart.destroy();
  }
  live.clear();
}

/** Colours told apart by lightness as well as hue; text says which is which too (legends). */
export const PATH_COLORS: Record<string, string> = { fast: '#0b57d0', deep: '#7b3fb6', moderator: '#146c2e', deadline: '#b3261e' };
export const PALETTE = ['#0b57d0', '#146c2e', '#b3261e', '#8a4b00', '#7b3fb6', '#00796b', '#c2185b', '#455a64'];
