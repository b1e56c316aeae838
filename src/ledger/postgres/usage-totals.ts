/**
 * Usage summed per task, session, stage and model in the PostgreSQL ledger (see
 * `UsageTotalsRepository`): the same rows as the SQLite store's usage-totals.ts.
 * @module
 */
import { toUsageTotalRow, type UsageTotalDbRow, usageTotalsSql } from '../analysis-rows.js';
import type { StageMap } from '../task-repository.js';
import type { UsageFilter, UsageTotalRow } from '../usage-repository.js';
import type { PgDb } from './connection.js';
import { dimensionSql, Params, usageWhere } from './queries.js';

/**
 * Memory for the grouping. The planner takes every row of the window for a group of its own (it
 * cannot tell how many sessions and tasks the rows share), so with the default 4 MB it sorts the
 * window's rows on disk (about 100k rows in a month of a heavy user) where the groups, a few
 * thousand, fit a hash table; this lets it hash. Grouping that outgrows it spills to disk as before.
 */
const GROUPING_WORK_MEM = '64MB';

export async function usageTotals(
  db: PgDb,
  filter: UsageFilter,
  stageMap: StageMap = {},
): Promise<UsageTotalRow[]> {
  const p = new Params();
  const stage = dimensionSql('stage', stageMap, p);
  const where = usageWhere(filter, p);
  const rows = await db.transaction(
    async (tx) => {
      await tx.query(`SET LOCAL work_mem = '${GROUPING_WORK_MEM}'`);
      return tx.query<UsageTotalDbRow>(usageTotalsSql(stage, where), p.values);
    },
    { readOnly: true },
  );
  return rows.map(toUsageTotalRow);
}
