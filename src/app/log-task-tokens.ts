/**
 * Logging a task's actual tokens against its estimate after an agent finished it (the token
 * tracker's post-task tool, MCP `log_task_tokens`): the task's subtree's usage (or one agent's part
 * of it), the estimate saved on the task, the metrics line appended, and the answer with the variance.
 * @module
 */
import { type TaskSummary, taskSummary, taskVariance } from '../analysis/tasks.js';
import { type UsageRow, UsageTableBuilder } from '../analysis/usage-table.js';
import { BUCKET_MS } from '../ledger/usage-sums.js';
import { ExitCode, UserError } from '../util/errors.js';
import { totalTokens } from '../util/token-counts.js';
import { type LedgerSession, pricerOf, stageMapOf } from './ledger-session.js';
import { appendMetrics, metricsEntry, metricsFile, variancePercent } from './metrics-log.js';
import { activeTaskIds, knownTask, taskStatus } from './task-actions.js';
import { overrunMultiple } from './task-reports.js';
import { usageFields } from './usage-json.js';

/** One agent's usage within the task's subtree (matching its type or its id), and the agents seen there. */
async function agentUsage(
  session: LedgerSession,
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

export interface LogTaskTokensRequest {
  taskId: string;
  /** Only this agent's usage (a type or an id), or null for all of the task's. */
  agent: string | null;
  /** The estimate in tokens to save on the task; undefined keeps the task's. */
  estimate: number | undefined;
  /** Create a task the ledger never heard of (else that is a usage error). */
  create: boolean;
}

/** Answers with the task's actual tokens, its estimate and variance (snake_case, as the MCP tool's JSON). */
export async function logTaskTokens(
  session: LedgerSession,
  { taskId, agent, estimate, create }: LogTaskTokensRequest,
): Promise<Record<string, unknown>> {
  const store = session.store;
  // Known: a task of that id, or usage attributed to it (e.g. by a task id in a subagent's prompt).
  const known = await knownTask(store, taskId);
  if (known === null && !create)
    throw new UserError(
      `the ledger has never heard of task ${taskId}: no task of that id, and no usage attributed to it. Check the id; to create the task, pass create: true (or run \`tokenledger task start ${taskId}\` before the work).`,
      ExitCode.usage,
    );
  const task =
    known !== null && estimate === undefined
      ? known
      : await store.saveTask({ id: taskId, ...(estimate === undefined ? {} : { estimateTokens: estimate }) });
  const row = await store.task(taskId);
  const multiple = overrunMultiple(session);
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
