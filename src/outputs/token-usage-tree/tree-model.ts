/**
 * The ledger's view of a `.token-usage/` tree (the usage-tracker layout): one task file per task, and
 * each UTC day's usage split by task, with what belongs to no task apart. Days are UTC days, as the
 * task files' names are, so the tree's bytes do not depend on the machine's time zone.
 *
 * The tree counts what the ledger counts, nothing twice:
 * - **Captured usage** (transcripts imported, hooks, `run`) counts as it is attributed: to its task,
 *   or, attributed to none, as the day's unattributed usage. A task with captured usage gets a task
 *   file whether or not it was ever declared (tasks from `task start`, hooks or `run`): its entries
 *   are its usage by agent type (`main` for the main thread) and model, input counting cache writes
 *   and reads, and its `source` is `captured`.
 * - **Declared telemetry** (`tokenledger record`, the MCP `record_usage` tool) counts while no
 *   usage was captured for the task (captured wins, see `ledger/sqlite/telemetry.ts`). Its task file
 *   shows the declared entries, with what could be derived filled in (`source: declared`), and the
 *   day it counts on is the task's declared day. Once usage is captured for the task, its file shows
 *   that usage instead (`source: captured`), and the declaration adds nothing anywhere.
 *
 * In a project's tree, only usage whose project (working directory) is the project or inside it
 * counts, and only tasks declared in it or with usage in it get a file.
 * @module
 */

import { groupCost } from '../../analysis/review-usage.js';
import { resolveEntry } from '../../analysis/telemetry-reconcile.js';
import { UsageTableBuilder } from '../../analysis/usage-table.js';
import type { LedgerStore } from '../../ledger/store.js';
import type { DeclaredTask, TelemetryErrorRow } from '../../ledger/telemetry-repository.js';
import type { GroupRow, UsageFilter } from '../../ledger/usage-repository.js';
import { BUCKET_MS } from '../../ledger/usage-sums.js';
import type { Pricer } from '../../pricing/pricer.js';
import { addTokenCounts, emptyTokenCounts, type TokenCounts, totalTokens } from '../../util/token-counts.js';
import type { ErrorEntry, TaskUsageRecord, UsageEntry } from '../token-usage/model.js';

const DAY_MS = 86_400_000;

/** The summary a task file shows when nothing describes the task (no declaration, no title). */
export const NO_SUMMARY = 'unavailable';

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** An instant as the task files write it: ISO 8601 in UTC, without `.000` (`2026-11-20T11:00:00Z`). */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** The ISO timestamp a declared task's file shows: as declared, else when the declaration arrived. */
export function taskTimestamp(task: DeclaredTask): string {
  return task.declaredAt ?? isoTimestamp(task.ts);
}

/** True when `project` is `dir` or a path inside it (either separator). */
export function inProjectDir(project: string | null, dir: string): boolean {
  if (project === null) return false;
  const base = dir.replace(/[\\/]+$/, '');
  if (base === '') return project.startsWith(dir);
  return project === base || project.startsWith(`${base}/`) || project.startsWith(`${base}\\`);
}

/** What the tree shows of one task: its file's record, and the instant naming the file. */
export interface TreeTask {
  /** Epoch ms the file is named after: the declared timestamp, else the task's first usage. */
  ts: number;
  record: TaskUsageRecord;
}

/** One UTC day's usage. */
export interface TreeDay {
  /** `YYYY-MM-DD`. */
  date: string;
  /** Each task's usage on the day (a declared task's whole declaration, on its declared day). */
  tasks: TaskUsageRecord[];
  /** The day's usage attributed to no task, by agent and model. */
  unattributed: UsageEntry[];
}

export interface TreeModel {
  /** Sorted by task id. */
  tasks: TreeTask[];
  /** Sorted by date. */
  days: TreeDay[];
}

export interface TreeScope {
  /** Only this project (a directory); null for the whole ledger. */
  project: string | null;
  /** Only these UTC days and the tasks with usage on them; every day when absent. */
  dates?: ReadonlySet<string>;
}

interface Sum {
  agent: string;
  model: string;
  tokens: TokenCounts;
  /** USD; null once a part had no cost. */
  cost: number | null;
}

/** Sums of ledger rows per agent × model: the entries of a task (or of a day's share of one). */
class EntrySums {
  readonly #sums = new Map<string, Sum>();
  #firstTs = Number.POSITIVE_INFINITY;

  add(agent: string, row: GroupRow, cost: number | null): void {
    const key = JSON.stringify([agent, row.model]);
    const s = this.#sums.get(key) ?? { agent, model: row.model, tokens: emptyTokenCounts(), cost: 0 };
    addTokenCounts(s.tokens, row);
    s.cost = s.cost === null || cost === null ? null : s.cost + cost;
    this.#sums.set(key, s);
    this.#firstTs = Math.min(this.#firstTs, row.firstTs);
  }

  /** The earliest usage added (epoch ms). */
  get firstTs(): number {
    return this.#firstTs;
  }

  entries(): UsageEntry[] {
    // An entry's input counts every prompt token: uncached, cache writes and cache reads.
    return [...this.#sums.values()].map((s) => ({
      agent: s.agent,
      model: s.model,
      inputTokens: s.tokens.input + s.tokens.cacheWrite + s.tokens.cacheRead,
      outputTokens: s.tokens.output,
      totalTokens: totalTokens(s.tokens),
      estimatedCost: s.cost === null ? null : Math.round(s.cost * 1e6) / 1e6,
    }));
  }
}

/** A ledger row with its task ('' for none), agent, UTC day and cost. */
interface PricedRow {
  task: string;
  agent: string;
  date: string;
  row: GroupRow;
  cost: number | null;
}

