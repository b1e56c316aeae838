/**
 * The usage tracker's daily summary `usage-YYYY-MM-DD.md`. The layout is its daily
 * template: `# Token Usage: YYYY-MM-DD`, then `## Totals` (table `| Agent | Model | Input |
 * Output | Total | Cost |`), `## Top Expensive Tasks` (`1. **task-id**: Brief description. 45000
 * tokens, $1.35.`), `## Anomalies` (`- None detected.` when there are none) and
 * `## Optimization Candidates`.
 *
 * Where the template is silent:
 * - Totals: one row per agent and model, summed over all the day's usage (its tasks' and the usage
 *   of no task), sorted by agent then model ("per-agent totals grouped by model", 6.2). Tokens are
 *   grouped by 3 (`65,000`, as the review template writes `500,000`). No rows: `No usage recorded.` instead of
 *   the table. When part of the day's usage belongs to no task, one line under the table says how
 *   much: `Unattributed (no task): 29,222 tokens, $0.0823.` Every token of the table is either a
 *   task's or in that line, never both.
 * - Top Expensive Tasks: at most 5 (6.2: "Top 5 most expensive tasks with brief reason"), ranked by
 *   known cost, then tokens, then task id. The "brief reason" is derived from the numbers, never
 *   from the request text: the agent × model with most of the task's tokens and its share. No
 *   tasks: `No tasks recorded.`
 * - Anomalies: the day's error entries of kind `anomaly`, then one line counting the tracking
 *   failures, which are detailed in `errors-YYYY-MM-DD.md`.
 * - Optimization Candidates: the given lines, sorted; `- None.` when there are none.
 * - Costs: `unavailable` when unknown; when only some entries had a cost, the known part and what it
 *   leaves out: `$0.60 (partial: 5,000 tokens unpriced for model haiku)`, in the Totals table and in
 *   Top Expensive Tasks alike (see `format.ts`). A partial cost is never shown as the whole.
 * @module
 */

import { formatShare, groupDigits, UNAVAILABLE } from '../../util/format.js';
import { compareErrorEntries, entriesOfKind, isResolved } from './error-log.js';
import {
  addCost,
  addCounts,
  type CostSum,
  compareText,
  formatCostSum,
  NO_COST,
  oneLine,
  plural,
  strong,
  table,
} from './format.js';
import { countedTotal, type DayUsage, type TaskUsageRecord, type UsageEntry } from './model.js';
import { dailySummaryPath, errorLogPath } from './paths.js';
import { checkedEntries, sortedEntries, taskTotals } from './task-file.js';

/** How many tasks the Top Expensive Tasks section lists. */
export const TOP_TASKS = 5;

/** How the line under the Totals table names the usage of no task. */
export const UNATTRIBUTED = 'Unattributed (no task)';

/** Usage of one agent × model over a day. */
export interface AgentModelRow {
  agent: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: CostSum;
}

/**
 * The day's usage per agent × model, the tasks' and the unattributed alike, sorted by agent then
 * model. Throws on a bad token count or cost.
 */
export function agentModelRows(
  tasks: readonly TaskUsageRecord[],
  unattributed: readonly UsageEntry[] = [],
): AgentModelRow[] {
  const rows = new Map<string, AgentModelRow>();
  const lists = [...tasks.map(sortedEntries), checkedEntries(unattributed, 'unattributed usage')];
  for (const list of lists) {
    for (const e of list) {
      const key = JSON.stringify([e.agent, e.model]);
      const row = rows.get(key) ?? {
        agent: e.agent,
        model: e.model,
        inputTokens: 0,
        outputTokens: 0,
        totalTokens: 0,
        cost: NO_COST,
      };
      const what = `tokens of ${e.agent} on ${e.model}`;
      rows.set(key, {
        ...row,
        inputTokens: addCounts(row.inputTokens, e.inputTokens ?? 0, what),
        outputTokens: addCounts(row.outputTokens, e.outputTokens ?? 0, what),
        totalTokens: addCounts(row.totalTokens, countedTotal(e), what),
        cost: addCost(row.cost, e.estimatedCost, { tokens: countedTotal(e), model: e.model }),
      });
    }
  }
  return [...rows.values()].sort((a, b) => compareText(a.agent, b.agent) || compareText(a.model, b.model));
}

/** `Unattributed (no task): 12,000 tokens, $0.36.`: the part of the Totals that no task has. */
function unattributedLine(entries: readonly UsageEntry[]): string {
  let tokens = 0;
  let cost = NO_COST;
  for (const e of checkedEntries(entries, 'unattributed usage')) {
    tokens = addCounts(tokens, countedTotal(e), 'unattributed tokens');
    cost = addCost(cost, e.estimatedCost, { tokens: countedTotal(e), model: e.model });
  }
  const text = formatCostSum(cost);
  return `${UNATTRIBUTED}: ${groupDigits(tokens)} tokens, ${text === UNAVAILABLE ? `cost ${UNAVAILABLE}` : text}.`;
}

