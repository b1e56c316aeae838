/** Overview: cost or tokens per day stacked by model, the cache hit rate per day, the current 5-hour block. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { BlockJson, ModelBreakdownJson, OverviewJson, Row } from './api.js';
import { BudgetPanel } from './budget-panel.js';
import { Chart } from './chart.js';
import type { Column } from './data-table.js';
import { DataTable } from './data-table.js';
import { fmtInt, fmtPct, fmtUsd } from './format.js';
import { Status } from './status.js';
import { overviewPath, type UrlState } from './url-state.js';
import { seriesByDay, text, usageColumns } from './usage-columns.js';
import { useJson } from './use-json.js';

function BlockPanel(props: { block: BlockJson | undefined }): VNode {
  const b = props.block;
  if (b === undefined) {
    return html`<section class="card" aria-labelledby="block-title" id="current-block">
      <h2 id="block-title">Current 5-hour block</h2>
      <p>No active block: no usage in the last 5 hours.</p>
    </section>`;
  }
  const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return html`<section class="card" aria-labelledby="block-title" id="current-block">
    <h2 id="block-title">Current 5-hour block</h2>
    <p>${time(b.startTime)}–${time(b.endTime)} · ${fmtInt(b.entries)} requests · ${b.models.join(', ')}</p>
    <dl class="figures">
      <div><dt>Tokens</dt><dd data-value=${b.totalTokens}>${fmtInt(b.totalTokens)}</dd></div>
      <div><dt>Cost</dt><dd data-value=${b.costUSD}>${fmtUsd(b.costUSD)}</dd></div>
      <div><dt>Burn rate</dt><dd data-value=${b.burnRate?.tokensPerMinute ?? ''}>${b.burnRate === null ? '–' : `${fmtInt(b.burnRate.tokensPerMinute)} tokens/min · ${fmtUsd(b.burnRate.costPerHour)}/h`}</dd></div>
      <div><dt>Projected at block end</dt><dd data-value=${b.projection?.totalTokens ?? ''}>${b.projection === null ? '–' : `${fmtInt(b.projection.totalTokens)} tokens · ${fmtUsd(b.projection.totalCost)} (${fmtInt(b.projection.remainingMinutes)} min left)`}</dd></div>
    </dl>
  </section>`;
}

/** A model's usage on a day: an entry of `daily --breakdown --json`'s `modelBreakdowns`, with its day. */
type DayModelRow = ModelBreakdownJson & { day: string };

const tokensOf = (m: ModelBreakdownJson) =>
  m.inputTokens + m.outputTokens + m.cacheCreationTokens + m.cacheReadTokens;

const DAY_MODEL_COLUMNS: Column<DayModelRow>[] = [
  text<DayModelRow>('day', 'Day', (r) => r.day),
  text<DayModelRow>('model', 'Model', (r) => r.modelName),
  { key: 'inputTokens', header: 'Input', kind: 'int', value: (r) => r.inputTokens },
  { key: 'outputTokens', header: 'Output', kind: 'int', value: (r) => r.outputTokens },
  { key: 'cacheCreationTokens', header: 'Cache write', kind: 'int', value: (r) => r.cacheCreationTokens },
  { key: 'cacheReadTokens', header: 'Cache read', kind: 'int', value: (r) => r.cacheReadTokens },
  { key: 'responses', header: 'Requests', kind: 'int', value: (r) => r.responses },
  { key: 'cost', header: 'Cost (USD)', kind: 'usd', value: (r) => r.cost },
];

export function OverviewView(props: {
  state: UrlState;
  refresh: number;
  set: (p: Partial<UrlState>) => void;
}): VNode {
  const { state } = props;
  const loaded = useJson<OverviewJson>(overviewPath(state), props.refresh);
  if (loaded.state !== 'ok') return html`<${Status} loaded=${loaded} />`;
  const { daily, block } = loaded.data;
  const cost = state.metric === 'cost';
  const dayModel: DayModelRow[] = daily.daily.flatMap((r) =>
    r.modelBreakdowns.map((m) => ({ ...m, day: String(r.date) })),
  );
  const stacked = seriesByDay(dayModel, 'modelName', (m) => (cost ? (m.cost ?? 0) : tokensOf(m)));
  const days = daily.daily.map((r) => String(r.date));
  const hit = [{ label: 'Cache hit rate', values: daily.daily.map((r) => r.cacheHitRate) }];
  const metricLabel = cost ? 'Cost (USD)' : 'Tokens';
  return html`<div class="view">
    <${BlockPanel} block=${block.blocks[0]} />
    <${BudgetPanel} refresh=${props.refresh} />
    <section class="card">
      <div class="row">
        <h2>${metricLabel} per day by model</h2>
        <label>Show <select value=${state.metric} onChange=${(e: Event) => props.set({ metric: (e.currentTarget as HTMLSelectElement).value === 'tokens' ? 'tokens' : 'cost' })}>
          <option value="cost">cost</option><option value="tokens">tokens</option>
        </select></label>
      </div>
      <p class="total">Total: <strong data-value=${daily.totals.totalCost}>${fmtUsd(daily.totals.totalCost)}</strong>, <strong data-value=${daily.totals.totalTokens}>${fmtInt(daily.totals.totalTokens)}</strong> tokens</p>
      <${Chart} id="chart-day-model" title=${`${metricLabel} per day, stacked by model`} tableId="table-day-model"
        description=${`${metricLabel} of each day from ${days[0] ?? '–'} to ${days.at(-1) ?? '–'}, a bar per day split by model.`}
        kind="stacked" days=${stacked.days} series=${stacked.series} yFormat=${cost ? fmtUsd : undefined} />
      <${DataTable} id="table-day-model" caption="Usage per day and model" rows=${dayModel}
        columns=${DAY_MODEL_COLUMNS} />
    </section>
    <section class="card">
      <h2>Cache hit rate over time</h2>
      <${Chart} id="chart-cache" title="Cache hit rate per day" tableId="table-daily" kind="line" days=${days} series=${hit}
        description="Cache reads as a share of prompt input (cache reads plus uncached input), per day." yFormat=${fmtPct} />
      <${DataTable} id="table-daily" caption="Usage per day" rows=${daily.daily}
        columns=${[text<Row>('date', 'Day', (r) => String(r.date)), ...usageColumns<Row>()]} />
    </section>
  </div>`;
}
