/**
 * Cohorts of tasks for `tokenledger compare`: a small filter syntax and the rule that decides
 * whether a task belongs to a cohort.
 *
 * A filter is `all`, or comma-separated `key:value` parts:
 * `label:KEY=VALUE` (the task's labels), `stage:NAME` (the task's stage), `model:TEXT` (the model of
 * most of the task's API calls contains TEXT, case-insensitive: `model:opus`), `branch:NAME` (the git
 * branch of most of its API calls), `project:DIR` (the task's project is DIR or below it),
 * `since:DAY` and `until:DAY` (its first API call falls on or after / on or before that local day,
 * YYYY-MM-DD or YYYYMMDD). Parts with the same key are alternatives (`model:opus,model:sonnet`: either
 * one); parts with different keys must all match (`label:workflow=v2,stage:implementation`). Labels
 * with different keys count as different keys.
 * @module
 */
import type { TaskRow } from '../ledger/task-repository.js';
import { ExitCode, UserError } from '../util/errors.js';
import { addDays, parseDateFlag, type ZonedClock } from './zoned-time.js';

/** The keys of the filter syntax, as help and errors list them. */
export const COHORT_KEYS = [
  'label:KEY=VALUE',
  'stage:NAME',
  'model:TEXT',
  'branch:NAME',
  'project:DIR',
  'since:YYYY-MM-DD',
  'until:YYYY-MM-DD',
] as const;

export interface CohortFilter {
  /** The text it was parsed from. */
  text: string;
  /** Label key → the values any of which matches. */
  labels: Record<string, string[]>;
  stages: string[];
  models: string[];
  branches: string[];
  projects: string[];
  /** YYYY-MM-DD, local days. */
  since: string | null;
  until: string | null;
}

/** The facts about a task a filter looks at. */
export interface CohortTask {
  task: TaskRow;
  /** The model of most of its API calls. */
  mainModel: string | null;
  /** The git branch of most of its API calls (known only when a filter asks for branches). */
  mainBranch: string | null;
  /** Its first API call, epoch ms. */
  firstTs: number;
}

function badFilter(flag: string, text: string, problem: string): UserError {
  return new UserError(
    `${flag} "${text}": ${problem}. A filter is "all" or comma-separated parts, each one of ${COHORT_KEYS.join(', ')}; e.g. --a "label:workflow=v1" --b "label:workflow=v2".`,
    ExitCode.usage,
  );
}

/** Parses a filter; `flag` (e.g. `--a`) names it in errors, which name the bad part and list the keys. */
export function parseCohortFilter(text: string, flag: string): CohortFilter {
  const filter: CohortFilter = {
    text,
    labels: {},
    stages: [],
    models: [],
    branches: [],
    projects: [],
    since: null,
    until: null,
  };
  const trimmed = text.trim();
  if (trimmed === 'all') return filter;
  if (trimmed === '') throw badFilter(flag, text, 'it is empty (use "all" for every task)');
  for (const raw of trimmed.split(',')) {
    const part = raw.trim();
    const colon = part.indexOf(':');
    if (part === '') throw badFilter(flag, text, 'it has an empty part');
    if (colon <= 0) throw badFilter(flag, text, `the part "${part}" has no key (key:value)`);
    const key = part.slice(0, colon).trim().toLowerCase();
    const value = part.slice(colon + 1).trim();
    if (value === '') throw badFilter(flag, text, `the part "${part}" has no value`);
    switch (key) {
      case 'label': {
        const eq = value.indexOf('=');
        if (eq <= 0 || eq === value.length - 1)
          throw badFilter(flag, text, `the part "${part}" needs label:KEY=VALUE`);
        const k = value.slice(0, eq).trim();
        filter.labels[k] = [...(filter.labels[k] ?? []), value.slice(eq + 1).trim()];
        break;
      }
      case 'stage':
        filter.stages.push(value);
        break;
      case 'model':
        filter.models.push(value.toLowerCase());
        break;
      case 'branch':
        filter.branches.push(value);
        break;
      case 'project':
        filter.projects.push(value.replace(/[\\/]+$/, '') || value);
        break;
      case 'since':
      case 'until': {
        if (filter[key] !== null) throw badFilter(flag, text, `"${key}:" is given twice`);
        filter[key] = parseDateFlag(value, `${flag} ${key}:`);
        break;
      }
      default:
        throw badFilter(flag, text, `the part "${part}" has an unknown key "${key}"`);
    }
  }
  if (filter.since !== null && filter.until !== null && filter.since > filter.until)
    throw badFilter(flag, text, `since:${filter.since} is after until:${filter.until}`);
  return filter;
}

/** Whether the filter looks at branches (which costs a read of the usage by branch). */
export function needsBranches(filters: readonly CohortFilter[]): boolean {
  return filters.some((f) => f.branches.length > 0);
}

function inProject(project: string | null, dir: string): boolean {
  if (project === null) return false;
  return project === dir || project.startsWith(`${dir}/`) || project.startsWith(`${dir}\\`);
}

/** Whether `t` belongs to the cohort; dates are local days of `clock`. */
export function inCohort(t: CohortTask, f: CohortFilter, clock: ZonedClock): boolean {
  for (const [key, values] of Object.entries(f.labels)) {
    const v = t.task.labels[key];
    if (v === undefined || !values.includes(v)) return false;
  }
  if (f.stages.length > 0 && (t.task.stage === null || !f.stages.includes(t.task.stage))) return false;
  if (f.models.length > 0) {
    const model = t.mainModel?.toLowerCase() ?? null;
    if (model === null || !f.models.some((m) => model.includes(m))) return false;
  }
  if (f.branches.length > 0 && (t.mainBranch === null || !f.branches.includes(t.mainBranch))) return false;
  if (f.projects.length > 0 && !f.projects.some((d) => inProject(t.task.project, d))) return false;
  if (f.since !== null && t.firstTs < clock.startOf(f.since)) return false;
  if (f.until !== null && t.firstTs >= clock.startOf(addDays(f.until, 1))) return false;
  return true;
}
