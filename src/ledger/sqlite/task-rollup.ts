/**
 * The per-task daily rollup (migration 4): triggers on `usage` mark each (task, UTC day) a change
 * touches, and a read of some tasks' totals first rebuilds their marked days from the task index.
 * A hook on a plan with 100k rows then reads a few hundred rollup rows instead of grouping them all.
 * @module
 */
import type { GroupRow } from '../usage-repository.js';
import { BUCKET_MS } from '../usage-sums.js';
import { type RawGroupRow, rawGroupRow, sizeClassSql } from './sql.js';
import type { Statements } from './statements.js';

const DAY_MS = 86_400_000;
const BUCKETS_PER_DAY = DAY_MS / BUCKET_MS;

const REBUILD_DAY = `INSERT INTO task_rollup (task_id, day, model, size_class, speed, geo, has_reported,
    input_tokens, output_tokens, cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests,
    reported_cost, reported_rows, responses, lower_bound, first_ts, last_ts)
  SELECT task_id, ts / ${DAY_MS}, model, ${sizeClassSql('')}, coalesce(speed, ''), coalesce(geo, ''),
    reported_cost IS NOT NULL, sum(input_tokens), sum(output_tokens), sum(cache_write_tokens),
    sum(cache_write_1h_tokens), sum(cache_read_tokens), sum(web_search_requests), coalesce(sum(reported_cost), 0),
    count(reported_cost), count(*), sum(1 - output_final), min(ts), max(ts)
  FROM usage WHERE task_id = ? AND ts >= ? AND ts < ?
  GROUP BY 1, 2, 3, 4, 5, 6, 7`;

/** Rebuilds the marked days of `tasks` (one write transaction, only when one is marked). */
export function refreshTaskRollup(s: Statements, tasks: readonly string[]): void {
  if (tasks.length === 0) return;
  const days = s.get('SELECT day FROM task_rollup_dirty WHERE task_id = ?').pluck();
  const pending = tasks.filter((t) => days.get(t) !== undefined);
  if (pending.length === 0) return;
  s.write(() => {
    const del = s.get('DELETE FROM task_rollup WHERE task_id = ? AND day = ?');
    const rebuild = s.get(REBUILD_DAY);
    const unmark = s.get('DELETE FROM task_rollup_dirty WHERE task_id = ?');
    for (const task of pending) {
      // Read again under the write lock: another process may have rebuilt them meanwhile.
      for (const day of days.all(task) as number[]) {
        del.run(task, day);
        rebuild.run(task, day * DAY_MS, (day + 1) * DAY_MS);
      }
      unmark.run(task);
    }
  });
}

/** The columns read back, in this order (raw rows: no object per row, which is half the cost). */
const READ = `SELECT task_id, day, model, size_class, speed, geo, input_tokens, output_tokens, cache_write_tokens,
  cache_write_1h_tokens, cache_read_tokens, web_search_requests, reported_cost, reported_rows, responses,
  lower_bound, first_ts, last_ts FROM task_rollup WHERE task_id = ?`;

/**
 * The usage of `tasks` (each task's own rows, not its subtree) by task and UTC day: the same rows as
 * {@link groups} with `dimensions: ['task']`, `grain: 'day'` and a task filter, from the rollup.
 */
export function taskDayGroups(s: Statements, tasks: readonly string[]): GroupRow[] {
  refreshTaskRollup(s, tasks);
  const read = s.get(READ).raw();
  const out: GroupRow[] = [];
  for (const task of new Set(tasks)) {
    for (const r of read.all(task) as RawGroupRow[]) {
      out.push(rawGroupRow(r, { task: r[0] }, r[1] * BUCKETS_PER_DAY));
    }
  }
  return out;
}
