/**
 * The ledger's view of a `.token-usage/` tree (seed 000 section 6): each declared task as a seed 6.1
 * record, each UTC day's tasks and error-log entries. Days are UTC days, as the task files' names
 * are (seed timestamps are UTC), so the tree's bytes do not depend on the machine's time zone.
 *
 * A task whose usage was also captured shows the captured usage (captured wins, see
 * `ledger/sqlite/telemetry.ts`): its entries are the captured usage by agent type and model, input
 * counting cache writes and reads, and its `source` is `captured`. Otherwise its entries are the
 * declared ones, with what could be derived filled in (`source: declared`).
 * @module
 */
import { resolveEntry } from '../../analysis/telemetry-reconcile.js';
import { totalTokens } from '../../analysis/usage-table.js';
import type { DeclaredTask, LedgerStore, TelemetryErrorRow } from '../../ledger/store.js';
import type { Pricer } from '../../pricing/pricer.js';
import type { ErrorEntry, TaskUsageRecord, UsageEntry } from '../token-usage/model.js';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The ISO timestamp a task file shows: as declared, else when the declaration arrived. */
export function taskTimestamp(task: DeclaredTask): string {
  return task.declaredAt ?? new Date(task.ts).toISOString().replace('.000Z', 'Z');
}

/** What the tree shows of one declared task. */
export interface TreeTask {
  task: DeclaredTask;
  record: TaskUsageRecord;
  /** UTC day of the task. */
  date: string;
}

async function capturedEntries(
  store: LedgerStore,
  pricer: Pricer,
  taskIds: readonly string[],
): Promise<Map<string, UsageEntry[]>> {
  const out = new Map<string, UsageEntry[]>();
  if (taskIds.length === 0) return out;
  const rows = await store.groups({
    dimensions: ['task', 'agent', 'model'],
    filter: { tasks: taskIds },
    grain: 'day',
  });
  const sums = new Map<
    string,
    {
      task: string;
      agent: string;
      model: string;
      input: number;
      output: number;
      total: number;
      cost: number | null;
    }
  >();
  for (const r of rows) {
    const task = r.values.task ?? '';
    const agent = r.values.agent ?? 'main';
    const model = r.values.model ?? r.model;
    const key = JSON.stringify([task, agent, model]);
    const s = sums.get(key) ?? { task, agent, model, input: 0, output: 0, total: 0, cost: 0 };
    s.input += r.input + r.cacheWrite + r.cacheRead;
    s.output += r.output;
    s.total += totalTokens(r);
    const priced = pricer.cost(r, r, r.bucket * (DAY_MS / 96));
    const cost = priced ?? (r.reportedRows > 0 ? r.reportedCost : null);
    s.cost = s.cost === null || cost === null ? null : s.cost + cost;
    sums.set(key, s);
  }
  for (const s of sums.values()) {
    const list = out.get(s.task) ?? [];
    list.push({
      agent: s.agent,
      model: s.model,
      inputTokens: s.input,
      outputTokens: s.output,
      totalTokens: s.total,
      estimatedCost: s.cost === null ? null : Math.round(s.cost * 1e6) / 1e6,
    });
    out.set(s.task, list);
  }
  return out;
}

/** The seed 6.1 records of `tasks` (declared tasks, as `store.declaredTasks` gives them). */
export async function treeTasks(
  store: LedgerStore,
  pricer: Pricer,
  tasks: readonly DeclaredTask[],
): Promise<TreeTask[]> {
  const captured = await capturedEntries(
    store,
    pricer,
    tasks.filter((t) => t.captured).map((t) => t.taskId),
  );
  return tasks.map((task) => {
    const entries: UsageEntry[] = task.captured
      ? (captured.get(task.taskId) ?? [])
      : task.entries.map((e) => {
          const r = resolveEntry(e, pricer, task.ts);
          return {
            agent: r.agent,
            model: r.model,
            inputTokens: r.inputTokens,
            outputTokens: r.outputTokens,
            totalTokens: r.totalTokens,
            estimatedCost: r.estimatedCost,
          };
        });
    return {
      task,
      date: utcDate(task.ts),
      record: {
        taskId: task.taskId,
        timestamp: taskTimestamp(task),
        userRequestSummary: task.summary,
        entries,
        source: task.captured ? 'captured' : 'declared',
      },
    };
  });
}

/** An error-log row as the renderer takes it. */
export function errorEntryOf(e: TelemetryErrorRow): ErrorEntry {
  return {
    at: new Date(e.at).toISOString(),
    taskId: e.taskId,
    ...(e.field === null ? {} : { field: e.field }),
    problem: e.problem,
    ...(e.resolution === null ? {} : { resolution: e.resolution }),
    kind: e.kind,
  };
}
