/**
 * Usage summed per task, session, stage and model in the PostgreSQL ledger (see
 * `UsageTotalsRepository`): the same rows as the SQLite store's usage-totals.ts.
 * @module
 */
import { toUsageTotalRow, type UsageTotalDbRow, usageTotalsSql } from '../analysis-rows.js';
import type { StageMap } from '../task-repository.js';
import type { UsageFilter, UsageTotalRow } from '../usage-repository.js';
import type { PgQueryable } from './connection.js';
import { dimensionSql, Params, usageWhere } from './queries.js';

export async function usageTotals(
  db: PgQueryable,
  filter: UsageFilter,
  stageMap: StageMap = {},
): Promise<UsageTotalRow[]> {
  const p = new Params();
  const stage = dimensionSql('stage', stageMap, p);
  const where = usageWhere(filter, p);
  const rows = await db.query<UsageTotalDbRow>(usageTotalsSql(stage, where), p.values);
  return rows.map(toUsageTotalRow);
}
