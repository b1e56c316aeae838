/**
 * MCP tool `query_usage`: usage grouped by any mix of dimensions (task, stage, agent, model, day, …),
 * the rows and totals `tokenledger report --by … --json` prints, from the same code.
 * @module
 */
import { z } from 'zod';
import { REPORT_DIMENSIONS, type ReportDimension } from '../analysis/reports.js';
import { COST_MODES, type CostMode } from '../analysis/usage-table.js';
import type { LedgerSession } from '../app/ledger-session.js';
import { dimensionUsage, parseDimensions, timeFirst } from '../app/usage-reports.js';
import { checkName } from '../capture/context/attribution-context.js';
import { ExitCode, UserError } from '../util/errors.js';
import { given, type ScopeArgs, scopeInput, scopeOfArgs } from './scope.js';

export const QUERY_USAGE_DESCRIPTION =
  'Token usage and cost from the ledger, grouped by one or more dimensions (e.g. by ["task"], ["model","day"], ["agent","stage"]), optionally for a date range, one task (with its subtasks), project or session. Imports new Claude Code transcripts first. Returns the rows and totals of `tokenledger report --by … --json`.';

/** Advertised as the known names; any string is accepted so that a wrong one gets our message, which lists them. */
const dimension = z
  .string()
  .meta({ anyOf: [{ enum: [...REPORT_DIMENSIONS] }, { pattern: '^label:[A-Za-z0-9_.-]+$' }] });

export const queryUsageInput = {
  by: z
    .union([z.array(dimension), z.string()])
    .describe(
      `Dimensions to group by, in order: ${REPORT_DIMENSIONS.join(', ')}, or label:KEY; a list, or one comma-separated string.`,
    ),
  ...scopeInput,
  task: z.string().optional().describe('Only usage attributed to this task or its subtasks.'),
  project: z.string().optional().describe('Only usage in this project (its working directory).'),
  session: z.string().optional().describe('Only this Claude Code session id.'),
  cost_mode: z
    .enum(COST_MODES)
    .optional()
    .describe('auto (the reported cost where there is one, else calculated; default), calculate, display.'),
  limit: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('At most this many rows (the totals still cover every row).'),
};

export interface QueryUsageArgs extends ScopeArgs {
  by: string | string[];
  task?: string | undefined;
  project?: string | undefined;
  session?: string | undefined;
  cost_mode?: CostMode | undefined;
  limit?: number | undefined;
}

function dimensionsOf(by: string | string[]): ReportDimension[] {
  const text = Array.isArray(by) ? by.join(',') : by;
  try {
    return parseDimensions(text);
  } catch (error) {
    if (error instanceof UserError)
      throw new UserError(error.message.replace(/^--by /, 'by '), ExitCode.usage, { cause: error });
    throw error;
  }
}

export async function queryUsage(
  session: LedgerSession,
  args: QueryUsageArgs,
): Promise<Record<string, unknown>> {
  const dims = dimensionsOf(args.by);
  const mode = args.cost_mode ?? 'auto';
  const scope = scopeOfArgs(session, args, timeFirst(dims) ? 'asc' : 'desc');
  const task = given(args.task) === undefined ? undefined : checkName(args.task ?? '', 'task');
  if (task !== undefined) scope.tasks = await session.store.taskTree(task);
  const project = given(args.project);
  if (project !== undefined) scope.project = project;
  const sessionId = given(args.session);
  if (sessionId !== undefined) scope.session = sessionId;
  const { table, json } = await dimensionUsage(session, dims, scope, mode, args.limit);
  const report = json();
  return {
    ...report,
    meta: {
      ...report.meta,
      since: scope.since ?? null,
      until: scope.until ?? null,
      task: task ?? null,
      tasks: scope.tasks ?? null,
      project: scope.project ?? null,
      session: scope.session ?? null,
      rows: table.rows.length,
    },
  };
}
