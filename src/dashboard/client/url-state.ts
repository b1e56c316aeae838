/** The view and its filters, kept in the page's URL so that a reload or a shared link shows the same. */

export type View = 'overview' | 'tasks' | 'breakdowns' | 'analysis';
export const VIEWS: { id: View; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'tasks', label: 'Tasks' },
  { id: 'breakdowns', label: 'Breakdowns' },
  { id: 'analysis', label: 'Analysis' },
];

export interface UrlState {
  view: View;
  since: string;
  until: string;
  project: string;
  /** Overview: cost or tokens. */
  metric: 'cost' | 'tokens';
  /** Breakdowns: the dimension. */
  dim: string;
  /** Tasks: the task drilled into. */
  task: string;
  /** Analysis: the A/B comparison's two cohort filters (`compare --a`, `--b`). */
  a: string;
  b: string;
}

const KEYS = ['view', 'since', 'until', 'project', 'metric', 'dim', 'task', 'a', 'b'] as const;

export function readUrl(): UrlState {
  const q = new URLSearchParams(location.search);
  const view = VIEWS.find((v) => v.id === q.get('view'))?.id ?? 'overview';
  return {
    view,
    since: q.get('since') ?? '',
    until: q.get('until') ?? '',
    project: q.get('project') ?? '',
    metric: q.get('metric') === 'tokens' ? 'tokens' : 'cost',
    dim: q.get('dim') ?? '',
    task: q.get('task') ?? '',
    a: q.get('a') ?? '',
    b: q.get('b') ?? '',
  };
}

export function writeUrl(s: UrlState, push: boolean): void {
  const q = new URLSearchParams();
  for (const k of KEYS) {
    const v = s[k];
    if (v !== '' && !(k === 'view' && v === 'overview') && !(k === 'metric' && v === 'cost')) q.set(k, v);
  }
  const search = q.toString();
  const url = `${location.pathname}${search === '' ? '' : `?${search}`}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

/** The shared filters as an API query string. */
export function filterQuery(s: UrlState): string {
  const q = new URLSearchParams();
  if (s.since !== '') q.set('since', s.since);
  if (s.until !== '') q.set('until', s.until);
  if (s.project !== '') q.set('project', s.project);
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

/** The data each view asks for, as paths: the views and the early requests (early.ts) build them here alike. */
export const overviewPath = (s: UrlState): string => `/api/overview${filterQuery(s)}`;
export const tasksPath = (s: UrlState): string => `/api/tasks${filterQuery(s)}`;
export const taskPath = (s: UrlState): string => `/api/tasks/${encodeURIComponent(s.task)}${filterQuery(s)}`;
export const breakdownPath = (dim: string, s: UrlState): string =>
  `/api/breakdown/${encodeURIComponent(dim)}${filterQuery(s)}`;
export const META_PATH = '/api/meta';
export const BUDGETS_PATH = '/api/budgets';

/** What the page shown first needs, known from its URL alone (the Breakdowns' default tab needs the meta). */
export function firstPaths(s: UrlState): string[] {
  if (s.view === 'overview') return [META_PATH, overviewPath(s), BUDGETS_PATH];
  if (s.view === 'tasks') return [META_PATH, s.task === '' ? tasksPath(s) : taskPath(s)];
  if (s.view === 'breakdowns' && s.dim !== '') return [META_PATH, breakdownPath(s.dim, s)];
  return [META_PATH];
}
