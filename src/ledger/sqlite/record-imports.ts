/**
 * Writes plain records into the SQLite ledger (`importRecords`, for `tokenledger import-jsonl`), in
 * batches of one transaction each, by the per-type rules of `LedgerStore.importRecords`. Every rule
 * is a merge (or, for tasks and telemetry errors, a replace by the caller's chosen version), so
 * writing the same records again changes nothing.
 * @module
 */
import { type ImportableRecord, RECORD_TYPES, type SpanLedgerRecord } from '../ledger-records.js';
import type { SpanDbRow } from '../ledger-rows.js';
import { toSpanRecord } from '../ledger-rows.js';
import { canonicalJson, recordKey } from '../record-identity.js';
import { BUCKET_MS } from '../usage-sums.js';
import { runLedgerRecords } from './jsonl-records.js';
import { writeKeptRecord } from './kept-record-imports.js';
import { markDirty, refreshRollup } from './rollup.js';
import { UPSERT_USAGE } from './sql.js';
import type { Statements } from './statements.js';
import { recordRun } from './tasks.js';
import { originIdOf, upsertParams } from './usage-writes.js';

/** Records per transaction: short write locks while hooks write too. */
const BATCH = 2000;

const RANK = new Map<string, number>(RECORD_TYPES.map((t, i) => [t, i]));

function labelsText(labels: Record<string, string> | null): string | null {
  return labels === null || Object.keys(labels).length === 0 ? null : canonicalJson(labels);
}

/** What one import knows beyond the current batch: origins, and the spans and runs by content. */
class ImportState {
  readonly origins = new Map<string, number>();
  readonly buckets = new Set<number>();
  #spans: Map<string, { id: number; toTs: number | null; createdAt: number }> | undefined;
  #runs: Set<string> | undefined;

  constructor(readonly s: Statements) {}

  originId(machine: string, user: string): number {
    const key = JSON.stringify([machine, user]);
    let id = this.origins.get(key);
    if (id === undefined) {
      id = originIdOf(this.s, { machine, user });
      this.origins.set(key, id);
    }
    return id;
  }

  spans(): Map<string, { id: number; toTs: number | null; createdAt: number }> {
    if (this.#spans === undefined) {
      const rows = this.s.get('SELECT * FROM spans').all() as SpanDbRow[];
      this.#spans = new Map(
        rows.map((r) => [recordKey(toSpanRecord(r)), { id: r.id, toTs: r.to_ts, createdAt: r.created_at }]),
      );
    }
    return this.#spans;
  }

  runs(): Set<string> {
    if (this.#runs === undefined) {
      this.#runs = new Set(runLedgerRecords(this.s).map(recordKey));
    }
    return this.#runs;
  }
}

function attributionOn(s: Statements): void {
  s.get(
    "INSERT INTO meta (key, value) VALUES ('attribution', 'on') ON CONFLICT (key) DO UPDATE SET value = 'on'",
  ).run();
}

/** Marks the usage a span covers from `fromTs` on for the attribute step (as `openSpan` does). */
function markCovered(s: Statements, span: SpanLedgerRecord, fromTs: number): void {
  if (span.scope === 'project' && span.project !== null) {
    s.get(
      `UPDATE usage SET attributed = 0 WHERE ts >= ? AND attributed = 1
         AND (project = ? OR substr(project, 1, length(?) + 1) = ? || '/')`,
    ).run(fromTs, span.project, span.project, span.project);
  } else if (span.sessionId !== null) {
    s.get('UPDATE usage SET attributed = 0 WHERE session_id = ? AND ts >= ? AND attributed = 1').run(
      span.sessionId,
      fromTs,
    );
  }
}

