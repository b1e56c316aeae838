/**
 * The PostgreSQL ledger as plain records (`exportRecords`), the twin of `ledger/sqlite/jsonl-records.ts`:
 * every table another ledger needs to give the same reports, without row ids and without what is
 * derived (usage rows and agent rows of declared telemetry, rollups, cursors). Text is ordered by
 * code point (`COLLATE "C"`), as SQLite orders it.
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
import type { PgQueryable } from './connection.js';
import { TELEMETRY_SOURCE, telemetrySession } from './declared-usage.js';
import { runsIn } from './runs.js';
import { SPAN_COLUMNS } from './spans.js';
import { TASK_COLUMNS } from './tasks.js';
import { declaredTasksIn, telemetryErrorsIn } from './telemetry.js';

/** Session ids of declared tasks' derived rows start with this. */
const TELEMETRY_SESSION_PREFIX = telemetrySession('');

async function usageRecords(q: PgQueryable, filter: RecordFilter): Promise<TimedRecord[]> {
  const where = [`u.source <> '${TELEMETRY_SOURCE}'`];
  const params: number[] = [];
  if (filter.fromMs !== undefined) {
    params.push(filter.fromMs);
    where.push(`u.ts >= $${params.length}`);
  }
  if (filter.toMs !== undefined) {
    params.push(filter.toMs);
    where.push(`u.ts < $${params.length}`);
  }
  const rows = await q.query<UsageDbRow>(
    `SELECT u.dedup_key, u.source, u.ts, u.session_id, u.agent_id, u.sidechain, u.model, u.input_tokens,
       u.output_tokens, u.cache_write_tokens, u.cache_write_1h_tokens, u.cache_read_tokens, u.web_search_requests,
       u.output_final, u.speed, u.geo, u.reported_cost, u.project, u.git_branch, u.agent_version,
       o.machine, o.user_name, u.task_id, u.stage, u.labels
     FROM usage u JOIN origins o ON o.id = u.origin_id
     WHERE ${where.join(' AND ')} ORDER BY u.ts, u.dedup_key COLLATE "C"`,
    params,
  );
  return rows.map((r) => ({ at: r.ts, record: toUsageRecord(r) }));
}

/** The first usage of each session: where its agents and spawns belong in time. */
async function sessionStarts(q: PgQueryable): Promise<Map<string, number>> {
  const rows = await q.query<{ session_id: string; ts: number }>(
    `SELECT session_id, min(ts) AS ts FROM usage WHERE source <> '${TELEMETRY_SOURCE}' GROUP BY session_id`,
  );
  return new Map(rows.map((r) => [r.session_id, r.ts]));
}

async function agentRecords(q: PgQueryable, starts: Map<string, number>): Promise<TimedRecord[]> {
  const rows = await q.query<AgentDbRow>(
    `SELECT session_id, agent_id, agent_type, priority FROM agents WHERE NOT starts_with(session_id, $1)
     ORDER BY session_id COLLATE "C", agent_id COLLATE "C"`,
    [TELEMETRY_SESSION_PREFIX],
  );
  return rows.map((r) => ({ at: starts.get(r.session_id) ?? null, record: toAgentRecord(r) }));
}

async function spawnRecords(q: PgQueryable, starts: Map<string, number>): Promise<TimedRecord[]> {
  const rows = await q.query<SpawnDbRow>(
    `SELECT session_id, tool_use_id, agent_id, agent_type, task_id FROM agent_spawns
     ORDER BY session_id COLLATE "C", tool_use_id COLLATE "C"`,
  );
  return rows.map((r) => ({ at: starts.get(r.session_id) ?? null, record: toSpawnRecord(r) }));
}

async function taskRecords(q: PgQueryable): Promise<TimedRecord[]> {
  const rows = await q.query<TaskDbRow>(
    `SELECT ${TASK_COLUMNS} FROM tasks ORDER BY created_at, id COLLATE "C"`,
  );
  return rows.map((r) => ({ at: r.created_at, record: toTaskRecord(r) }));
}

async function spanRecords(q: PgQueryable): Promise<TimedRecord[]> {
  const rows = await q.query<SpanDbRow>(`SELECT ${SPAN_COLUMNS} FROM spans ORDER BY from_ts, id`);
  return rows.map((r) => ({ at: r.from_ts, record: toSpanRecord(r) }));
}

/** Every run (or those whose row id `keep` accepts) as a record. */
export async function runLedgerRecords(
  q: PgQueryable,
  keep?: (id: number) => boolean,
): Promise<RunLedgerRecord[]> {
  const rows = await runsIn(q, {});
  return (keep === undefined ? rows : rows.filter((r) => keep(r.id))).map(toRunRecord);
}

async function declaredRecords(q: PgQueryable): Promise<TimedRecord[]> {
  return (await declaredTasksIn(q, {})).map((t) => ({ at: t.ts, record: toDeclaredRecord(t) }));
}

async function errorRecords(q: PgQueryable): Promise<TimedRecord[]> {
  return (await telemetryErrorsIn(q, {})).map((e) => ({ at: e.at, record: toErrorRecord(e) }));
}

/** Call activity, budgets, their warnings and review proposals. */
async function keptRecords(q: PgQueryable): Promise<TimedRecord[]> {
  return [
    ...(await q.query<ActivityExportRow>(ACTIVITY_EXPORT_SQL)).map(activityTimedRecord),
    ...(await q.query<BudgetDbRow>(BUDGET_EXPORT_SQL)).map(budgetTimedRecord),
    ...(await q.query<BudgetWarningExportRow>(BUDGET_WARNING_EXPORT_SQL)).map(budgetWarningTimedRecord),
    ...(await q.query<ProposalDbRow>(PROPOSAL_EXPORT_SQL)).map(proposalTimedRecord),
  ];
}

/** The records, oldest first (inside the caller's snapshot transaction). */
export async function exportRecordsIn(q: PgQueryable, filter: RecordFilter): Promise<TimedRecord[]> {
  const starts = await sessionStarts(q);
  const rest: TimedRecord[] = [
    ...(await agentRecords(q, starts)),
    ...(await spawnRecords(q, starts)),
    ...(await taskRecords(q)),
    ...(await spanRecords(q)),
    ...(await runRecordsOf(q)),
    ...(await declaredRecords(q)),
    ...(await errorRecords(q)),
    ...(await keptRecords(q)),
  ];
  return timedExport(await usageRecords(q, filter), rest, filter);
}

async function runRecordsOf(q: PgQueryable): Promise<TimedRecord[]> {
  return (await runLedgerRecords(q)).map((record) => ({ at: record.startedAt, record }));
}
