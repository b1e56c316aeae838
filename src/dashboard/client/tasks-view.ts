/** Tasks: the plan → section → task tree with estimates against actuals, and a task's drill-down. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { RequestJson, Row, TaskDetailJson, TaskJson } from './api.js';
import { Chart } from './chart.js';
import { type Column, DataTable } from './data-table.js';
import { fmtInt, fmtUsd } from './format.js';
import { Status } from './status.js';
import { filterQuery, taskPath, tasksPath, type UrlState } from './url-state.js';
import { seriesByDay, text, usageColumns } from './usage-columns.js';
import { useJson } from './use-json.js';

interface TreeRow {
  task: TaskJson;
  depth: number;
}

/** Depth first, children under their parent, in the order `task list` gives. */
function tree(tasks: TaskJson[]): TreeRow[] {
  const ids = new Set(tasks.map((t) => t.id));
  const children = new Map<string, TaskJson[]>();
  for (const t of tasks) {
    const parent = t.parent !== null && ids.has(t.parent) ? t.parent : '';
    children.set(parent, [...(children.get(parent) ?? []), t]);
  }
  const out: TreeRow[] = [];
  const walk = (parent: string, depth: number) => {
    for (const t of children.get(parent) ?? []) {
      out.push({ task: t, depth });
      walk(t.id, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

const pct = (v: { percent: number } | null) => (v === null ? null : v.percent / 100);

export function TasksView(props: {
  state: UrlState;
  refresh: number;
  set: (p: Partial<UrlState>, push?: boolean) => void;
}): VNode {
  if (props.state.task !== '') return html`<${TaskDetail} ...${props} id=${props.state.task} />`;
  const query = filterQuery(props.state);
  const loaded = useJson<{ tasks: TaskJson[] }>(tasksPath(props.state), props.refresh);
  if (loaded.state !== 'ok') return html`<${Status} loaded=${loaded} />`;
  const rows = tree(loaded.data.tasks);
  const filtered = query !== '';
  if (rows.length === 0) {
    return html`<section class="card"><h2>Tasks</h2>${
      filtered
        ? html`<p>No task has usage in these days and this project.</p>`
        : html`<p>No tasks yet: start one with <code>tokenledger task start ID</code>.</p>`
    }</section>`;
  }
  const columns: Column<TreeRow>[] = [
    {
      key: 'id',
      header: 'Task',
      kind: 'text',
      value: (r) => r.task.id,
      render: (r) => html`<span class="indent" style=${{ paddingInlineStart: `${r.depth * 1.25}rem` }}>
        <button type="button" class="link" data-task=${r.task.id} onClick=${() => props.set({ task: r.task.id }, true)}>${r.task.id}</button>
      </span>`,
    },
    text('title', 'Title', (r) => r.task.title ?? ''),
    text('status', 'Status', (r) => r.task.status),
    { key: 'estimateTokens', header: 'Estimate (tokens)', kind: 'int', value: (r) => r.task.estimate.tokens },
    {
      key: 'actualTokens',
      header: filtered ? 'Actual in filters (tokens)' : 'Actual (tokens)',
      kind: 'int',
      value: (r) => r.task.actualTokens,
    },
    {
      key: 'tokensVariance',
      header: filtered ? 'Whole task vs estimate' : 'Tokens vs estimate',
      kind: 'pct',
      value: (r) => pct(r.task.variance.tokens),
    },
    { key: 'estimateUsd', header: 'Estimate (USD)', kind: 'usd', value: (r) => r.task.estimate.usd },
    {
      key: 'actualUsd',
      header: filtered ? 'Actual in filters (USD)' : 'Actual (USD)',
      kind: 'usd',
      value: (r) => r.task.actualUsd,
    },
    {
      key: 'overrun',
      header: 'Overrun',
      kind: 'text',
      value: (r) => (r.task.variance.overrun ? 'overrun' : ''),
      render: (r) => (r.task.variance.overrun ? html`<span class="flag">Overrun</span>` : ''),
    },
  ];
  return html`<section class="card">
    <h2>Tasks</h2>
    <p>Plans, sections and tasks; each row's actuals cover its whole subtree (as <code>task list</code>)${
      filtered
        ? html`, counting only the usage in the chosen days and project; the comparison with the estimate stays the whole task's`
        : ''
    }. Choose a task to see its stages, agents, models and timeline.</p>
    <${DataTable} id="table-tasks" caption="Tasks against their estimates" rows=${rows} columns=${columns}
      rowClass=${(r: TreeRow) => (r.task.variance.overrun ? 'overrun' : '')} />
  </section>`;
}

const requestColumns: Column<RequestJson>[] = [
  text('at', 'Time (UTC)', (r) => r.at.slice(0, 19).replace('T', ' ')),
  text('task', 'Task', (r) => r.task ?? ''),
  text('stage', 'Stage', (r) => r.stage ?? ''),
  text('model', 'Model', (r) => r.model),
  { key: 'inputTokens', header: 'Input', kind: 'int', value: (r) => r.inputTokens },
  { key: 'outputTokens', header: 'Output', kind: 'int', value: (r) => r.outputTokens },
  { key: 'cacheCreationTokens', header: 'Cache write', kind: 'int', value: (r) => r.cacheCreationTokens },
  { key: 'cacheReadTokens', header: 'Cache read', kind: 'int', value: (r) => r.cacheReadTokens },
  { key: 'totalTokens', header: 'Total tokens', kind: 'int', value: (r) => r.totalTokens },
];

function TaskDetail(props: {
  id: string;
  state: UrlState;
  refresh: number;
  set: (p: Partial<UrlState>, push?: boolean) => void;
}): VNode {
  const query = filterQuery(props.state);
  const filtered = query !== '';
  const loaded = useJson<TaskDetailJson>(taskPath({ ...props.state, task: props.id }), props.refresh);
  const back = html`<button type="button" class="small" onClick=${() => props.set({ task: '' }, true)}>← All tasks</button>`;
  if (loaded.state !== 'ok') return html`<div>${back}<${Status} loaded=${loaded} /></div>`;
  const { show, timeline } = loaded.data;
  const t = show.task;
  const tokens = seriesByDay(timeline.rows, 'model', (r) => r.totalTokens);
  const days = tokens.days;
  const reqs = loaded.data.requests;
  const times = reqs.requests.map((r) => Date.parse(r.at));
  const part = (label: string, k: keyof RequestJson) => ({
    label,
    values: reqs.requests.map((r) => Number(r[k])),
  });
  const perRequest = [
    part('Input', 'inputTokens'),
    part('Output', 'outputTokens'),
    part('Cache writes', 'cacheCreationTokens'),
    part('Cache reads', 'cacheReadTokens'),
  ];
  const cacheSeries = [part('Cache reads', 'cacheReadTokens'), part('Cache writes', 'cacheCreationTokens')];
  const shownCount = reqs.truncated
    ? `the latest ${fmtInt(reqs.requests.length)} of ${fmtInt(reqs.total)} requests`
    : `${fmtInt(reqs.total)} requests`;
  const v = show.variance;
  return html`<div class="view" id="task-detail" data-task=${t.id}>
    ${back}
    <section class="card">
      <h2>${t.id}${t.title === null ? '' : `: ${t.title}`} ${v.overrun ? html`<span class="flag">Overrun</span>` : ''}</h2>
      <dl class="figures">
        <div><dt>Status</dt><dd>${t.status}</dd></div>
        <div><dt>${filtered ? 'Tokens in the filters' : 'Tokens'}</dt><dd data-value=${show.totals.totalTokens}>${fmtInt(show.totals.totalTokens)}${filtered || t.estimate.tokens === null ? '' : ` of ${fmtInt(t.estimate.tokens)} estimated`}</dd></div>
        <div><dt>${filtered ? 'Cost in the filters' : 'Cost'}</dt><dd data-value=${show.totals.totalCost}>${fmtUsd(show.totals.totalCost)}${filtered || t.estimate.usd === null ? '' : ` of ${fmtUsd(t.estimate.usd)} estimated`}</dd></div>
        <div><dt>Requests</dt><dd data-value=${show.totals.responses}>${fmtInt(show.totals.responses)}</dd></div>
        ${
          filtered && (v.tokens !== null || v.usd !== null)
            ? html`<div><dt>Whole task</dt><dd>${[
                v.tokens === null ? '' : `${fmtInt(v.tokens.actual)} of ${fmtInt(v.tokens.estimate)} tokens`,
                v.usd === null ? '' : `${fmtUsd(v.usd.actual)} of ${fmtUsd(v.usd.estimate)}`,
              ]
                .filter((x) => x !== '')
                .join(', ')} estimated</dd></div>`
            : ''
        }
      </dl>
    </section>
    <section class="card">
      <h2>Timeline</h2>
      <${Chart} id="chart-task-tokens" title="Tokens per day, stacked by model" tableId="table-task-timeline" kind="stacked"
        days=${days} series=${tokens.series} description=${`Tokens ${t.id} and its subtasks used each day, split by model.`} />
      <${DataTable} id="table-task-timeline" caption="Task usage per day and model" rows=${timeline.rows}
        columns=${[text<Row>('day', 'Day', (r) => String(r.day)), text<Row>('model', 'Model', (r) => String(r.model)), ...usageColumns<Row>()]} />
    </section>
    <section class="card">
      <h2>Requests</h2>
      <p>Each API call of ${t.id} and its subtasks${filtered ? ' in the filters' : ''}: ${shownCount}.</p>
      <${Chart} id="chart-task-requests" title="Tokens per request" tableId="table-task-requests" kind="stacked"
        days=${[]} times=${times} series=${perRequest} description="The tokens of each request, in order: input, output, cache writes and cache reads." />
      <${Chart} id="chart-task-cache" title="Cache reads against cache writes per request" tableId="table-task-requests" kind="line"
        days=${[]} times=${times} series=${cacheSeries} description="Tokens each request read from the prompt cache and wrote to it, in order." />
      <${DataTable} id="table-task-requests" caption=${`Requests of ${t.id}`} rows=${reqs.requests} columns=${requestColumns} />
    </section>
    ${(['stage', 'agent', 'model'] as const).map((k) => {
      const rows = k === 'stage' ? show.byStage : k === 'agent' ? show.byAgent : show.byModel;
      return html`<section class="card">
        <h2>By ${k}</h2>
        <${DataTable} id=${`table-task-${k}`} caption=${`${t.id} by ${k}`} rows=${rows}
          columns=${[text<Row>(k, k[0]?.toUpperCase() + k.slice(1), (r) => String(r[k] ?? '(none)')), ...usageColumns<Row>()]} />
      </section>`;
    })}
    ${
      show.children.length === 0
        ? ''
        : html`<section class="card"><h2>Parts</h2>
        <${DataTable} id="table-task-children" caption=${`Parts of ${t.id}`} rows=${show.children}
          columns=${[{ key: 'id', header: 'Task', kind: 'text', value: (r: Row) => String(r.id), render: (r: Row) => html`<button type="button" class="link" data-task=${String(r.id)} onClick=${() => props.set({ task: String(r.id) }, true)}>${String(r.id)}</button>` }, text<Row>('title', 'Title', (r) => String(r.title ?? '')), ...usageColumns<Row>()]} />
      </section>`
    }
  </div>`;
}
