/** Analysis: the A/B comparison of two cohorts of finished tasks (`compare --a A --b B --json`), its filters kept in the URL. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CompareJson, MetricJson } from './analysis-api.js';
import { type Column, DataTable } from './data-table.js';
import { fmtInt, fmtUsd } from './format.js';
import { IntervalChart, pct } from './interval-chart.js';
import { Status } from './status.js';
import type { UrlState } from './url-state.js';
import { useJson } from './use-json.js';

function fmtMetric(m: MetricJson['metric'], v: number | null): string {
  if (v === null) return '–';
  if (m === 'cost') return fmtUsd(v);
  if (m === 'duration') return `${(v / 60_000).toFixed(1)} min`;
  return fmtInt(v);
}

const COLUMNS: Column<MetricJson>[] = [
  { key: 'metric', header: 'Per task', kind: 'text', value: (m) => m.metric },
  {
    key: 'aMedian',
    header: 'A median',
    kind: 'text',
    value: (m) => m.a.median,
    render: (m) => fmtMetric(m.metric, m.a.median),
  },
  {
    key: 'bMedian',
    header: 'B median',
    kind: 'text',
    value: (m) => m.b.median,
    render: (m) => fmtMetric(m.metric, m.b.median),
  },
  {
    key: 'change',
    header: 'Change',
    kind: 'text',
    value: (m) => m.change?.estimate ?? null,
    render: (m) => (m.change === null ? '–' : pct(m.change.estimate)),
  },
  {
    key: 'low',
    header: '95% low',
    kind: 'text',
    value: (m) => m.change?.low ?? null,
    render: (m) => (m.change === null ? '–' : pct(m.change.low)),
  },
  {
    key: 'high',
    header: '95% high',
    kind: 'text',
    value: (m) => m.change?.high ?? null,
    render: (m) => (m.change === null ? '–' : pct(m.change.high)),
  },
  { key: 'verdict', header: 'Verdict', kind: 'text', value: (m) => m.text },
];

function Result(props: { a: string; b: string; refresh: number }): VNode {
  const q = new URLSearchParams({ a: props.a, b: props.b });
  const loaded = useJson<CompareJson>(`/api/compare?${q.toString()}`, props.refresh);
  if (loaded.state !== 'ok') return html`<${Status} loaded=${loaded} />`;
  const r = loaded.data;
  return html`<div id="compare-result">
    <p class="verdict" id="compare-verdict"><strong>${r.verdict}</strong></p>
    <p class="muted">A: <code>${r.a.filter}</code>, <span data-key="aTasks" data-value=${r.a.tasks}>${fmtInt(r.a.tasks)}</span> finished tasks · B: <code>${r.b.filter}</code>, <span data-key="bTasks" data-value=${r.b.tasks}>${fmtInt(r.b.tasks)}</span> finished tasks${r.inBoth > 0 ? ` · ${fmtInt(r.inBoth)} in both` : ''} · ${Math.round(r.bootstrap.level * 100)}% bootstrap intervals (${fmtInt(r.bootstrap.resamples)} resamples, seed ${r.bootstrap.seed}); a verdict needs ${r.bootstrap.minTasksPerCohort} tasks per cohort.</p>
    <${IntervalChart} metrics=${r.metrics}
      label=${`Change of B's median against A's per task, with 95% intervals: ${r.metrics.map((m) => `${m.metric} ${m.change === null ? 'not computed' : `${pct(m.change.estimate)} (${pct(m.change.low)} to ${pct(m.change.high)})`}`).join('; ')}.`} />
    <${DataTable} id="table-compare" caption="Cohort B against cohort A, per task" rows=${r.metrics} columns=${COLUMNS} />
  </div>`;
}

export function CompareSection(props: {
  state: UrlState;
  refresh: number;
  set: (p: Partial<UrlState>, push?: boolean) => void;
}): VNode {
  const [a, setA] = useState(props.state.a);
  const [b, setB] = useState(props.state.b);
  useEffect(() => {
    setA(props.state.a);
    setB(props.state.b);
  }, [props.state.a, props.state.b]);
  const submit = (e: Event) => {
    e.preventDefault();
    props.set({ a: a.trim(), b: b.trim() }, true);
  };
  const value = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  return html`<section class="card" aria-labelledby="compare-title" id="compare">
    <h2 id="compare-title">A/B comparison</h2>
    <form class="compare-form" onSubmit=${submit}>
      <label>Cohort A <input name="a" type="text" value=${a} placeholder="label:workflow=v1" onInput=${(e: Event) => setA(value(e))} /></label>
      <label>Cohort B <input name="b" type="text" value=${b} placeholder="label:workflow=v2" onInput=${(e: Event) => setB(value(e))} /></label>
      <button type="submit">Compare</button>
    </form>
    <p class="muted">Finished tasks: <code>all</code>, or parts such as <code>label:KEY=VALUE</code>, <code>stage:NAME</code>, <code>model:opus</code>, <code>branch:NAME</code>, <code>project:DIR</code>, <code>since:DAY</code>, <code>until:DAY</code>, comma-separated.</p>
    ${props.state.a !== '' && props.state.b !== '' ? html`<${Result} a=${props.state.a} b=${props.state.b} refresh=${props.refresh} />` : ''}
  </section>`;
}
