/** Breakdowns: usage by any of the server's dimensions (stage, agent, model, …, tool, skill, MCP server, file). */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { DimensionJson, Row } from './api.js';
import { Chart } from './chart.js';
import { DataTable } from './data-table.js';
import { fmtInt, fmtUsd } from './format.js';
import { Status } from './status.js';
import { breakdownPath, type UrlState } from './url-state.js';
import { seriesByDay, text, usageColumns } from './usage-columns.js';
import { useJson } from './use-json.js';

/** A dimension in words: `mcp-server` is "MCP server", a label its key. */
const noun = (d: string) => (d.startsWith('label:') ? d.slice(6) : d === 'mcp-server' ? 'MCP server' : d);
const title = (d: string) => {
  const n = noun(d);
  return n[0]?.toUpperCase() + n.slice(1);
};

export function BreakdownsView(props: {
  state: UrlState;
  dimensions: string[];
  refresh: number;
  set: (p: Partial<UrlState>, push?: boolean) => void;
}): VNode {
  const dim = props.dimensions.includes(props.state.dim) ? props.state.dim : (props.dimensions[0] ?? 'model');
  const loaded = useJson<{ rows: DimensionJson; perDay: DimensionJson }>(
    breakdownPath(dim, props.state),
    props.refresh,
  );
  const onKey = (e: KeyboardEvent) => {
    const i = props.dimensions.indexOf(dim);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = props.dimensions[(i + step + props.dimensions.length) % props.dimensions.length];
    if (next !== undefined) {
      props.set({ dim: next });
      requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
    }
  };
  const tabs = html`<div role="tablist" aria-label="Dimension" class="tabs" onKeyDown=${onKey}>
    ${props.dimensions.map(
      (
        d,
      ) => html`<button type="button" role="tab" id=${`tab-${d}`} aria-selected=${d === dim} aria-controls="breakdown-panel"
        tabindex=${d === dim ? 0 : -1} onClick=${() => props.set({ dim: d })}>${title(d)}</button>`,
    )}
  </div>`;
  if (loaded.state !== 'ok')
    return html`<section class="card">${tabs}<${Status} loaded=${loaded} /></section>`;
  const { rows, perDay } = loaded.data;
  const chart = seriesByDay(perDay.rows, dim, (r) => r.totalCost);
  return html`<section class="card">
    ${tabs}
    <div id="breakdown-panel" role="tabpanel" aria-labelledby=${`tab-${dim}`}>
      <h2>Usage by ${noun(dim)}</h2>
      <p class="total">Total: <strong data-value=${rows.totals.totalCost}>${fmtUsd(rows.totals.totalCost)}</strong>, <strong data-value=${rows.totals.totalTokens}>${fmtInt(rows.totals.totalTokens)}</strong> tokens</p>
      <${Chart} id="chart-breakdown" title=${`Cost per day by ${noun(dim)}`} tableId="table-breakdown" kind="stacked"
        days=${chart.days} series=${chart.series} yFormat=${fmtUsd}
        description=${`Cost of each day, a bar per day split by ${noun(dim)} (the eight largest, the rest as other).`} />
      <${DataTable} id="table-breakdown" caption=${`Usage by ${noun(dim)}`} rows=${rows.rows}
        columns=${[text<Row>(dim, title(dim), (r) => String(r[dim] || '(none)')), ...usageColumns<Row>()]} />
    </div>
  </section>`;
}
