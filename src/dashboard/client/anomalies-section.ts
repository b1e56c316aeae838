/** Analysis: anomalies and leaks over the filters' days (`anomalies --json`), each expandable to its evidence. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { AnomaliesJson, AnomalyJson } from './analysis-api.js';
import { fmtInt } from './format.js';
import { Status } from './status.js';
import { filterQuery, type UrlState } from './url-state.js';
import { useJson } from './use-json.js';

const subjectText = (s: AnomalyJson['subject']) =>
  [
    s.task === undefined ? '' : `task ${s.task}`,
    s.stage === undefined ? '' : `stage ${s.stage}`,
    s.session === undefined ? '' : `session ${s.session.slice(0, 8)}`,
    s.agentId === undefined ? '' : `agent ${s.agentId}`,
    s.date === undefined ? '' : `day ${s.date}`,
  ]
    .filter((t) => t !== '')
    .join(' · ');

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

function Evidence(props: { a: AnomalyJson }): VNode {
  const { a } = props;
  const e = a.evidence;
  const b = a.baseline;
  const grouped = b.groupedBy === null ? [] : Object.entries(b.groupedBy).map(([k, v]) => `${k}=${v}`);
  const facts = Object.entries(e.facts);
  return html`<dl class="evidence">
    <div><dt>Value</dt><dd data-key="value" data-value=${a.value}>${fmtInt(a.value)} ${b.metric}</dd></div>
    <div><dt>Baseline</dt><dd data-key="baseline" data-value=${b.median}>median ${fmtInt(b.median)}, MAD ${fmtInt(b.mad)}, n=${b.n}${grouped.length > 0 ? `, grouped by ${grouped.join(', ')}` : ''}</dd></div>
    <div><dt>Score</dt><dd data-key="score" data-value=${a.score}>${a.score.toFixed(1)}${a.ratio === null ? '' : ` (${a.ratio.toFixed(1)}× the median)`}</dd></div>
    ${a.overrun === null ? '' : html`<div><dt>Over the baseline</dt><dd data-key="excess" data-value=${a.overrun.excess}>${fmtInt(a.overrun.excess)} ${a.overrun.unit === 'tokens' ? 'tokens' : 'API calls'}</dd></div>`}
    <div><dt>Tokens</dt><dd data-key="tokens" data-value=${e.tokens.total}>${fmtInt(e.tokens.total)} (input ${fmtInt(e.tokens.input)}, output ${fmtInt(e.tokens.output)}, cache write ${fmtInt(e.tokens.cacheWrite)}, cache read ${fmtInt(e.tokens.cacheRead)})</dd></div>
    <div><dt>API calls</dt><dd data-key="responses" data-value=${e.responses}>${fmtInt(e.responses)}, ${time(e.firstTs)} to ${time(e.lastTs)} UTC</dd></div>
    ${e.tasks.length > 0 ? html`<div><dt>Tasks</dt><dd>${e.tasks.join(', ')}</dd></div>` : ''}
    ${e.sessions.length > 0 ? html`<div><dt>Sessions</dt><dd class="ids">${e.sessions.join(', ')}</dd></div>` : ''}
    ${facts.map(([k, v]) => html`<div><dt>${k}</dt><dd data-key=${`fact-${k}`} data-value=${v}>${Number.isInteger(v) ? fmtInt(v) : v.toFixed(3)}</dd></div>`)}
    ${e.records.length > 0 ? html`<div><dt>API calls showing the pattern</dt><dd data-key="records" data-value=${e.records.length}>${fmtInt(e.records.length)}</dd></div>` : ''}
  </dl>`;
}

export function AnomaliesSection(props: { state: UrlState; refresh: number }): VNode {
  const loaded = useJson<AnomaliesJson>(`/api/anomalies${filterQuery(props.state)}`, props.refresh);
  const head = html`<h2 id="anomalies-title">Anomalies and leaks</h2>`;
  if (loaded.state !== 'ok')
    return html`<section class="card" aria-labelledby="anomalies-title">${head}<${Status} loaded=${loaded} /></section>`;
  const r = loaded.data;
  return html`<section class="card" aria-labelledby="anomalies-title" id="anomalies">
    ${head}
    <p class="muted">Days ${r.range.since} to ${r.range.until} (${r.range.timeZone}) against a baseline from ${r.baseline.since}; ${fmtInt(r.checked.tasks)} tasks, ${fmtInt(r.checked.sessions)} sessions and ${fmtInt(r.checked.days)} days looked at.</p>
    ${
      r.anomalies.length === 0
        ? html`<p>Nothing unusual in these days.</p>`
        : html`<ul class="findings">${r.anomalies.map(
            (a, i) => html`<li data-anomaly=${i} data-kind=${a.kind}>
              <details>
                <summary><span class="tag">${a.kind}</span> <span class="subject">${subjectText(a.subject)}</span>
                  <span class="summary-text">${a.summary}</span></summary>
                <${Evidence} a=${a} />
              </details>
            </li>`,
          )}</ul>`
    }
  </section>`;
}
