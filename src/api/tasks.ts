/**
 * The library's `listTasks` and `showTask`: the tasks with their actuals against their estimates, or
 * one task broken down, what `tokenledger task list --json` and `task show ID --json` print; with
 * `since`, `until` and `project`, the actuals count only the usage in those days and that project.
 * @module
 */
import type { TaskListJson, TaskShowJson } from '../app/task-reports.js';
import { checkName } from '../capture/context/attribution-context.js';
import { ExitCode, UserError } from '../util/errors.js';
import { checkedOptions, type LedgerOptions, stringOption, withLedger } from './ledger-options.js';

/** Options of {@link showTask}: the flags of `tokenledger task show`. */
export interface ShowTaskOptions extends LedgerOptions {
  /** Only usage from this local day, `YYYY-MM-DD` (or `YYYYMMDD`). */
  since?: string;
  /** Only usage up to this local day (inclusive). */
  until?: string;
  /** Only usage in this project (its working directory). */
  project?: string;
  /** IANA time zone of the days (default: the config's `timezone`, else the system's). */
  timezone?: string;
}

/** Options of {@link listTasks}: the flags of `tokenledger task list`. */
export interface ListTasksOptions extends ShowTaskOptions {
  /** Only the active tasks. */
  active?: boolean;
}

function scopeRequest(o: Partial<ShowTaskOptions>) {
  return {
    since: stringOption(o.since, 'since'),
    until: stringOption(o.until, 'until'),
    timezone: stringOption(o.timezone, 'timezone'),
    project: stringOption(o.project, 'project'),
  };
}

/** What `tokenledger task list --json` prints, for the same options. */
export async function listTasks(options?: ListTasksOptions): Promise<TaskListJson> {
  const o = checkedOptions(options, 'listTasks');
  if (o.active !== undefined && typeof o.active !== 'boolean')
    throw new UserError('active must be true or false.', ExitCode.usage);
  const request = scopeRequest(o);
  const { taskList, taskFiltersOf } = await import('../app/task-reports.js');
  return withLedger(o, async (session) => {
    const filters = taskFiltersOf(session, request);
    return (await taskList(session, { activeOnly: o.active === true, filters })).json();
  });
}

/** What `tokenledger task show ID --json` prints, for the same options. */
export async function showTask(id: string, options?: ShowTaskOptions): Promise<TaskShowJson> {
  const o = checkedOptions(options, 'showTask');
  const taskId = checkName(stringOption(id, 'id') ?? '', 'task id');
  const request = scopeRequest(o);
  const { taskShow, taskFiltersOf } = await import('../app/task-reports.js');
  const { requireTask } = await import('../app/task-actions.js');
  return withLedger(o, async (session) => {
    const filters = taskFiltersOf(session, request);
    return (await taskShow(session, await requireTask(session.store, taskId), filters)).json();
  });
}
