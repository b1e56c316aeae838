/**
 * The per-task log `tasks/usage-YYYY-MM-DD-HHMM-<short-task-id>.json` (seed 000, section 6.1).
 *
 * Keys and their order are the seed's: `task_id`, `timestamp`, `user_request_summary`, `entries[]`
 * (`agent`, `model`, `input_tokens`, `output_tokens`, `total_tokens`, `estimated_cost`), then
 * `totals` (`total_tokens`, `by_model`, `by_agent`, `estimated_cost`). A `source` key, which the seed
 * does not have, is appended last and only when the record has one.
 *
 * Determinism: entries are written sorted by agent, model, then their numbers (the seed gives them no
 * order of their own), `by_model` / `by_agent` keys are sorted, and sums are taken in that order.
 * @module
 */
import {
  addCost,
  addCounts,
  type CostSum,
  checkAmountOrNull,
  checkCountOrNull,
  compareText,
  completeCost,
  NO_COST,
} from './format.js';
import { obj, orderedJson } from './json-text.js';
import { countedTotal, type TaskUsageRecord, type UsageEntry } from './model.js';

/** The `totals` of a task file. */
export interface TaskTotals {
  /** Sum of the entries' `totalTokens` (input + output where a total is unavailable). */
  totalTokens: number;
  /** `[model, totalTokens]`, sorted by model. */
  byModel: readonly (readonly [string, number])[];
  /** `[agent, totalTokens]`, sorted by agent. */
  byAgent: readonly (readonly [string, number])[];
  /** Sum of the entries' costs; null when any of them is null (a partial sum would read as the total). */
  estimatedCost: number | null;
  /** The cost sum with its known part, how many costs were missing and the usage they were for. */
  cost: CostSum;
}

/** Order of entries: agent, model, input, output, total tokens, cost (null last). */
export function compareEntries(a: UsageEntry, b: UsageEntry): number {
  return (
    compareText(a.agent, b.agent) ||
    compareText(a.model, b.model) ||
    (a.inputTokens ?? -1) - (b.inputTokens ?? -1) ||
    (a.outputTokens ?? -1) - (b.outputTokens ?? -1) ||
    (a.totalTokens ?? -1) - (b.totalTokens ?? -1) ||
    (a.estimatedCost ?? Number.POSITIVE_INFINITY) - (b.estimatedCost ?? Number.POSITIVE_INFINITY) ||
    0
  );
}

/**
 * `record`'s entries, checked and sorted with {@link compareEntries}. Throws an Error naming the
 * field when a token count is not a non-negative safe integer or a cost is not a finite number ≥ 0
 * or null.
 */
export function sortedEntries(record: TaskUsageRecord): UsageEntry[] {
  return checkedEntries(record.entries, `task ${JSON.stringify(record.taskId)}`);
}

/** `entries` checked and sorted like {@link sortedEntries}; `what` names them in an error. */
export function checkedEntries(entries: readonly UsageEntry[], what: string): UsageEntry[] {
  entries.forEach((e, i) => {
    const at = `${what} entries[${i}]`;
    checkCountOrNull(e.inputTokens, `${at}.inputTokens`);
    checkCountOrNull(e.outputTokens, `${at}.outputTokens`);
    checkCountOrNull(e.totalTokens, `${at}.totalTokens`);
    checkAmountOrNull(e.estimatedCost, `${at}.estimatedCost`);
  });
  return [...entries].sort(compareEntries);
}

/** Sums `[key, tokens]` per key, sorted by key. */
function tokensBy(entries: readonly UsageEntry[], key: (e: UsageEntry) => string): [string, number][] {
  const sums = new Map<string, number>();
  for (const e of entries) {
    const k = key(e);
    sums.set(k, addCounts(sums.get(k) ?? 0, countedTotal(e), `tokens of ${JSON.stringify(k)}`));
  }
  return [...sums].sort(([a], [b]) => compareText(a, b));
}

/** The totals of `record` (section 6.1 `totals`). Throws like {@link sortedEntries}. */
export function taskTotals(record: TaskUsageRecord): TaskTotals {
  const entries = sortedEntries(record);
  let totalTokens = 0;
  let cost = NO_COST;
  for (const e of entries) {
    totalTokens = addCounts(
      totalTokens,
      countedTotal(e),
      `task ${JSON.stringify(record.taskId)} total_tokens`,
    );
    cost = addCost(cost, e.estimatedCost, { tokens: countedTotal(e), model: e.model });
  }
  return {
    totalTokens,
    byModel: tokensBy(entries, (e) => e.model),
    byAgent: tokensBy(entries, (e) => e.agent),
    estimatedCost: completeCost(cost),
    cost,
  };
}

/**
 * The bytes of `record`'s task file: JSON with a 2-space indent and a trailing newline, keys in the
 * seed 6.1 order (see the module doc). The original `taskId` is kept verbatim as `task_id`; a null
 * cost stays `null` (seed 8.2). Throws like {@link sortedEntries}.
 */
export function renderTaskFile(record: TaskUsageRecord): string {
  const entries = sortedEntries(record);
  const totals = taskTotals(record);
  const body = obj([
    ['task_id', record.taskId],
    ['timestamp', record.timestamp],
    ['user_request_summary', record.userRequestSummary],
    [
      'entries',
      entries.map((e) =>
        obj([
          ['agent', e.agent],
          ['model', e.model],
          ['input_tokens', e.inputTokens],
          ['output_tokens', e.outputTokens],
          ['total_tokens', e.totalTokens],
          ['estimated_cost', e.estimatedCost],
        ]),
      ),
    ],
    [
      'totals',
      obj([
        ['total_tokens', totals.totalTokens],
        ['by_model', obj(totals.byModel)],
        ['by_agent', obj(totals.byAgent)],
        ['estimated_cost', totals.estimatedCost],
      ]),
    ],
    ...(record.source === undefined ? [] : [['source', record.source] as const]),
  ]);
  return `${orderedJson(body)}\n`;
}
