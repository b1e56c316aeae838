/**
 * Writes of imported data: usage records (max-merge upsert), sources' cost checkpoints, agent facts,
 * problems and cursors, each file's writes in the caller's transaction.
 * @module
 */
import {
  type AgentFact,
  type CallActivity,
  type CostCheckpoint,
  type FileCursor,
  type IngestProblem,
  SPAWN_FACT_PRIORITY,
  type UsageRecord,
} from '../../capture/types.js';
import type { ImportRunStats } from '../ingest-state-repository.js';
import { taskKey, usageKey } from '../record-identity.js';
import type { FileWrite, ImportOrigin, WriteCounts } from '../usage-repository.js';
import { BUCKET_MS } from '../usage-sums.js';
import { writeCallActivities } from './call-activity-writes.js';
import { forgottenLookup } from './forgotten.js';
import { markDirty } from './rollup.js';
import { UPSERT_USAGE } from './sql.js';
import type { Statements } from './statements.js';

/** True once any attribution span or prompt-derived task exists: new rows then wait for the attribute step. */
export function attributionActive(s: Statements): boolean {
  return s.get("SELECT 1 FROM meta WHERE key = 'attribution' AND value = 'on'").get() !== undefined;
}

export function writeFiles(s: Statements, files: readonly FileWrite[], origin: ImportOrigin): WriteCounts {
  const now = Date.now();
  const upsert = s.get(UPSERT_USAGE);
  const buckets = new Set<number>();
  const sessions = new Set<string>();
  const counts: WriteCounts = { added: 0, forgotten: 0 };
  s.write(() => {
    const originId = originIdOf(s, origin);
    // Rows added by this write have ids above the largest before it (ids only grow while it holds the lock).
    const lastId = maxUsageId(s);
    const added = new Set<number>();
    const forgotten = forgottenLookup(s);
    const activities: CallActivity[] = [];
    // Rows wait for the attribute step once attribution is on; a spawn naming a task turns it on
    // mid-batch (agentFact), and the files after it must then wait too.
    let attributed = attributionActive(s) ? 0 : 1;
    for (const f of files) {
      if (f.cursor !== null) {
        if (f.fromStart) s.get('DELETE FROM problems WHERE file = ?').run(f.path);
        else s.get('DELETE FROM problems WHERE file = ? AND byte_offset = -1').run(f.path);
      }
      for (const r of f.records) {
        if (forgotten?.(usageKey(r.dedupKey))) {
          counts.forgotten++;
          continue;
        }
        // The merged row's timestamp (the earliest line's): its bucket is the one to refresh. No row
        // comes back when the merge changed nothing.
        const merged = upsert.get(...upsertParams(r, originId, attributed)) as
          | { ts: number; id: number }
          | undefined;
        if (merged === undefined) continue;
        buckets.add(Math.floor(merged.ts / BUCKET_MS));
        if (merged.id > lastId) added.add(merged.id);
      }
      for (const a of f.activities ?? []) if (!forgotten?.(usageKey(a.dedupKey))) activities.push(a);
      for (const c of f.costCheckpoints) costCheckpoint(s, c, now);
      for (const fact of f.agentFacts) {
        agentFact(s, forgottenTaskDropped(fact, forgotten));
        sessions.add(fact.sessionId);
        if (attributed === 1 && fact.taskId !== undefined && fact.taskId !== null) attributed = 0;
      }
      problems(s, f.problems, now);
      if (f.cursor !== null) cursor(s, f.cursor, f.fromStart ? f.readAt : null, now);
    }
    writeCallActivities(s, activities);
    resolveAgents(s, sessions);
    markDirty(s, buckets);
    counts.added = added.size;
  });
  return counts;
}

/** The largest usage row id, or 0. */
export function maxUsageId(s: Statements): number {
  return (s.get('SELECT max(id) AS id FROM usage').get() as { id: number | null }).id ?? 0;
}

/** A spawn fact without the task its prompt named, when the user forgot that task. */
function forgottenTaskDropped(fact: AgentFact, forgotten: ((key: string) => boolean) | null): AgentFact {
  if (forgotten === null || fact.taskId === undefined || fact.taskId === null) return fact;
  return forgotten(taskKey(fact.taskId)) ? { ...fact, taskId: null } : fact;
}

export function writeAgentFacts(
  s: Statements,
  facts: readonly AgentFact[],
  cursors: readonly FileCursor[],
): void {
  const now = Date.now();
  s.write(() => {
    const sessions = new Set<string>();
    for (const fact of facts) {
      agentFact(s, fact);
      sessions.add(fact.sessionId);
    }
    // Meta files are read whole: their cursors replace the old ones, and their old problems go (this
    // import's are written after).
    for (const c of cursors) {
      s.get('DELETE FROM problems WHERE file = ?').run(c.path);
      cursor(s, c, now, now);
    }
    resolveAgents(s, sessions);
  });
}

export function writeProblems(s: Statements, list: readonly IngestProblem[]): void {
  const now = Date.now();
  s.write(() => problems(s, list, now));
}

