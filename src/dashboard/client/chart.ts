/**
 * A labelled uPlot chart: stacked bars (a series per model, say) or lines, over days (or instants). The figure has
 * an accessible name and description, points to its table alternative, and downloads as PNG.
 * Colours come from the theme's CSS variables, so the chart follows the system's light or dark theme.
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { downloadPng, fileName } from './download.js';
import { fmtShort } from './format.js';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

export interface ChartProps {
  id: string;
  title: string;
  /** What the chart shows, for screen readers. */
  description: string;
  /** The id of the table with the same figures. */
  tableId: string;
  kind: 'stacked' | 'line';
  /** Days, YYYY-MM-DD, oldest first. */
  days: string[];
  /**
   * Instead of days: one point per event at these instants (epoch ms, oldest first), e.g. a task's
   * requests. They are drawn evenly, in order (long idle gaps would squeeze them), labelled by time (UTC).
   */
  times?: number[];
  series: ChartSeries[];
  yFormat?: (v: number) => string;
}

const PALETTE_VARS = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6', '--c7', '--c8'];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

const DAY = 86_400;

/** The time of the event at index `i`, `YYYY-MM-DD HH:MM:SS`. */
function stampOf(times: number[] | undefined, i: number): string {
  const ms = times?.[Math.round(i)];
  return ms === undefined ? '' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const toSeconds = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

/** Cumulative sums: each series' bar tops; the bar of series i starts at the top of series i - 1 (or 0). */
function stack(series: ChartSeries[]): number[][] {
  const acc: number[] = series[0]?.values.map(() => 0) ?? [];
  return series.map((s) => s.values.map((v, i) => (acc[i] = (acc[i] ?? 0) + (v ?? 0))));
}

/**
 * Stacked bars, each drawn as its own segment (from the top of the series below to its own top) rather
 * than from 0 under the smaller ones: the same picture, but a year of days has bars narrower than a
 * pixel, and painting each stack layer over the whole height with anti-aliased edges took the
 * browser's software canvas a few hundred milliseconds on the first view.
 */
function stackedBars(tops: number[][], order: number[]): uPlot.Series.PathBuilder | undefined {
  const bottoms = tops.map((t, i) => (i === 0 ? t.map(() => 0) : (tops[i - 1] ?? [])));
  // uPlot's series 1..n are the stack's series in `order`.
  const at = (rows: number[][], seriesIdx: number) => rows[order[seriesIdx - 1] ?? 0] ?? [];
  return uPlot.paths.bars?.({
    size: [0.7, 40],
    disp: {
      y0: { unit: 1, values: (_u, seriesIdx) => at(bottoms, seriesIdx) },
      y1: { unit: 1, values: (_u, seriesIdx) => at(tops, seriesIdx) },
    },
  });
}

function options(p: ChartProps, width: number, raw: ChartSeries[], tops: number[][]): uPlot.Options {
  const fg = cssVar('--fg');
  const grid = cssVar('--grid');
  const color = (i: number) => cssVar(PALETTE_VARS[i % PALETTE_VARS.length] ?? '--c1');
  const fmt = p.yFormat ?? fmtShort;
  const n = raw.length;
  // Stacked: series drawn top of the stack first, so uPlot's order is the reverse of the stack.
  const order = p.kind === 'stacked' ? raw.map((_, i) => n - 1 - i) : raw.map((_, i) => i);
  const bars = p.kind === 'stacked' ? stackedBars(tops, order) : undefined;
  return {
    width,
    height: 260,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    legend: { show: true },
    cursor: { points: { show: p.kind === 'line' } },
    scales: {
      x: { time: p.times === undefined },
      y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] },
    },
    axes: [
      {
        stroke: fg,
        grid: { stroke: grid },
        ticks: { stroke: grid },
        ...(p.times === undefined
          ? {
              // Whole days only: a tick is a day, a week, a month.
              incrs: [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY],
              values: (_u: uPlot, splits: number[]) =>
                splits.map((s) => new Date(s * 1000).toISOString().slice(5, 10)),
            }
          : {
              // Whole requests, far enough apart for a date and time each.
              space: 110,
              incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
              values: (_u: uPlot, splits: number[]) => splits.map((i) => stampOf(p.times, i).slice(5, 16)),
            }),
      },
      {
        stroke: fg,
        grid: { stroke: grid },
        ticks: { stroke: grid },
        size: 60,
        values: (_u, vals) => vals.map((v) => fmt(v)),
      },
    ],
    series: [
      {
        label: p.times === undefined ? 'Day' : 'Request',
        value: (_u, v) =>
          v === null
            ? '–'
            : p.times === undefined
              ? new Date(v * 1000).toISOString().slice(0, 10)
              : `#${v + 1}, ${stampOf(p.times, v)} UTC`,
      },
      ...order.map((i) => {
        const s = raw[i];
        const c = color(i);
        return {
          label: s?.label ?? '',
          stroke: c,
          width: p.kind === 'line' ? 2 : 0,
          ...(p.kind === 'stacked' ? { fill: c, paths: bars } : {}),
          spanGaps: false,
          points: { show: p.kind === 'line' && (p.times ?? p.days).length < 60 },
          value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) => {
            const v = idx === null ? null : (s?.values[idx] ?? null);
            return v === null ? '–' : fmt(v);
          },
        };
      }),
    ],
  };
}

export function Chart(p: ChartProps): VNode {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  // Drawn before the page is painted (a layout effect): with a plain effect the browser would lay out
  // and paint the view without its charts first, then again with them.
  useLayoutEffect(() => {
    const el = box.current;
    if (el === null) return;
    const draw = () => {
      plot.current?.destroy();
      const tops = p.kind === 'stacked' ? stack(p.series) : [];
      const stacked = p.kind === 'stacked' ? tops : p.series.map((s) => s.values);
      const order =
        p.kind === 'stacked' ? stacked.map((_, i) => stacked.length - 1 - i) : stacked.map((_, i) => i);
      const x = p.times === undefined ? p.days.map(toSeconds) : p.times.map((_, i) => i);
      const data: uPlot.AlignedData = [x, ...order.map((i) => stacked[i] ?? [])];
      plot.current = new uPlot(options(p, Math.max(240, el.clientWidth), p.series, tops), data, el);
      el.dataset.rendered = String(x.length);
    };
    draw();
    let width = el.clientWidth;
    const resize = new ResizeObserver(() => {
      if (Math.abs(el.clientWidth - width) > 8) {
        width = el.clientWidth;
        draw();
      }
    });
    resize.observe(el);
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', draw);
    return () => {
      resize.disconnect();
      scheme.removeEventListener('change', draw);
      plot.current?.destroy();
      plot.current = null;
    };
  }, [p.days, p.times, p.series, p.kind]);

  const png = () => {
    const canvas = plot.current?.ctx.canvas;
    if (canvas !== undefined) downloadPng(fileName(p.title), canvas, cssVar('--bg'));
  };
  const titleId = `${p.id}-title`;
  const descId = `${p.id}-desc`;
  return html`<figure class="chart" id=${p.id} aria-labelledby=${titleId} aria-describedby=${descId}>
    <figcaption>
      <h3 id=${titleId}>${p.title}</h3>
      <button type="button" class="small" onClick=${png}>Download PNG<span class="sr-only"> of ${p.title}</span></button>
    </figcaption>
    <p id=${descId} class="sr-only">${p.description} The same figures are in the table <a href=${`#${p.tableId}`}>below</a>.</p>
    <div class="plot" ref=${box} role="img" aria-label=${`${p.title}: ${p.description}`} data-chart=${p.id}></div>
  </figure>`;
}
