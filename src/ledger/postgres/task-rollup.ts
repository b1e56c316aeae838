/**
 * The per-task daily rollup of the PostgreSQL ledger: triggers on `usage` mark each (task, UTC day)
 * a change touches, and a read of some tasks' totals first rebuilds their marked days (one refresher
 * at a time, under an advisory lock).
 * @module
 */

import type { GroupRow } from '../usage-repository.js';
import { BUCKET_MS } from '../usage-sums.js';
import type { PgDb } from './connection.js';
import { LOCKS } from './migrations.js';
import { pricedSums, type RollupDbRow, usageSumsSql } from './sql.js';

const DAY_MS = 86_400_000;
const BUCKETS_PER_DAY = DAY_MS / BUCKET_MS;

/** Rebuilds the marked days of `tasks` (one transaction, only when one is marked). */
export async function refreshTaskRollup(db: PgDb, tasks: readonly string[]): Promise<void> {
  if (tasks.length === 0) return;
  const list = [...new Set(tasks)];
  const [any] = await db.query<{ dirty: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM task_rollup_dirty WHERE task_id = ANY($1::text[])) AS dirty',
    [list],
  );
  if (any?.dirty !== true) return;
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.taskRollup]);
    // Taken under the lock: another process may have rebuilt them meanwhile.
    const marked = await tx.query<{ task_id: string; day: number }>(
      'DELETE FROM task_rollup_dirty WHERE task_id = ANY($1::text[]) RETURNING task_id, day',
      [list],
    );
    if (marked.length === 0) return;
    const ids = marked.map((m) => m.task_id);
    const days = marked.map((m) => m.day);
    await tx.query(
      `DELETE FROM task_rollup r USING unnest($1::text[], $2::bigint[]) AS m (task_id, day)
       WHERE r.task_id = m.task_id AND r.day = m.day`,
      [ids, days],
    );
    await tx.query(
      `INSERT INTO task_rollup (task_id, day, model, size_class, speed, geo, has_reported, input_tokens,
         output_tokens, cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests,
         reported_cost, reported_rows, responses, lower_bound, first_ts, last_ts)
       SELECT u.task_id, u.ts / ${DAY_MS}, ${usageSumsSql('u.')}, min(u.ts), max(u.ts)
       FROM unnest($1::text[], $2::bigint[]) AS m (task_id, day)
       JOIN usage u ON u.task_id = m.task_id AND u.ts >= m.day * ${DAY_MS} AND u.ts < (m.day + 1) * ${DAY_MS}
       GROUP BY 1, 2, 3, 4, 5, 6, 7`,
      [ids, days],
    );
  });
}

type TaskRollupRow = RollupDbRow & {
  task_id: string;
  day: number;
  first_ts: number;
  last_ts: number;
} & Record<string, unknown>;

/**
 * The usage of `tasks` (each task's own rows, not its subtree) by task and UTC day: the same rows as
 * `groups` with `dimensions: ['task']`, `grain: 'day'` and a task filter, from the rollup.
 */
export async function taskDayGroups(db: PgDb, tasks: readonly string[]): Promise<GroupRow[]> {
  if (tasks.length === 0) return [];
  await refreshTaskRollup(db, tasks);
  const list = [...new Set(tasks)];
  const rows = await db.query<TaskRollupRow>(
    // In the order of `tasks` (a join on the ordinality: array_position per row would cost rows × tasks).
    `SELECT r.* FROM unnest($1::text[]) WITH ORDINALITY AS t(id, pos) JOIN task_rollup r ON r.task_id = t.id
     ORDER BY t.pos, r.day, r.model COLLATE "C", r.size_class, r.speed COLLATE "C", r.geo COLLATE "C", r.has_reported`,
    [list],
  );
  return rows.map((r) => ({
    values: { task: r.task_id },
    bucket: r.day * BUCKETS_PER_DAY,
    ...pricedSums(r),
    firstTs: r.first_ts,
    lastTs: r.last_ts,
  }));
}
