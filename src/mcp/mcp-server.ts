/**
 * The tokenledger MCP server: its tools over the ledger, built on the official SDK.
 *
 * - `record_usage`: the usage-tracker telemetry contract (declared usage in, its response JSON out);
 * - `log_task_tokens`: the post-task tool (a task's actual tokens against its estimate);
 * - `query_usage`: usage grouped by task, stage, agent, model, day, … (`report --by`);
 * - `usage_report`: a period's totals, cost by model and top tasks;
 * - `anomalies`: usage far above its baseline and leak patterns, with evidence (`anomalies --json`);
 * - `budget_status`: every budget against its spend this period, with a forecast;
 * - `review`: recommendations with diffs to apply, and whether an applied one saved (`review`);
 * - `tasks`: the tasks' actuals against their estimates, or one task's breakdown (`task list|show`).
 *
 * Each call opens the ledger, does its work and closes it (see {@link LedgerCalls}); an error in a
 * call is that call's answer (`isError`), never the end of the session.
 * @module
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ANOMALIES_DESCRIPTION, anomaliesInput, anomaliesTool } from './anomalies-tool.js';
import { BUDGET_STATUS_DESCRIPTION, budgetStatusInput, budgetStatusTool } from './budget-status-tool.js';
import { COMPARE_DESCRIPTION, compareInput, compareTool } from './compare-tool.js';
import { ESTIMATE_DESCRIPTION, estimateInput, estimateTool } from './estimate-tool.js';
import { LedgerCalls, type McpServerOptions } from './ledger-calls.js';
import { LOG_TASK_TOKENS_DESCRIPTION, logTaskTokens, logTaskTokensInput } from './log-task-tokens.js';
import { QUERY_USAGE_DESCRIPTION, queryUsage, queryUsageInput } from './query-usage.js';
import { RECORD_USAGE_DESCRIPTION, recordUsageInput, recordUsageTool } from './record-usage-tool.js';
import { REVIEW_DESCRIPTION, reviewInput, reviewTool } from './review-tool.js';
import { TASKS_DESCRIPTION, tasksInput, tasksTool } from './tasks-tool.js';
import { jsonResult, toolCall } from './tool-result.js';
import { USAGE_REPORT_DESCRIPTION, usageReport, usageReportInput } from './usage-report.js';

export const TOOL_NAMES = [
  'record_usage',
  'log_task_tokens',
  'query_usage',
  'usage_report',
  'compare',
  'estimate',
  'anomalies',
  'budget_status',
  'review',
  'tasks',
] as const;

export interface TokenledgerMcp {
  server: McpServer;
  /** Resolves when every call in progress has finished. */
  idle(): Promise<void>;
}

export function createMcpServer(
  options: McpServerOptions,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): TokenledgerMcp {
  const calls = new LedgerCalls(options);
  const server = new McpServer(
    { name: 'tokenledger', version: options.version ?? '0.0.0' },
    {
      instructions:
        'tokenledger keeps a durable ledger of the tokens and dollars AI coding agents spend, per task, agent, model and day. Use log_task_tokens after an agent finishes a task, query_usage and usage_report to look at usage, and record_usage to declare usage the ledger cannot capture itself.',
    },
  );

  server.registerTool(
    'record_usage',
    {
      title: 'Record declared usage (usage-tracker telemetry)',
      description: RECORD_USAGE_DESCRIPTION,
      inputSchema: recordUsageInput,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      toolCall(
        'record_usage',
        async () => {
          const { response, warnings } = await recordUsageTool(calls, args);
          for (const w of warnings) log(`tokenledger mcp: record_usage: ${w}`);
          return jsonResult(
            { ...response },
            warnings.length > 0 ? `Warnings:\n${warnings.map((w) => `- ${w}`).join('\n')}` : undefined,
            response.status === 'error',
          );
        },
        log,
      ),
  );

  server.registerTool(
    'log_task_tokens',
    {
      title: 'Log a task’s tokens against its estimate',
      description: LOG_TASK_TOKENS_DESCRIPTION,
      inputSchema: logTaskTokensInput,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    (args) =>
      toolCall(
        'log_task_tokens',
        async () => jsonResult(await calls.withSession((session) => logTaskTokens(session, args))),
        log,
      ),
  );

  server.registerTool(
    'query_usage',
    {
      title: 'Usage grouped by task, stage, agent, model, day, …',
      description: QUERY_USAGE_DESCRIPTION,
      inputSchema: queryUsageInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      toolCall(
        'query_usage',
        async () => jsonResult(await calls.withSession((session) => queryUsage(session, args))),
        log,
      ),
  );

  server.registerTool(
    'usage_report',
    {
      title: 'Usage summary for a period',
      description: USAGE_REPORT_DESCRIPTION,
      inputSchema: usageReportInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      toolCall(
        'usage_report',
        async () => {
          const { json, text } = await calls.withSession((session) => usageReport(session, args));
          return jsonResult(json, text);
        },
        log,
      ),
  );

  server.registerTool(
    'compare',
    {
      title: 'A/B verdict on two cohorts of tasks',
      description: COMPARE_DESCRIPTION,
      inputSchema: compareInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      toolCall(
        'compare',
        async () => {
          const result = await calls.withSession((session) => compareTool(session, args));
          return jsonResult({ ...result }, result.verdict);
        },
        log,
      ),
  );

  server.registerTool(
    'estimate',
    {
      title: 'Calibrated estimates from finished tasks',
      description: ESTIMATE_DESCRIPTION,
      inputSchema: estimateInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      toolCall(
        'estimate',
        async () => jsonResult({ ...(await calls.withSession((session) => estimateTool(session, args))) }),
        log,
      ),
  );

  server.registerTool(
    'anomalies',
    {
      title: 'Anomalies and token leaks, with evidence',
      description: ANOMALIES_DESCRIPTION,
      inputSchema: anomaliesInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      toolCall(
        'anomalies',
        async () => jsonResult({ ...(await calls.withSession((session) => anomaliesTool(session, args))) }),
        log,
      ),
  );

  server.registerTool(
    'budget_status',
    {
      title: 'Budgets against their spend this period, with a forecast',
      description: BUDGET_STATUS_DESCRIPTION,
      inputSchema: budgetStatusInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      toolCall(
        'budget_status',
        async () =>
          jsonResult({ ...(await calls.withSession((session) => budgetStatusTool(session, args))) }),
        log,
      ),
  );

  server.registerTool(
    'review',
    {
      title: 'Recommendations with diffs, and checking an applied one',
      description: REVIEW_DESCRIPTION,
      inputSchema: reviewInput,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      toolCall(
        'review',
        async () => jsonResult(await calls.withSession((session) => reviewTool(session, args, options.root))),
        log,
      ),
  );

  server.registerTool(
    'tasks',
    {
      title: 'Tasks: actuals against estimates, or one task broken down',
      description: TASKS_DESCRIPTION,
      inputSchema: tasksInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      toolCall(
        'tasks',
        async () => jsonResult(await calls.withSession((session) => tasksTool(session, args))),
        log,
      ),
  );

  return { server, idle: () => calls.idle() };
}
