/**
 * Calibrated estimates from finished tasks (`tokenledger estimate`, the MCP tool `estimate`, and
 * `task start --estimate auto`): see analysis/estimates.ts for what is computed.
 * @module
 */
import {
  type CategoryEstimate,
  categoryEstimate,
  type EstimateMember,
  similarTask,
} from '../analysis/estimates.js';
import type { Estimate } from '../capture/context/estimate.js';
import type { TaskRow } from '../ledger/task-repository.js';
import { ExitCode, UserError } from '../util/errors.js';
import { formatInt } from '../util/format.js';
import { finishedTasks } from './finished-tasks.js';
import type { LedgerSession } from './ledger-session.js';
import { overrunMultiple } from './task-reports.js';

export interface EstimateRequest {
  /** Similar tasks have every one of these labels. */
  labels?: Record<string, string> | undefined;
  /** Similar tasks have this stage. */
  stage?: string | undefined;
  /** One category per value of `label:KEY`, or per `stage`; without it, one category of all similar tasks. */
  by?: string | undefined;
  /** Left out of the similar tasks (the task being estimated). */
  exclude?: string | undefined;
}

/** What `estimate --json` prints. */
export interface EstimateResult {
  /** What similar tasks have in common. */
  basedOn: { labels: Record<string, string>; stage: string | null; by: string | null };
  categories: CategoryEstimate[];
}

/** Checks `--by`: `label:KEY` or `stage`. */
export function checkEstimateBy(by: string | undefined): void {
  if (by !== undefined && by !== 'stage' && !/^label:[A-Za-z0-9_.-]+$/.test(by))
    throw new UserError(`--by "${by}": use label:KEY (e.g. label:category) or stage.`, ExitCode.usage);
}

function categoryOf(task: TaskRow, by: string | undefined): string {
  if (by === undefined) return 'all';
  if (by === 'stage') return task.stage ?? '(none)';
  return task.labels[by.slice(6)] ?? '(none)';
}

/** The p50/p80 per task and the actual ÷ estimate multiplier of similar finished tasks, per category. */
export async function estimateUsage(
  session: LedgerSession,
  request: EstimateRequest,
): Promise<EstimateResult> {
  checkEstimateBy(request.by);
  const labels = request.labels ?? {};
  const stage = request.stage ?? null;
  const { tasks } = await finishedTasks(session, { subtree: true });
  const groups = new Map<string, EstimateMember[]>();
  for (const t of tasks) {
    if (t.task.id === request.exclude || !similarTask(t.task, labels, stage)) continue;
    const category = categoryOf(t.task, request.by);
    groups.set(category, [...(groups.get(category) ?? []), t]);
  }
  const multiple = overrunMultiple(session);
  const categories = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([category, members]) => categoryEstimate(category, members, multiple));
  return { basedOn: { labels, stage, by: request.by ?? null }, categories };
}

/** What similar tasks have in common, in words: `stage review, label team=x`, or `any`. */
export function similarityText(labels: Readonly<Record<string, string>>, stage: string | null): string {
  const parts = [
    stage === null ? null : `stage ${stage}`,
    ...Object.entries(labels).map(([k, v]) => `label ${k}=${v}`),
  ].filter((p): p is string => p !== null);
  return parts.length === 0 ? 'any labels and stage' : parts.join(', ');
}

/** An automatic estimate and what it was based on. */
export interface AutoEstimate {
  estimate: Estimate;
  basedOn: { tasks: number; labels: Record<string, string>; stage: string | null; text: string };
}

/**
 * `task start --estimate auto`: the p50 (tokens and dollars) of similar finished tasks (the same
 * stage and labels as the task, the task itself left out). With none, an error that says what to do.
 */
export async function autoEstimate(
  session: LedgerSession,
  task: { id: string; labels: Record<string, string>; stage: string | null },
): Promise<AutoEstimate> {
  // A task started again keeps its labels and stage: they count too.
  const known = await session.store.task(task.id);
  const labels = { ...(known?.labels ?? {}), ...task.labels };
  const stage = task.stage ?? known?.stage ?? null;
  const { categories } = await estimateUsage(session, {
    labels,
    stage: stage ?? undefined,
    exclude: task.id,
  });
  const similar = similarityText(labels, stage);
  const all = categories[0];
  if (all === undefined || all.tokens === null)
    throw new UserError(
      `--estimate auto: no finished task with ${similar} to base an estimate on. Give the estimate yourself (--estimate 40k or --estimate '$2.50'), or use fewer labels; \`tokenledger estimate\` shows what finished tasks used.`,
      ExitCode.usage,
    );
  const tokens = Math.max(1, Math.round(all.tokens.p50));
  const usd = all.usd === null ? 0 : Math.round(all.usd.p50 * 100) / 100;
  return {
    estimate: { tokens, ...(usd > 0 ? { usd } : {}) },
    basedOn: {
      tasks: all.tasks,
      labels,
      stage,
      text: `the median of ${formatInt(all.tasks)} finished task${all.tasks === 1 ? '' : 's'} with ${similar}`,
    },
  };
}
