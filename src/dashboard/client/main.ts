/**
 * The dashboard page: a view (Overview, Tasks, Breakdowns, Analysis) with the filters every view shares, all
 * kept in the URL; live updates over server-sent events fetch the shown view again.
 */
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { html } from 'htm/preact';
import { render, type VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AnalysisView } from './analysis-view.js';
import type { Meta } from './api.js';
import { BreakdownsView } from './breakdowns-view.js';
import { OverviewView } from './overview-view.js';
import { Status } from './status.js';
import { TasksView } from './tasks-view.js';
import { META_PATH, readUrl, type UrlState, VIEWS, writeUrl } from './url-state.js';
import { useJson } from './use-json.js';

function Filters(props: { state: UrlState; set: (p: Partial<UrlState>, push?: boolean) => void }): VNode {
  const s = props.state;
  const field = (key: 'since' | 'until' | 'project', label: string, type: string) =>
    html`<label>${label} <input type=${type} name=${key} value=${s[key]}
      onChange=${(e: Event) => props.set({ [key]: (e.currentTarget as HTMLInputElement).value }, true)} /></label>`;
  return html`<form class="filters" role="search" aria-label="Filters" onSubmit=${(e: Event) => e.preventDefault()}>
    ${field('since', 'From', 'date')} ${field('until', 'To', 'date')} ${field('project', 'Project', 'text')}
    <button type="button" class="small" onClick=${() => props.set({ since: '', until: '', project: '' }, true)}>Clear</button>
  </form>`;
}

function useLive(enabled: boolean): { refresh: number; last: string } {
  const [live, setLive] = useState({ refresh: 0, last: '' });
  useEffect(() => {
    if (!enabled) return;
    const events = new EventSource('/api/events');
    events.addEventListener('usage', () =>
      setLive((l) => ({ refresh: l.refresh + 1, last: new Date().toLocaleTimeString() })),
    );
    return () => events.close();
  }, [enabled]);
  return live;
}

function App(): VNode {
  const [state, setState] = useState<UrlState>(readUrl);
  const meta = useJson<Meta>(META_PATH, 0);
  const live = useLive(meta.state === 'ok' && meta.data.live);
  useEffect(() => {
    const pop = () => setState(readUrl());
    addEventListener('popstate', pop);
    return () => removeEventListener('popstate', pop);
  }, []);
  const set = (p: Partial<UrlState>, push = false) => {
    const next = { ...state, ...p };
    writeUrl(next, push);
    setState(next);
  };
  if (meta.state !== 'ok') return html`<${Status} loaded=${meta} />`;
  const view =
    state.view === 'tasks'
      ? html`<${TasksView} state=${state} refresh=${live.refresh} set=${set} />`
      : state.view === 'analysis'
        ? html`<${AnalysisView} state=${state} refresh=${live.refresh} set=${set} />`
        : state.view === 'breakdowns'
          ? html`<${BreakdownsView} state=${state} dimensions=${meta.data.dimensions} refresh=${live.refresh} set=${set} />`
          : html`<${OverviewView} state=${state} refresh=${live.refresh} set=${set} />`;
  return html`<a class="skip" href="#main">Skip to content</a>
    <header>
      <h1>tokenledger</h1>
      <nav aria-label="Views">
        ${VIEWS.map(
          (v) => html`<a href=${`?view=${v.id}`} aria-current=${state.view === v.id ? 'page' : undefined}
            onClick=${(e: MouseEvent) => {
              e.preventDefault();
              set({ view: v.id, task: '' }, true);
            }}>${v.label}</a>`,
        )}
      </nav>
      <p class="live" role="status" aria-live="polite" data-refresh=${live.refresh}>
        ${meta.data.live ? (live.last === '' ? 'Live' : `Live · updated ${live.last}`) : 'Not live (--no-import)'} · ${meta.data.timezone}
      </p>
    </header>
    <${Filters} state=${state} set=${set} />
    <main id="main" tabindex="-1">${view}</main>`;
}

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