export function recordImportRun(
  s: Statements,
  startedAt: number,
  finishedAt: number,
  r: ImportRunStats,
): void {
  s.get(
    'INSERT INTO import_runs (started_at, finished_at, files_seen, files_read, bytes_read, records, problems) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(startedAt, finishedAt, r.filesSeen, r.filesRead, r.bytesRead, r.records, r.problems);
}

export function originIdOf(s: Statements, o: ImportOrigin): number {
  s.get('INSERT INTO origins (machine, user_name) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
    o.machine,
    o.user,
  );
  return (
    s.get('SELECT id FROM origins WHERE machine = ? AND user_name = ?').get(o.machine, o.user) as {
      id: number;
    }
  ).id;
}

/** A source's cost checkpoint: a later one in the same file wins; one from another file replaces it. */
function costCheckpoint(s: Statements, c: CostCheckpoint, now: number): void {
  s.get(
    `INSERT INTO cost_checkpoints (source, session_id, total_cost_usd, models, file, byte_offset, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (source, session_id) DO UPDATE SET total_cost_usd = excluded.total_cost_usd, models = excluded.models,
       file = excluded.file, byte_offset = excluded.byte_offset, updated_at = excluded.updated_at
     WHERE cost_checkpoints.file <> excluded.file OR excluded.byte_offset >= cost_checkpoints.byte_offset`,
  ).run(c.source, c.sessionId, c.totalCostUsd, JSON.stringify(c.models), c.file, c.offset, now);
}

function agentFact(s: Statements, f: AgentFact): void {
  if (f.agentId !== null && f.agentType !== null) {
    s.get(
      `INSERT INTO agents (session_id, agent_id, agent_type, priority) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, agent_id) DO UPDATE SET agent_type = excluded.agent_type, priority = excluded.priority
       WHERE excluded.priority < agents.priority`,
    ).run(f.sessionId, f.agentId, f.agentType, f.priority);
  }
  if (f.toolUseId !== null) {
    s.get(
      `INSERT INTO agent_spawns (session_id, tool_use_id, agent_id, agent_type, task_id) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_id, tool_use_id) DO UPDATE SET agent_id = coalesce(agent_spawns.agent_id, excluded.agent_id),
         agent_type = coalesce(agent_spawns.agent_type, excluded.agent_type),
         task_id = coalesce(agent_spawns.task_id, excluded.task_id)`,
    ).run(f.sessionId, f.toolUseId, f.agentId, f.agentType, f.taskId ?? null);
    if (f.taskId !== undefined && f.taskId !== null) {
      // A task named in a subagent's prompt: its usage needs attributing.
      s.get(
        "INSERT INTO meta (key, value) VALUES ('attribution', 'on') ON CONFLICT (key) DO UPDATE SET value = 'on'",
      ).run();
      s.get('UPDATE usage SET attributed = 0 WHERE session_id = ? AND sidechain = 1').run(f.sessionId);
    }
  }
}

/** Agent types known only through the spawning call become agent rows (the weakest priority). */
function resolveAgents(s: Statements, sessions: Set<string>): void {
  const stmt = s.get(
    `INSERT INTO agents (session_id, agent_id, agent_type, priority)
     SELECT session_id, agent_id, agent_type, ${SPAWN_FACT_PRIORITY} FROM agent_spawns
     WHERE session_id = ? AND agent_id IS NOT NULL AND agent_type IS NOT NULL
     ON CONFLICT (session_id, agent_id) DO NOTHING`,
  );
  for (const id of sessions) stmt.run(id);
}

function problems(s: Statements, list: readonly IngestProblem[], now: number): void {
  const stmt = s.get(
    `INSERT INTO problems (file, line, byte_offset, severity, reason, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (file, byte_offset, reason) DO UPDATE SET last_seen = excluded.last_seen, line = excluded.line`,
  );
  for (const p of list) stmt.run(p.file, p.line, p.offset ?? -1, p.severity, p.reason, now, now);
}

/**
 * Saves a file's cursor. Two processes may import the same file at once: a cursor never moves
 * backwards on the same content. A read from the start (`fromStartAt`: when it began) replaces the
 * cursor, because the file was new, truncated or rewritten, unless another process saved one after
 * that read began (it has seen at least as much).
 */
function cursor(s: Statements, c: FileCursor, fromStartAt: number | null, now: number): void {
  s.get(
    `INSERT INTO files (path, identity, size, mtime_ms, read_offset, head_hash, head_length, tail_hash, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (path) DO UPDATE SET identity = excluded.identity, size = excluded.size, mtime_ms = excluded.mtime_ms,
       read_offset = excluded.read_offset, head_hash = excluded.head_hash, head_length = excluded.head_length,
       tail_hash = excluded.tail_hash, updated_at = excluded.updated_at
     WHERE (? AND files.updated_at <= ?) OR NOT (files.identity = excluded.identity AND files.head_hash = excluded.head_hash
       AND files.head_length = excluded.head_length AND files.read_offset > excluded.read_offset)`,
  ).run(
    c.path,
    c.identity,
    c.size,
    c.mtimeMs,
    c.offset,
    c.headHash,
    c.headLength,
    c.tailHash,
    now,
    fromStartAt === null ? 0 : 1,
    fromStartAt ?? 0,
  );
}

/** The parameters of {@link UPSERT_USAGE} for one record. */
export function upsertParams(
  r: UsageRecord,
  originId: number,
  attributed: number,
): (string | number | null)[] {
  return [
    r.dedupKey,
    r.source,
    r.ts,
    r.sessionId,
    r.agentId,
    r.sidechain ? 1 : 0,
    r.model,
    r.input,
    r.output,
    r.cacheWrite,
    r.cacheWrite1h,
    r.cacheRead,
    r.webSearch,
    r.outputFinal ? 1 : 0,
    r.speed,
    r.geo,
    r.reportedCost,
    r.project,
    r.gitBranch,
    r.agentVersion,
    originId,
    attributed,
  ];
}
