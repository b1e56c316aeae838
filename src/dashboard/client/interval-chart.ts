/**
 * The A/B comparison's intervals: per metric, B's median against A's (a dot) and its 95% interval
 * (a bar), around a line at no change. SVG, drawn with attributes only (the page's CSP allows no
 * inline style); named for assistive technology, the table beside it carries the same figures.
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useRef } from 'preact/hooks';
import type { MetricJson } from './analysis-api.js';
import { downloadSvgPng } from './download.js';

const LEFT = 80;
const RIGHT = 20;
const ROW = 34;
const TOP = 10;

export const pct = (r: number): string => `${r > 0 ? '+' : ''}${(r * 100).toFixed(1)}%`;

const TITLE = "B's median against A's";

export function IntervalChart(props: { metrics: MetricJson[]; label: string }): VNode {
  const svg = useRef<SVGSVGElement>(null);
  const png = () => {
    if (svg.current !== null) {
      downloadSvgPng('b-against-a', svg.current, getComputedStyle(document.body).backgroundColor);
    }
  };
  // Drawn at the size it shows (up to 640 px), so that its text stays legible on a phone.
  const WIDTH = Math.max(300, Math.min(640, window.innerWidth - 48));
  const drawn = props.metrics.filter((m) => m.change !== null);
  const ends = drawn.flatMap((m) => (m.change === null ? [] : [m.change.low, m.change.high]));
  const reach = Math.max(0.1, ...ends.map(Math.abs)) * 1.1;
  const x = (v: number) => LEFT + ((v + reach) / (2 * reach)) * (WIDTH - LEFT - RIGHT);
  const height = TOP * 2 + ROW * Math.max(1, props.metrics.length) + 16;
  const ticks = [-reach, -reach / 2, 0, reach / 2, reach].map((t) => Math.round(t * 100) / 100);
  return html`<figure class="interval-chart">
    <figcaption>
      <h3>${TITLE}</h3>
      <button type="button" class="small" onClick=${png}>Download PNG<span class="sr-only"> of ${TITLE}</span></button>
    </figcaption>
    <svg ref=${svg} viewBox=${`0 0 ${WIDTH} ${height}`} width=${WIDTH} height=${height} role="img" aria-label=${props.label} data-chart="intervals" data-reach=${reach}>
      ${ticks.map(
        (t) => html`<g>
          <line class=${t === 0 ? 'zero' : 'grid'} x1=${x(t)} x2=${x(t)} y1=${TOP - 4} y2=${height - 18} />
          <text class="tick" x=${x(t)} y=${height - 4} text-anchor="middle">${pct(t)}</text>
        </g>`,
      )}
      ${props.metrics.map((m, i) => {
        const y = TOP + ROW * i + ROW / 2;
        const c = m.change;
        return html`<g data-metric=${m.metric}>
          <text class="label" x="4" y=${y + 4}>${m.metric}</text>
          ${
            c === null
              ? html`<text class="tick" x=${x(0) + 6} y=${y + 4}>no change computed</text>`
              : html`<line class=${`interval ${m.verdict ?? 'none'}`} data-low=${c.low} data-high=${c.high} x1=${x(c.low)} x2=${x(c.high)} y1=${y} y2=${y} />
                <circle class=${`estimate ${m.verdict ?? 'none'}`} data-estimate=${c.estimate} cx=${x(c.estimate)} cy=${y} r="5" />`
          }
        </g>`;
      })}
    </svg>
  </figure>`;
}
