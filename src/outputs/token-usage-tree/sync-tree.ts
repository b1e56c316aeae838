/**
 * Writes the usage-tracker `.token-usage/` tree from the ledger: per-task JSON, daily
 * summaries, error logs and reviews, from captured usage and declared telemetry as the ledger counts
 * them (see `tree-model.ts`). Idempotent: a file whose bytes would not change is not rewritten, and
 * the same ledger gives the same bytes. A task file whose name changed (its timestamp arrived late,
 * or earlier usage was imported) replaces the old one.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { taskFileStem, taskUsageFileName } from '../../capture/telemetry/task-file-name.js';
import type { LedgerStore } from '../../ledger/store.js';
import type { TelemetryErrorRow } from '../../ledger/telemetry-repository.js';
import type { Pricer } from '../../pricing/pricer.js';
import { renderDailySummary } from '../token-usage/daily-summary.js';
import { renderErrorLog } from '../token-usage/error-log.js';
import type { DayUsage, ErrorEntry } from '../token-usage/model.js';
import { dailySummaryPath, errorLogPath, TASKS_DIR } from '../token-usage/paths.js';
import { renderTaskFile } from '../token-usage/task-file.js';
import { writeTokenUsageFile } from '../token-usage/write.js';
import { buildTreeModel, errorEntryOf, inProjectDir, type TreeDay, utcDate } from './tree-model.js';

/** Insights for a day's summary (its "Anomalies" and "Optimization Candidates" sections). */
export interface DayInsights {
  anomalies: string[];
  optimizationCandidates: string[];
}

export interface SyncTreeOptions {
  /** The tree's root directory. */
  root: string;
  /** Only this project's usage and tasks (see `tree-model.ts`); null for the whole ledger. */
  project: string | null;
  /**
   * Only these UTC days (`YYYY-MM-DD`) and the tasks with usage on them; when absent, every day with
   * usage, a declared task or an error-log entry, and every task.
   */
  dates?: ReadonlySet<string>;
  /** Computes a day's anomalies and optimization candidates; none when absent. */
  insights?: (date: string) => Promise<DayInsights>;
}

export interface SyncTreeResult {
  /** Files written because they were new or changed (absolute paths). */
  written: string[];
  /** Files already up to date. */
  unchanged: string[];
  /** Old task files replaced by a new name. */
  removed: string[];
  tasks: number;
  days: number;
}

/** Writes `text` under `root` unless the file already holds exactly it; notes which it was in `result`. */
export function writeIfChanged(
  root: string,
  rel: string,
  text: string,
  result: Pick<SyncTreeResult, 'written' | 'unchanged'>,
): void {
  const target = path.resolve(root, rel);
  let current: string | null = null;
  try {
    current = fs.readFileSync(target, 'utf8');
  } catch {
    current = null;
  }
  if (current === text) result.unchanged.push(target);
  else result.written.push(writeTokenUsageFile(root, rel, text));
}

const TASK_FILE = /^usage-\d{4}-\d{2}-\d{2}-\d{4}-([A-Za-z0-9_-]+)\.json$/;

/** Removes task files of the same tasks under another name (an earlier timestamp). */
function removeRenamed(root: string, current: Map<string, string>, result: SyncTreeResult): void {
  const dir = path.join(root, TASKS_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const stem = TASK_FILE.exec(name)?.[1];
    if (stem === undefined) continue;
    const keep = current.get(stem);
    if (keep !== undefined && keep !== name) {
      fs.rmSync(path.join(dir, name), { force: true });
      result.removed.push(path.join(dir, name));
    }
  }
}

/** The file name of a task's log, relative to the root. */
export function taskFileOf(taskId: string, ts: number): string {
  return `${TASKS_DIR}/${taskUsageFileName(taskId, new Date(ts))}`;
}

export async function syncTree(
  store: LedgerStore,
  pricer: Pricer,
  opts: SyncTreeOptions,
): Promise<SyncTreeResult> {
  const result: SyncTreeResult = { written: [], unchanged: [], removed: [], tasks: 0, days: 0 };
  const model = await buildTreeModel(store, pricer, {
    project: opts.project,
    ...(opts.dates === undefined ? {} : { dates: opts.dates }),
  });
  // Error-log entries of another project's tasks stay out; those of unknown tasks (rejected calls) come in.
  const elsewhere =
    opts.project === null
      ? new Set<string>()
      : new Set(
          (await store.declaredTasks({}))
            .filter((t) => !inProjectDir(t.project, opts.project ?? ''))
            .map((t) => t.taskId),
        );
  const inDates = (date: string) => opts.dates === undefined || opts.dates.has(date);
  const errors = (await store.telemetryErrors({})).filter(
    (e) => (e.taskId === null || !elsewhere.has(e.taskId)) && inDates(utcDate(e.at)),
  );

  const names = new Map<string, string>();
  for (const t of model.tasks) {
    const rel = taskFileOf(t.record.taskId, t.ts);
    names.set(taskFileStem(t.record.taskId), path.basename(rel));
    writeIfChanged(opts.root, rel, renderTaskFile(t.record), result);
  }
  removeRenamed(opts.root, names, result);
  result.tasks = model.tasks.length;

  const days = new Map<string, { usage: TreeDay | null; errors: TelemetryErrorRow[] }>();
  for (const d of model.days) days.set(d.date, { usage: d, errors: [] });
  for (const e of errors) {
    const date = utcDate(e.at);
    const d = days.get(date) ?? { usage: null, errors: [] };
    d.errors.push(e);
    days.set(date, d);
  }
  for (const [date, d] of [...days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const insights = opts.insights === undefined ? undefined : await opts.insights(date);
    const errorEntries: ErrorEntry[] = d.errors.map(errorEntryOf);
    const anomalies: ErrorEntry[] = (insights?.anomalies ?? []).map((text) => ({
      at: `${date}T00:00:00.000Z`,
      taskId: null,
      problem: text,
      kind: 'anomaly',
    }));
    const usage: DayUsage = {
      date,
      tasks: d.usage?.tasks ?? [],
      unattributed: d.usage?.unattributed ?? [],
      errors: [...errorEntries, ...anomalies],
      optimizationCandidates: insights?.optimizationCandidates ?? [],
    };
    writeIfChanged(opts.root, dailySummaryPath(date), renderDailySummary(usage), result);
    if (errorEntries.length > 0) {
      writeIfChanged(
        opts.root,
        errorLogPath(date),
        renderErrorLog(date, [...errorEntries, ...anomalies]),
        result,
      );
    }
  }
  result.days = days.size;
  return result;
}
