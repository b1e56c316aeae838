/**
 * Calibrated estimates (`tokenledger estimate`, `task start --estimate auto`): from finished tasks
 * of a category, the p50 and p80 of what a task used (tokens and dollars, its whole subtree: what an
 * estimate covers), and the median of actual ÷ estimate over those that had an estimate (the
 * multiplier of `variance`, from the same code).
 * @module
 */
import type { TaskRow } from '../ledger/task-repository.js';
import { quantile } from './statistics.js';
import type { TaskMeasure } from './task-measures.js';
import { taskVariance } from './tasks.js';
import { medianMultiplier } from './variance-groups.js';

export interface Spread {
  p50: number;
  p80: number;
}

/** What similar finished tasks used. */
export interface CategoryEstimate {
  /** `all`, or the label value / stage of the category. */
  category: string;
  tasks: number;
  taskIds: string[];
  /** Tokens per task; null without tasks. */
  tokens: Spread | null;
  /** Dollars per task (its priced usage); null without tasks. */
  usd: Spread | null;
  /** Of the tasks, those with an estimate (tokens, else dollars) to compare with. */
  estimatedTasks: number;
  /** The median of their actual ÷ estimate: multiply a hand-made estimate by it. Null without any. */
  multiplier: number | null;
}

export interface EstimateMember {
  task: TaskRow;
  /** The task's subtree usage. */
  measure: TaskMeasure;
}

function spread(values: readonly number[]): Spread | null {
  const p50 = quantile(values, 0.5);
  const p80 = quantile(values, 0.8);
  return p50 === null || p80 === null ? null : { p50, p80 };
}

/** The estimate of one category of finished tasks; `multiple` is the overrun multiple in force. */
export function categoryEstimate(
  category: string,
  members: readonly EstimateMember[],
  multiple: number,
): CategoryEstimate {
  const ratios = members.map((m) => {
    const v = taskVariance(m.task, m.measure.row, multiple);
    return v.tokens?.ratio ?? v.usd?.ratio ?? null;
  });
  return {
    category,
    tasks: members.length,
    taskIds: members.map((m) => m.task.id),
    tokens: spread(members.map((m) => m.measure.tokens)),
    usd: spread(members.map((m) => m.measure.cost)),
    estimatedTasks: ratios.filter((r) => r !== null).length,
    multiplier: medianMultiplier(ratios),
  };
}

/** Whether a task is similar work: it has the stage (when one is given) and every given label. */
export function similarTask(
  task: TaskRow,
  labels: Readonly<Record<string, string>>,
  stage: string | null,
): boolean {
  if (stage !== null && task.stage !== stage) return false;
  return Object.entries(labels).every(([k, v]) => task.labels[k] === v);
}
