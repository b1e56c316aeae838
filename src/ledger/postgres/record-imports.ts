/**
 * Writes plain records into the PostgreSQL ledger (`importRecords`, for `tokenledger import-jsonl`),
 * in batches of one transaction each, by the per-type rules of `LedgerStore.importRecords` (the twin
 * of `ledger/sqlite/record-imports.ts`). Every rule is a merge (or, for tasks and telemetry errors, a
 * replace by the caller's chosen version), so writing the same records again changes nothing.
 * @module
 */
import {
  type ActivityLedgerRecord,
  type ImportableRecord,
  RECORD_TYPES,
  type SpanLedgerRecord,
  type UsageLedgerRecord,
} from '../ledger-records.js';
import { type SpanDbRow, toSpanRecord } from '../ledger-rows.js';
import { canonicalJson, recordKey } from '../record-identity.js';
import type { PgDb, PgQueryable } from './connection.js';
import { writeActivities, writeKeptRecord } from './kept-record-imports.js';
import { runLedgerRecords } from './record-exports.js';
import { importUsageRecords } from './record-usage-imports.js';
import { refreshRollup } from './rollup.js';
import { insertRun } from './runs.js';
import { attributionOn, lockAttribution, markCovered, SPAN_COLUMNS, shareAttributionLock } from './spans.js';
import { TASK_COLUMNS } from './tasks.js';
import { originIdOf } from './usage-writes.js';

/** Records per transaction: short transactions while hooks write too. */
const BATCH = 2000;

const RANK = new Map<string, number>(RECORD_TYPES.map((t, i) => [t, i]));

function labelsText(labels: Record<string, string> | null): string | null {
  return labels === null || Object.keys(labels).length === 0 ? null : canonicalJson(labels);
}

interface KnownSpan {
  id: number;
  toTs: number | null;
  createdAt: number;
}

/** What one import knows beyond the current batch: origins, and the spans and runs by content. */
class ImportState {
  readonly origins = new Map<string, number>();
  #spans: Map<string, KnownSpan> | undefined;
  #runs: Set<string> | undefined;

  async originId(q: PgQueryable, machine: string, user: string): Promise<number> {
    const key = JSON.stringify([machine, user]);
    let id = this.origins.get(key);
    if (id === undefined) {
      id = await originIdOf(q, { machine, user });
      this.origins.set(key, id);
    }
    return id;
  }

  async spans(q: PgQueryable): Promise<Map<string, KnownSpan>> {
    if (this.#spans === undefined) {
      const rows = await q.query<SpanDbRow>(`SELECT ${SPAN_COLUMNS} FROM spans`);
      this.#spans = new Map(
        rows.map((r) => [recordKey(toSpanRecord(r)), { id: r.id, toTs: r.to_ts, createdAt: r.created_at }]),
      );
    }
    return this.#spans;
  }

  async runs(q: PgQueryable): Promise<Set<string>> {
    if (this.#runs === undefined) this.#runs = new Set((await runLedgerRecords(q)).map(recordKey));
    return this.#runs;
  }
}