function writeSpan(st: ImportState, r: SpanLedgerRecord): boolean {
  const s = st.s;
  const key = recordKey(r);
  const old = st.spans().get(key);
  if (old === undefined) {
    attributionOn(s);
    const res = s
      .get(
        `INSERT INTO spans (scope, session_id, agent_id, project, from_ts, to_ts, task_id, stage, labels, source, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
      );
    st.spans().set(key, { id: Number(res.lastInsertRowid), toTs: r.toTs, createdAt: r.createdAt });
    markCovered(s, r, r.fromTs);
    return true;
  }
  // A span ends once: the earliest known end, and the earliest creation, win.
  const toTs = old.toTs === null ? r.toTs : r.toTs === null ? old.toTs : Math.min(old.toTs, r.toTs);
  const createdAt = Math.min(old.createdAt, r.createdAt);
  if (toTs === old.toTs && createdAt === old.createdAt) return false;
  s.get('UPDATE spans SET to_ts = ?, created_at = ? WHERE id = ?').run(toTs, createdAt, old.id);
  st.spans().set(key, { id: old.id, toTs, createdAt });
  if (toTs !== old.toTs && toTs !== null) markCovered(s, r, toTs);
  return true;
}

function writeUsage(st: ImportState, r: Extract<ImportableRecord, { type: 'usage' }>): boolean {
  const s = st.s;
  const merged = s.get(UPSERT_USAGE).get(...upsertParams(r, st.originId(r.machine, r.user), 1)) as
    | { ts: number }
    | undefined;
  if (merged !== undefined) st.buckets.add(Math.floor(merged.ts / BUCKET_MS));
  const labels = labelsText(r.labels);
  const attributed = s
    .get(
      `UPDATE usage SET task_id = ?, stage = ?, labels = ?
       WHERE dedup_key = ? AND (task_id IS NOT ? OR stage IS NOT ? OR labels IS NOT ?)`,
    )
    .run(r.taskId, r.stage, labels, r.dedupKey, r.taskId, r.stage, labels);
  return merged !== undefined || attributed.changes > 0;
}

function writeRecord(st: ImportState, r: ImportableRecord): boolean {
  const s = st.s;
  switch (r.type) {
    case 'usage':
      return writeUsage(st, r);
    case 'agent':
      return (
        s
          .get(
            `INSERT INTO agents (session_id, agent_id, agent_type, priority) VALUES (?, ?, ?, ?)
             ON CONFLICT (session_id, agent_id) DO UPDATE SET agent_type = excluded.agent_type, priority = excluded.priority
             WHERE excluded.priority < agents.priority
               OR (excluded.priority = agents.priority AND excluded.agent_type < agents.agent_type)`,
          )
          .run(r.sessionId, r.agentId, r.agentType, r.priority).changes > 0
      );
    case 'spawn': {
      const changed =
        s
          .get(
            `INSERT INTO agent_spawns (session_id, tool_use_id, agent_id, agent_type, task_id) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (session_id, tool_use_id) DO UPDATE SET agent_id = coalesce(agent_spawns.agent_id, excluded.agent_id),
               agent_type = coalesce(agent_spawns.agent_type, excluded.agent_type),
               task_id = coalesce(agent_spawns.task_id, excluded.task_id)
             WHERE (agent_spawns.agent_id IS NULL AND excluded.agent_id IS NOT NULL)
               OR (agent_spawns.agent_type IS NULL AND excluded.agent_type IS NOT NULL)
               OR (agent_spawns.task_id IS NULL AND excluded.task_id IS NOT NULL)`,
          )
          .run(r.sessionId, r.toolUseId, r.agentId, r.agentType, r.taskId).changes > 0;
      if (changed && r.taskId !== null) {
        // A task named in a subagent's prompt: the session's subagent usage needs attributing.
        attributionOn(s);
        s.get('UPDATE usage SET attributed = 0 WHERE session_id = ? AND sidechain = 1').run(r.sessionId);
      }
      return changed;
    }
    case 'task':
      return (
        s
          .get(
            `INSERT INTO tasks (id, title, parent_id, status, estimate_tokens, estimate_usd, labels, stage, project,
               created_at, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET title = excluded.title, parent_id = excluded.parent_id, status = excluded.status,
               estimate_tokens = excluded.estimate_tokens, estimate_usd = excluded.estimate_usd, labels = excluded.labels,
               stage = excluded.stage, project = excluded.project, created_at = excluded.created_at,
               started_at = excluded.started_at, ended_at = excluded.ended_at`,
          )
          .run(
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
          ).changes > 0
      );
    case 'span':
      return writeSpan(st, r);
    case 'run': {
      const key = recordKey(r);
      if (st.runs().has(key)) return false;
      const { type: _type, ...run } = r;
      recordRun(s, run);
      st.runs().add(key);
      return true;
    }
    case 'telemetry_error':
      return (
        s
          .get(
            `INSERT INTO telemetry_errors (key, at, task_id, field, kind, problem, resolution, resolved_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (key) DO UPDATE SET at = excluded.at, task_id = excluded.task_id, field = excluded.field,
               kind = excluded.kind, problem = excluded.problem, resolution = excluded.resolution,
               resolved_at = excluded.resolved_at`,
          )
          .run(r.key, r.at, r.taskId, r.field, r.kind, r.problem, r.resolution, r.resolvedAt).changes > 0
      );
    default:
      return writeKeptRecord(s, r);
  }
}

export function importRecords(s: Statements, records: readonly ImportableRecord[]): number {
  const sorted = [...records].sort((a, b) => (RANK.get(a.type) ?? 0) - (RANK.get(b.type) ?? 0));
  const st = new ImportState(s);
  let changed = 0;
  // The rollup is refreshed after each batch, so a long import keeps the dirty lists short.
  refreshRollup(s);
  for (let i = 0; i < sorted.length; i += BATCH) {
    const batch = sorted.slice(i, i + BATCH);
    s.write(() => {
      for (const r of batch) if (writeRecord(st, r)) changed += 1;
      markDirty(s, st.buckets);
    });
    st.buckets.clear();
    refreshRollup(s);
  }
  return changed;
}
