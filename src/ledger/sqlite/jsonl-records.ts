/**
 * The SQLite ledger as plain records (`exportRecords`), for `tokenledger export --jsonl`: every
 * table another ledger needs to give the same reports, without row ids and without what is derived
 * (usage rows and agent rows of declared telemetry, rollups, cursors). Writing records back is in
 * `record-imports.ts`.
 * @module
 */

import {
  ACTIVITY_EXPORT_SQL,
  type ActivityExportRow,
  activityTimedRecord,
  BUDGET_EXPORT_SQL,
  BUDGET_WARNING_EXPORT_SQL,
  type BudgetWarningExportRow,
  budgetTimedRecord,
  budgetWarningTimedRecord,
  PROPOSAL_EXPORT_SQL,
  proposalTimedRecord,
} from '../activity-budget-proposal-records.js';
import type { BudgetDbRow } from '../budget-rows.js';
import type { RecordFilter, RunLedgerRecord, TimedRecord } from '../ledger-records.js';
import {
  type AgentDbRow,
  type SpanDbRow,
  type SpawnDbRow,
  type TaskDbRow,
  timedExport,
  toAgentRecord,
  toDeclaredRecord,
  toErrorRecord,
  toRunRecord,
  toSpanRecord,
  toSpawnRecord,
  toTaskRecord,
  toUsageRecord,
  type UsageDbRow,
} from '../ledger-rows.js';
import type { ProposalDbRow } from '../review-proposal-rows.js';
import type { Statements } from './statements.js';
import { runs as runRows } from './tasks.js';
import { declaredTasks, TELEMETRY_SOURCE, telemetryErrors, telemetrySession } from './telemetry.js';

/** Session ids of declared tasks' derived rows start with this. */
const TELEMETRY_SESSION_PREFIX = telemetrySession('');

function usageRecords(s: Statements, filter: RecordFilter): TimedRecord[] {
  const where = [`u.source <> '${TELEMETRY_SOURCE}'`];
  const params: number[] = [];
  if (filter.fromMs !== undefined) {
    where.push('u.ts >= ?');
    params.push(filter.fromMs);
  }
  if (filter.toMs !== undefined) {
    where.push('u.ts < ?');
    params.push(filter.toMs);
  }
  const rows = s
    .get(
      `SELECT u.*, o.machine, o.user_name FROM usage u JOIN origins o ON o.id = u.origin_id
       WHERE ${where.join(' AND ')} ORDER BY u.ts, u.dedup_key`,
    )
    .all(...params) as UsageDbRow[];
  return rows.map((r) => ({ at: r.ts, record: toUsageRecord(r) }));
}

/** The first usage of each session: where its agents and spawns belong in time. */
function sessionStarts(s: Statements): Map<string, number> {
  const rows = s
    .get(
      `SELECT session_id, min(ts) AS ts FROM usage WHERE source <> '${TELEMETRY_SOURCE}' GROUP BY session_id`,
    )
    .all() as { session_id: string; ts: number }[];
  return new Map(rows.map((r) => [r.session_id, r.ts]));
}

function agentRecords(s: Statements, starts: Map<string, number>): TimedRecord[] {
  const rows = s
    .get('SELECT * FROM agents WHERE substr(session_id, 1, ?) <> ? ORDER BY session_id, agent_id')
    .all(TELEMETRY_SESSION_PREFIX.length, TELEMETRY_SESSION_PREFIX) as AgentDbRow[];
  return rows.map((r) => ({ at: starts.get(r.session_id) ?? null, record: toAgentRecord(r) }));
}

function spawnRecords(s: Statements, starts: Map<string, number>): TimedRecord[] {
  const rows = s.get('SELECT * FROM agent_spawns ORDER BY session_id, tool_use_id').all() as SpawnDbRow[];
  return rows.map((r) => ({ at: starts.get(r.session_id) ?? null, record: toSpawnRecord(r) }));
}

function taskRecords(s: Statements): TimedRecord[] {
  const rows = s.get('SELECT * FROM tasks ORDER BY created_at, id').all() as TaskDbRow[];
  return rows.map((r) => ({ at: r.created_at, record: toTaskRecord(r) }));
}

function spanRecords(s: Statements): TimedRecord[] {
  const rows = s.get('SELECT * FROM spans ORDER BY from_ts, id').all() as SpanDbRow[];
  return rows.map((r) => ({ at: r.from_ts, record: toSpanRecord(r) }));
}

/** Every run (or those whose row id `keep` accepts) as a record. */
export function runLedgerRecords(s: Statements, keep?: (id: number) => boolean): RunLedgerRecord[] {
  const rows = runRows(s, {});
  return (keep === undefined ? rows : rows.filter((r) => keep(r.id))).map(toRunRecord);
}

function runRecords(s: Statements): TimedRecord[] {
  return runLedgerRecords(s).map((record) => ({ at: record.startedAt, record }));
}

function declaredRecords(s: Statements): TimedRecord[] {
  return declaredTasks(s, {}).map((t) => ({ at: t.ts, record: toDeclaredRecord(t) }));
}

function errorRecords(s: Statements): TimedRecord[] {
  return telemetryErrors(s, {}).map((e) => ({ at: e.at, record: toErrorRecord(e) }));
}

/** Call activity, budgets, their warnings and review proposals. */
function keptRecords(s: Statements): TimedRecord[] {
  return [
    ...(s.get(ACTIVITY_EXPORT_SQL).all() as ActivityExportRow[]).map(activityTimedRecord),
    ...(s.get(BUDGET_EXPORT_SQL).all() as BudgetDbRow[]).map(budgetTimedRecord),
    ...(s.get(BUDGET_WARNING_EXPORT_SQL).all() as BudgetWarningExportRow[]).map(budgetWarningTimedRecord),
    ...(s.get(PROPOSAL_EXPORT_SQL).all() as ProposalDbRow[]).map(proposalTimedRecord),
  ];
}

export function exportRecords(s: Statements, filter: RecordFilter): TimedRecord[] {
  // One read transaction: a consistent snapshot while hooks write.
  return s.db.transaction(() => {
    const starts = sessionStarts(s);
    const rest: TimedRecord[] = [
      ...agentRecords(s, starts),
      ...spawnRecords(s, starts),
      ...taskRecords(s),
      ...spanRecords(s),
      ...runRecords(s),
      ...declaredRecords(s),
      ...errorRecords(s),
      ...keptRecords(s),
    ];
    return timedExport(usageRecords(s, filter), rest, filter);
  })();
}