async function pricedRows(store: LedgerStore, pricer: Pricer, filter: UsageFilter): Promise<PricedRow[]> {
  const rows = await store.groups({ dimensions: ['task', 'agent'], filter, grain: 'day' });
  const builder = new UsageTableBuilder(pricer, 'auto');
  return rows.map((row) => {
    const atMs = row.bucket * BUCKET_MS;
    return {
      task: row.values.task ?? '',
      agent: row.values.agent ?? 'main',
      date: utcDate(atMs),
      row,
      cost: groupCost(builder, row, atMs),
    };
  });
}

/** A declared task's entries, with what could be derived filled in. */
function declaredEntries(task: DeclaredTask, pricer: Pricer): UsageEntry[] {
  return task.entries.map((e) => {
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
}

function sumsOf<K>(map: Map<K, EntrySums>, key: K): EntrySums {
  let s = map.get(key);
  if (s === undefined) {
    s = new EntrySums();
    map.set(key, s);
  }
  return s;
}

/** The tree's tasks and days for `scope` (see the module doc). Deterministic for a given ledger. */
export async function buildTreeModel(
  store: LedgerStore,
  pricer: Pricer,
  scope: TreeScope,
): Promise<TreeModel> {
  const { project, dates } = scope;
  const inScope: UsageFilter = project === null ? {} : { projectDir: project };
  const inDates = (date: string) => dates === undefined || dates.has(date);
  const allDeclared = await store.declaredTasks({});
  // Tasks whose declared rows count: those rows are shown as the declarations themselves.
  const counted = new Set(allDeclared.filter((t) => !t.captured).map((t) => t.taskId));
  const declared = new Map(
    allDeclared.filter((t) => project === null || inProjectDir(t.project, project)).map((t) => [t.taskId, t]),
  );
  const withoutDeclared = (rows: PricedRow[]) => rows.filter((r) => r.task === '' || !counted.has(r.task));

  let dayRows: PricedRow[];
  if (dates === undefined) {
    dayRows = withoutDeclared(await pricedRows(store, pricer, inScope));
  } else {
    dayRows = [];
    for (const date of [...dates].sort()) {
      const fromMs = Date.parse(`${date}T00:00:00Z`);
      dayRows.push(
        ...withoutDeclared(await pricedRows(store, pricer, { ...inScope, fromMs, toMs: fromMs + DAY_MS })),
      );
    }
  }

  const ids = new Set(dayRows.filter((r) => r.task !== '').map((r) => r.task));
  for (const t of declared.values()) if (inDates(utcDate(t.ts))) ids.add(t.taskId);
  const capturedIds = [...ids].filter((id) => !counted.has(id)).sort();
  const taskRows =
    dates === undefined
      ? dayRows
      : withoutDeclared(await pricedRows(store, pricer, { ...inScope, tasks: capturedIds }));
  const usage = new Map<string, EntrySums>();
  for (const r of taskRows) if (r.task !== '') sumsOf(usage, r.task).add(r.agent, r.row, r.cost);
  const undeclared = capturedIds.some((id) => !declared.has(id));
  const titles = new Map(undeclared ? (await store.tasks()).map((t) => [t.id, t.title]) : []);

  const tasks = new Map<string, TreeTask>();
  for (const id of [...ids].sort()) {
    const d = declared.get(id);
    if (d !== undefined && counted.has(id)) {
      const record: TaskUsageRecord = {
        taskId: id,
        timestamp: taskTimestamp(d),
        userRequestSummary: d.summary,
        entries: declaredEntries(d, pricer),
        source: 'declared',
      };
      tasks.set(id, { ts: d.ts, record });
      continue;
    }
    const sums = usage.get(id) ?? new EntrySums();
    const ts = d?.ts ?? sums.firstTs;
    tasks.set(id, {
      ts,
      record: {
        taskId: id,
        timestamp: d === undefined ? isoTimestamp(ts) : taskTimestamp(d),
        userRequestSummary: d?.summary ?? titles.get(id) ?? NO_SUMMARY,
        entries: sums.entries(),
        source: 'captured',
      },
    });
  }

  const byDay = new Map<string, { tasks: Map<string, EntrySums>; unattributed: EntrySums }>();
  const day = (date: string) => {
    let d = byDay.get(date);
    if (d === undefined) {
      d = { tasks: new Map(), unattributed: new EntrySums() };
      byDay.set(date, d);
    }
    return d;
  };
  for (const r of dayRows) {
    const d = day(r.date);
    (r.task === '' ? d.unattributed : sumsOf(d.tasks, r.task)).add(r.agent, r.row, r.cost);
  }
  const declaredOn = new Map<string, TaskUsageRecord[]>();
  for (const t of tasks.values()) {
    if (t.record.source !== 'declared') continue;
    const date = utcDate(t.ts);
    day(date);
    declaredOn.set(date, [...(declaredOn.get(date) ?? []), t.record]);
  }
  const days = [...byDay]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, d]): TreeDay => {
      const own = [...d.tasks].map(([id, sums]): TaskUsageRecord => {
        const whole = tasks.get(id)?.record;
        return {
          taskId: id,
          timestamp: whole?.timestamp ?? isoTimestamp(sums.firstTs),
          userRequestSummary: whole?.userRequestSummary ?? NO_SUMMARY,
          entries: sums.entries(),
          source: 'captured',
        };
      });
      return {
        date,
        tasks: [...own, ...(declaredOn.get(date) ?? [])],
        unattributed: d.unattributed.entries(),
      };
    });
  return { tasks: [...tasks.values()], days };
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
