/**
 * MCP tool `log_task_tokens` (seed 001, "Option C: Post-Task MCP Tool"): after an agent finishes a
 * task, the caller passes the task id, optionally the agent, and the estimate; the tool reads the
 * task's actual tokens from the ledger (its subtree, as `tokenledger task show` counts it, or one
 * agent's part of it), saves the estimate on the task, appends seed 001's metrics line
 * (`{"task","estimated","actual","variance","date",…}`, the same format `task stop` writes), and
 * answers with the variance, e.g. `+125%`.
 * @module
 */
import { z } from 'zod';
import { type TaskSummary, taskSummary, taskVariance } from '../../analysis/tasks.js';
import { type UsageRow, UsageTableBuilder } from '../../analysis/usage-table.js';
import { checkName } from '../../capture/context/attribution-context.js';
import { parseEstimate } from '../../capture/context/estimate.js';
import { metricsEntry } from '../../cli/commands/task.js';
import { type CliSession, pricerOf, stageMapOf } from '../../cli/context.js';
import { appendMetrics, metricsFile, variancePercent } from '../../cli/metrics-log.js';
import { usageFields } from '../../cli/usage-json.js';
import { ExitCode, UserError } from '../../errors.js';
import { activeTaskIds, knownTask, taskStatus } from '../../ledger/task-actions.js';
import { BUCKET_MS } from '../../ledger/usage-sums.js';
import { totalTokens } from '../../util/token-counts.js';

const DEFAULT_OVERRUN = 4;

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

/** One agent's usage within the task's subtree (matching its type or its id), and the agents seen there. */
async function agentUsage(
  session: CliSession,
  tree: readonly string[],
  agent: string,
): Promise<{ total: UsageRow; seen: string[] }> {
  const rows = await session.store.groups({
    dimensions: ['agent', 'agentId'],
    filter: { tasks: tree },
    stageMap: stageMapOf(session),
    grain: 'day',
  });
  const builder = new UsageTableBuilder(pricerOf(session), 'auto');
  const seen = new Set<string>();
  for (const r of rows) {
    const type = r.values.agent ?? '';
    const id = r.values.agentId ?? '';
    seen.add(type === id ? type : `${type} (${id})`);
    if (type === agent || id === agent)
      builder.add('agent', { agent }, r, {
        atMs: r.bucket * BUCKET_MS,
        firstTs: r.firstTs,
        lastTs: r.lastTs,
      });
  }
  return { total: builder.build().totals, seen: [...seen].sort() };
}

function money(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export async function logTaskTokens(
  session: CliSession,
  args: LogTaskTokensArgs,
): Promise<Record<string, unknown>> {
  const taskId = checkName(args.task_id, 'task_id');
  const agent =
    args.agent_id === undefined || args.agent_id.trim() === '' ? null : checkName(args.agent_id, 'agent_id');
  const estimate = args.estimated_tokens === undefined ? undefined : estimateTokens(args.estimated_tokens);
  const store = session.store;
  // Known: a task of that id, or usage attributed to it (e.g. by a task id in a subagent's prompt).
  const known = await knownTask(store, taskId);
  if (known === null && args.create !== true)
    throw new UserError(
      `the ledger has never heard of task ${taskId}: no task of that id, and no usage attributed to it. Check the id; to create the task, pass create: true (or run \`tokenledger task start ${taskId}\` before the work).`,
      ExitCode.usage,
    );
  const task =
    known !== null && estimate === undefined
      ? known
      : await store.saveTask({ id: taskId, ...(estimate === undefined ? {} : { estimateTokens: estimate }) });
  const row = await store.task(taskId);
  const multiple = session.loaded.config.overrunMultiple ?? DEFAULT_OVERRUN;
  const ctx = { store, pricer: pricerOf(session), mode: 'auto' as const };
  const whole = await taskSummary(ctx, task, stageMapOf(session), multiple);
  let s: TaskSummary = whole;
  let seen: string[] = [];
  if (agent !== null) {
    const part = await agentUsage(session, whole.tree, agent);
    seen = part.seen;
    s = { ...whole, total: part.total, variance: taskVariance(task, part.total, multiple) };
  }
  const actual = totalTokens(s.total.sums);
  const file = metricsFile(session.loaded.config.metricsFile);
  const entry = metricsEntry('log_task_tokens', s);
  appendMetrics(file, agent === null ? entry : { ...entry, agent });

  const notes: string[] = [];
  if (known === null)
    notes.push(
      `Task ${taskId} was new to the ledger; it was created${estimate === undefined ? '' : ' with this estimate'}.`,
    );
  if (actual === 0) {
    if (agent !== null && totalTokens(whole.total.sums) > 0)
      notes.push(
        `No usage of agent ${agent} is attributed to task ${taskId}; agents with usage there: ${seen.join(', ')}.`,
      );
    else
      notes.push(
        `No usage is attributed to task ${taskId} yet, so actual is 0 and there is no variance yet. Attribute work to it with \`tokenledger task start ${taskId}\` before the work, \`tokenledger run --task ${taskId}\`, a taskPattern matching it in subagent prompts, or record_usage.`,
      );
  }
  if (s.task.estimateTokens === null) notes.push('No estimate: pass estimated_tokens to get a variance.');
  if (s.variance.overrun)
    notes.push(`Overrun: the task is past ${multiple}× its estimate (overrunMultiple in the config).`);

  return {
    task_id: taskId,
    agent_id: agent,
    estimated: s.task.estimateTokens,
    actual,
    variance: variancePercent(s.task.estimateTokens, actual),
    ratio: s.variance.tokens === null ? null : Math.round(s.variance.tokens.ratio * 1000) / 1000,
    cost_usd: money(s.total.cost),
    estimated_usd: s.task.estimateUsd,
    variance_usd: variancePercent(s.task.estimateUsd, s.total.cost),
    overrun: s.variance.overrun,
    overrun_multiple: multiple,
    api_calls: s.total.sums.responses,
    usage: usageFields(s.total),
    by_model: s.total.models.map((m) => ({
      model: m.model,
      tokens: totalTokens(m.sums),
      cost_usd: m.cost === null ? null : money(m.cost),
    })),
    task:
      row === null
        ? null
        : { title: row.title, parent: row.parentId, status: taskStatus(row, await activeTaskIds(store)) },
    date: entry.date,
    metrics_file: file,
    ...(notes.length > 0 ? { note: notes.join(' ') } : {}),
  };
}
