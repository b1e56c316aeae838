/**
 * Usage summed per task, session, stage and model in the SQLite ledger (see `UsageTotalsRepository`).
 * @module
 */
import { toUsageTotalRow, type UsageTotalDbRow, usageTotalsSql } from '../analysis-rows.js';
import type { StageMap } from '../task-repository.js';
import type { UsageFilter, UsageTotalRow } from '../usage-repository.js';
import { dimensionSql, usageWhere } from './queries.js';
import type { Statements } from './statements.js';

export function usageTotals(s: Statements, filter: UsageFilter, stageMap: StageMap = {}): UsageTotalRow[] {
  const stage = dimensionSql('stage', stageMap);
  const params: (string | number)[] = [...stage.params];
  const where = usageWhere(filter, params);
  const rows = s.get(usageTotalsSql(stage.sql, where)).all(...params) as UsageTotalDbRow[];
  return rows.map(toUsageTotalRow);
}
