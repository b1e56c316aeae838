/** Overview: each budget's period so far against its limit, with the forecast and its basis (`budget status --json`). */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { BudgetReportJson, BudgetStatusJson } from './analysis-api.js';
import { fmtInt, fmtUsd } from './format.js';
import { Status } from './status.js';
import { BUDGETS_PATH } from './url-state.js';
import { useJson } from './use-json.js';

const amount = (b: BudgetStatusJson, n: number) => (b.unit === 'usd' ? fmtUsd(n) : `${fmtInt(n)} tokens`);
const day = (iso: string) => iso.slice(0, 10);
const scopeText = (b: BudgetStatusJson) =>
  b.scope.kind === 'all' ? 'all usage' : `${b.scope.kind} ${b.scope.value ?? ''}`;
const periodText: Record<BudgetStatusJson['period'], string> = {
  day: 'today',
  week: 'this week',
  month: 'month to date',
};

function BudgetRow(props: { b: BudgetStatusJson }): VNode {
  const { b } = props;
  const id = `budget-${b.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const state = b.over ? 'over' : b.forecast.percent >= 100 ? 'heading-over' : 'ok';
  return html`<li class=${`budget budget-${state}`} id=${id} data-budget=${b.name}>
    <div class="row">
      <h3>${b.name}</h3>
      <span class="muted">${b.period} ${b.periodKey} · ${scopeText(b)}</span>
    </div>
    <div class="meter-row">
      <meter min="0" max=${b.limit} low=${b.limit * 0.75} high=${b.limit * 0.9} optimum="0" value=${Math.min(b.spent, b.limit)}
        aria-label=${`${b.name}: ${b.percent.toFixed(1)}% of the limit`}></meter>
      <span>${b.percent.toFixed(1)}%</span>
    </div>
    <dl class="figures">
      <div><dt>Spent ${periodText[b.period]}</dt><dd data-key="spent" data-value=${b.spent}>${amount(b, b.spent)}</dd></div>
      <div><dt>Limit</dt><dd data-key="limit" data-value=${b.limit}>${amount(b, b.limit)}</dd></div>
      <div><dt>Forecast at period end</dt><dd data-key="forecast" data-value=${b.forecast.amount}>${amount(b, b.forecast.amount)} (<span data-key="forecastPercent" data-value=${b.forecast.percent}>${b.forecast.percent.toFixed(0)}%</span>)</dd></div>
    </dl>
    <p class="basis" data-key="basis">Forecast basis: ${amount(b, b.forecast.basis.perDay)} a day, from ${day(b.forecast.basis.from)} to ${day(b.forecast.basis.to)}.
      ${b.reached.length > 0 ? html` <strong class="flag">Reached ${b.reached.map((r) => `${r}%`).join(', ')}.</strong>` : ''}
      ${b.unpricedModels.length > 0 ? ` Not priced, not counted: ${b.unpricedModels.join(', ')}.` : ''}</p>
  </li>`;
}

export function BudgetPanel(props: { refresh: number }): VNode {
  const loaded = useJson<BudgetReportJson>(BUDGETS_PATH, props.refresh);
  const body =
    loaded.state !== 'ok'
      ? html`<${Status} loaded=${loaded} />`
      : loaded.data.budgets.length === 0
        ? html`<p id="budget-hint">No budget is set. Set one with <code>tokenledger budget set team-month '$300' --per month</code> (or in tokens, per day or week, for a task, stage, project or label); it shows here with a forecast.</p>`
        : html`<ul class="budgets">${loaded.data.budgets.map((b) => html`<${BudgetRow} b=${b} />`)}</ul>`;
  return html`<section class="card" aria-labelledby="budgets-title" id="budgets">
    <h2 id="budgets-title">Budgets</h2>
    ${body}
  </section>`;
}
