/**
 * MCP tool `log_task_tokens` (the post-task MCP tool of the estimate-tracking workflow): after an agent finishes a
 * task, the caller passes the task id, optionally the agent, and the estimate; the tool reads the
 * task's actual tokens from the ledger (its subtree, as `tokenledger task show` counts it, or one
 * agent's part of it), saves the estimate on the task, appends the workflow metrics line
 * (`{"task","estimated","actual","variance","date",…}`, the same format `task stop` writes), and
 * answers with the variance, e.g. `+125%`.
 * @module
 */
import { z } from 'zod';
import type { LedgerSession } from '../app/ledger-session.js';
import { logTaskTokens as logTaskTokensInLedger } from '../app/log-task-tokens.js';
import { checkName } from '../capture/context/attribution-context.js';
import { parseEstimate } from '../capture/context/estimate.js';
import { ExitCode, UserError } from '../util/errors.js';

export const LOG_TASK_TOKENS_DESCRIPTION =
  "Log a task's actual token usage against its estimate, after an agent finished it. Imports new Claude Code transcripts, reads what the task (and its subtasks) used from the ledger, saves the estimate on the task, appends a line to the metrics log, and returns the variance (e.g. +125%). Usage reaches a task through `tokenledger task start`, the hook's task pattern, `tokenledger run --task` or record_usage. An id the ledger never heard of is refused (a mistyped id) unless create is true.";

export const logTaskTokensInput = {
  task_id: z.string().describe('The task id, e.g. TASK-919.'),
  agent_id: z
    .string()
    .optional()
    .describe(
      "Count only this agent's usage within the task: an agent type (e.g. general-purpose, or main for the main thread) or an agent id. Default: all of the task's usage.",
    ),
  estimated_tokens: z
    .union([z.number(), z.string()])
    .optional()
    .describe(
      'The estimate in tokens (20000, or "20k", "1.2M"); saved as the task\'s estimate. Default: the estimate the task already has.',
    ),
  create: z
    .boolean()
    .optional()
    .describe(
      'Create the task if the ledger has never heard of it (no task of that id and no usage attributed to it). Default: false, and an unknown id is an error (most likely a mistyped id).',
    ),
};

export interface LogTaskTokensArgs {
  task_id: string;
  agent_id?: string | undefined;
  estimated_tokens?: number | string | undefined;
  create?: boolean | undefined;
}

/** The estimate as a whole number of tokens (`20000`, `"20k"`, `"1.2M"`). */
function estimateTokens(value: number | string): number {
  const text = typeof value === 'number' ? String(value) : value;
  const parsed = parseEstimate(text, 'estimated_tokens');
  if (parsed.tokens === undefined)
    throw new UserError(
      `estimated_tokens "${text}" is a dollar amount; give tokens (20000, 20k, 1.2M).`,
      ExitCode.usage,
    );
  return parsed.tokens;
}

export async function logTaskTokens(
  session: LedgerSession,
  args: LogTaskTokensArgs,
): Promise<Record<string, unknown>> {
  const taskId = checkName(args.task_id, 'task_id');
  const agent =
    args.agent_id === undefined || args.agent_id.trim() === '' ? null : checkName(args.agent_id, 'agent_id');
  const estimate = args.estimated_tokens === undefined ? undefined : estimateTokens(args.estimated_tokens);
  return logTaskTokensInLedger(session, { taskId, agent, estimate, create: args.create === true });
}
