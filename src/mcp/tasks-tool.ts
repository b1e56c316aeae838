/**
 * MCP tool `tasks`: the tasks with their actuals against their estimates, what `tokenledger task list
 * --json` prints, or one task's breakdown (`task show ID --json`) when `id` is given; with `since`,
 * `until` and `project`, the actuals count only the usage in those days and that project (the
 * comparison with the estimate stays the whole task's), as in the dashboard's Tasks view.
 * @module
 */
import { z } from 'zod';
import type { LedgerSession } from '../app/ledger-session.js';
import { requireTask } from '../app/task-actions.js';
import { taskFiltersOf, taskList, taskShow } from '../app/task-reports.js';
import { checkName } from '../capture/context/attribution-context.js';
import { given, scopeInput, timezoneArg } from './scope.js';

export const TASKS_DESCRIPTION =
  "Tasks with their token and dollar actuals against their estimates (variance, overruns), or one task broken down by model, stage, agent and subtask when `id` is given. With since/until/project, the actuals count only usage in those days and that project; the comparison with the estimate stays the whole task's. Imports new Claude Code transcripts first. Returns the JSON of `tokenledger task list --json` (or `task show ID --json`).";

export const tasksInput = {
  id: z.string().optional().describe('One task: its breakdown instead of the list.'),
  active: z.boolean().optional().describe('Only the active tasks (the list only).'),
  since: z.string().optional().describe('Only usage from this day, YYYY-MM-DD (local time).'),
  until: z.string().optional().describe('Only usage up to this day, YYYY-MM-DD (local time).'),
  project: z.string().optional().describe('Only usage in this project (its working directory).'),
  timezone: scopeInput.timezone,
};

export interface TasksArgs {
  id?: string | undefined;
  active?: boolean | undefined;
  since?: string | undefined;
  until?: string | undefined;
  project?: string | undefined;
  timezone?: string | undefined;
}

export async function tasksTool(session: LedgerSession, args: TasksArgs): Promise<Record<string, unknown>> {
  const filters = taskFiltersOf(session, {
    since: given(args.since),
    until: given(args.until),
    timezone: timezoneArg(args),
    project: given(args.project),
  });
  const id = given(args.id);
  if (id !== undefined) {
    const task = await requireTask(session.store, checkName(id, 'id'));
    return { ...(await taskShow(session, task, filters)).json() };
  }
  return { ...(await taskList(session, { activeOnly: args.active === true, filters })).json() };
}