async function writeSpan(q: PgQueryable, st: ImportState, r: SpanLedgerRecord): Promise<boolean> {
  const known = await st.spans(q);
  const key = recordKey(r);
  const old = known.get(key);
  const covered = { scope: r.scope, session_id: r.sessionId, project: r.project };
  if (old === undefined) {
    await attributionOn(q);
    const rows = await q.query<{ id: number }>(
      `INSERT INTO spans (scope, session_id, agent_id, project, from_ts, to_ts, task_id, stage, labels, source, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        r.scope,
        r.sessionId,
        r.agentId,
        r.project,
        r.fromTs,
        r.toTs,
        r.taskId,
        r.stage,
        labelsText(r.labels),
        r.source,
        r.createdAt,
      ],
    );
    known.set(key, { id: Number(rows[0]?.id), toTs: r.toTs, createdAt: r.createdAt });
    await markCovered(q, { ...covered, from_ts: r.fromTs });
    return true;
  }
  // A span ends once: the earliest known end, and the earliest creation, win.
  const toTs = old.toTs === null ? r.toTs : r.toTs === null ? old.toTs : Math.min(old.toTs, r.toTs);
  const createdAt = Math.min(old.createdAt, r.createdAt);
  if (toTs === old.toTs && createdAt === old.createdAt) return false;
  await q.query('UPDATE spans SET to_ts = $1, created_at = $2 WHERE id = $3', [toTs, createdAt, old.id]);
  known.set(key, { id: old.id, toTs, createdAt });
  if (toTs !== old.toTs && toTs !== null) await markCovered(q, { ...covered, from_ts: toTs });
  return true;
}

async function changes(q: PgQueryable, sql: string, params: unknown[]): Promise<boolean> {
  return (await q.query(`${sql} RETURNING 1`, params)).length > 0;
}

/** A record other than usage and activity (written in bulk, record-usage-imports.ts, kept-record-imports.ts). */
type OtherRecord = Exclude<ImportableRecord, UsageLedgerRecord | ActivityLedgerRecord>;

async function writeRecord(q: PgQueryable, st: ImportState, r: OtherRecord): Promise<boolean> {
  switch (r.type) {
    case 'agent':
      return changes(
        q,
        `INSERT INTO agents (session_id, agent_id, agent_type, priority) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_id, agent_id) DO UPDATE SET agent_type = excluded.agent_type, priority = excluded.priority
         WHERE excluded.priority < agents.priority
           OR (excluded.priority = agents.priority AND excluded.agent_type COLLATE "C" < agents.agent_type COLLATE "C")`,
        [r.sessionId, r.agentId, r.agentType, r.priority],
      );
    case 'spawn': {
      const changed = await changes(
        q,
        `INSERT INTO agent_spawns (session_id, tool_use_id, agent_id, agent_type, task_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (session_id, tool_use_id) DO UPDATE SET agent_id = coalesce(agent_spawns.agent_id, excluded.agent_id),
           agent_type = coalesce(agent_spawns.agent_type, excluded.agent_type),
           task_id = coalesce(agent_spawns.task_id, excluded.task_id)
         WHERE (agent_spawns.agent_id IS NULL AND excluded.agent_id IS NOT NULL)
           OR (agent_spawns.agent_type IS NULL AND excluded.agent_type IS NOT NULL)
           OR (agent_spawns.task_id IS NULL AND excluded.task_id IS NOT NULL)`,
        [r.sessionId, r.toolUseId, r.agentId, r.agentType, r.taskId],
      );
      if (changed && r.taskId !== null) {
        // A task named in a subagent's prompt: the session's subagent usage needs attributing.
        await attributionOn(q);
        await q.query('UPDATE usage SET attributed = 0 WHERE session_id = $1 AND sidechain = 1', [
          r.sessionId,
        ]);
      }
      return changed;
    }
    case 'task':
      return changes(
        q,
        `INSERT INTO tasks (${TASK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, parent_id = excluded.parent_id, status = excluded.status,
           estimate_tokens = excluded.estimate_tokens, estimate_usd = excluded.estimate_usd, labels = excluded.labels,
           stage = excluded.stage, project = excluded.project, created_at = excluded.created_at,
           started_at = excluded.started_at, ended_at = excluded.ended_at`,
        [
          r.id,
          r.title,
          r.parentId,
          r.status,
          r.estimateTokens,
          r.estimateUsd,
          labelsText(r.labels),
          r.stage,
          r.project,
          r.createdAt,
          r.startedAt,
          r.endedAt,
        ],
      );
    case 'span':
      return writeSpan(q, st, r);
    case 'run': {
      const known = await st.runs(q);
      const key = recordKey(r);
      if (known.has(key)) return false;
      const { type: _type, ...run } = r;
      await insertRun(q, run);
      known.add(key);
      return true;
    }
    case 'telemetry_error':
      return changes(
        q,
        `INSERT INTO telemetry_errors (key, at, task_id, field, kind, problem, resolution, resolved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (key) DO UPDATE SET at = excluded.at, task_id = excluded.task_id, field = excluded.field,
           kind = excluded.kind, problem = excluded.problem, resolution = excluded.resolution,
           resolved_at = excluded.resolved_at`,
        [r.key, r.at, r.taskId, r.field, r.kind, r.problem, r.resolution, r.resolvedAt],
      );
    default:
      return writeKeptRecord(q, r);
  }
}

export async function importRecords(db: PgDb, records: readonly ImportableRecord[]): Promise<number> {
  const sorted = [...records].sort((a, b) => (RANK.get(a.type) ?? 0) - (RANK.get(b.type) ?? 0));
  let changed = 0;
  // The rollup is refreshed after each batch, so a long import keeps the dirty lists short.
  await refreshRollup(db);
  for (let i = 0; i < sorted.length; i += BATCH) {
    const batch = sorted.slice(i, i + BATCH);
    const usage = batch.filter((r): r is UsageLedgerRecord => r.type === 'usage');
    const activity = batch.filter((r): r is ActivityLedgerRecord => r.type === 'activity');
    const others = batch.filter((r): r is OtherRecord => r.type !== 'usage' && r.type !== 'activity');
    changed += await db.transaction(async (q) => {
      // Known per attempt: a transaction that lost a race runs again from a clean state.
      const st = new ImportState();
      // Spans and spawn tasks mark usage for the attribute step: they hold the attribution lock
      // (exclusively when they may turn attribution on, see spans.ts), like every other marker.
      if (others.some((r) => r.type === 'span' || r.type === 'spawn')) await lockAttribution(q);
      else await shareAttributionLock(q);
      let n = 0;
      for (const r of others) if (await writeRecord(q, st, r)) n += 1;
      n += await writeActivities(q, activity);
      // Usage comes after every other type (RECORD_TYPES), so writing it last keeps the order.
      n += await importUsageRecords(q, usage, (machine, user) => st.originId(q, machine, user));
      return n;
    });
    await refreshRollup(db);
  }
  return changed;
}