/** A task with its totals, for ranking. */
interface RankedTask {
  task: TaskUsageRecord;
  totalTokens: number;
  cost: CostSum;
}

/** Most expensive first: known cost, then tokens (both descending), then task id and timestamp. */
function compareRanked(a: RankedTask, b: RankedTask): number {
  return (
    b.cost.known - a.cost.known ||
    b.totalTokens - a.totalTokens ||
    compareText(a.task.taskId, b.task.taskId) ||
    compareText(a.task.timestamp, b.task.timestamp) ||
    compareText(JSON.stringify(sortedEntries(a.task)), JSON.stringify(sortedEntries(b.task)))
  );
}

/** The brief reason the summary gives: which agent on which model used most of the task's tokens. */
function reason(task: TaskUsageRecord, totalTokens: number): string {
  const top = agentModelRows([task]).sort((a, b) => b.totalTokens - a.totalTokens)[0];
  if (top === undefined) return 'No usage entries.';
  const share = totalTokens === 0 ? '' : ` (${formatShare(top.totalTokens / totalTokens)} of tokens)`;
  return `Largest share: ${oneLine(top.agent)} on ${oneLine(top.model)}${share}.`;
}

/** One line of Top Expensive Tasks: `1. **task-a**: <reason> 45,000 tokens, $1.35.` */
function taskLine(ranked: RankedTask, index: number): string {
  const cost = formatCostSum(ranked.cost);
  const costText = cost === UNAVAILABLE ? `cost ${UNAVAILABLE}` : cost;
  return `${index + 1}. ${strong(ranked.task.taskId)}: ${reason(ranked.task, ranked.totalTokens)} ${groupDigits(ranked.totalTokens)} tokens, ${costText}.`;
}

/**
 * The bytes of `usage-YYYY-MM-DD.md` for `day` (see the module doc). Tasks, errors and candidates
 * may come in any order. Throws when the date is not `YYYY-MM-DD` or a token count or cost is bad.
 */
export function renderDailySummary(day: DayUsage): string {
  dailySummaryPath(day.date); // checks the date
  const unattributed = day.unattributed ?? [];
  const rows = agentModelRows(day.tasks, unattributed);
  const totals =
    rows.length === 0
      ? ['No usage recorded.']
      : table(
          ['Agent', 'Model', 'Input', 'Output', 'Total', 'Cost'],
          rows.map((r) => [
            r.agent,
            r.model,
            groupDigits(r.inputTokens),
            groupDigits(r.outputTokens),
            groupDigits(r.totalTokens),
            formatCostSum(r.cost),
          ]),
        );
  if (unattributed.length > 0) totals.push('', unattributedLine(unattributed));

  const ranked = day.tasks
    .map((task): RankedTask => {
      const t = taskTotals(task);
      return { task, totalTokens: t.totalTokens, cost: t.cost };
    })
    .sort(compareRanked)
    .slice(0, TOP_TASKS);
  const top = ranked.length === 0 ? ['No tasks recorded.'] : ranked.map(taskLine);

  const anomalies = entriesOfKind(day.errors, 'anomaly').map((e) => {
    const about = [
      e.taskId === null ? '' : strong(e.taskId),
      e.field === undefined ? '' : `(${oneLine(e.field)})`,
    ]
      .filter((part) => part !== '')
      .join(' ');
    const resolved = isResolved(e) ? ` (resolved: ${oneLine(e.resolution ?? '')})` : '';
    return `- ${about === '' ? '' : `${about}: `}${oneLine(e.problem)}${resolved}`;
  });
  const failures = entriesOfKind(day.errors, 'tracking_failure').sort(compareErrorEntries);
  if (failures.length > 0) {
    const pending = failures.filter((e) => !isResolved(e)).length;
    anomalies.push(
      `- ${plural(failures.length, 'tracking failure')} logged in ${errorLogPath(day.date)}, ${pending} pending.`,
    );
  }

  const candidates = (day.optimizationCandidates ?? []).map(oneLine).filter((c) => c !== '');
  candidates.sort(compareText);

  return [
    `# Token Usage: ${day.date}`,
    '',
    '## Totals',
    '',
    ...totals,
    '',
    '## Top Expensive Tasks',
    '',
    ...top,
    '',
    '## Anomalies',
    '',
    ...(anomalies.length === 0 ? ['- None detected.'] : anomalies),
    '',
    '## Optimization Candidates',
    '',
    ...(candidates.length === 0 ? ['- None.'] : candidates.map((c) => `- ${c}`)),
    '',
  ].join('\n');
}
