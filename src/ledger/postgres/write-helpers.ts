/**
 * Multi-row upserts of import state in the PostgreSQL ledger: cost-state totals, agents and spawns,
 * problems and cursors. Each first merges the batch's rows for one key with the same rule the upsert
 * applies (a multi-row upsert may touch a row only once), then writes them in key order.
 * @module
 */
import type {
  AgentFact,
  CallActivity,
  CostCheckpoint,
  FileCursor,
  IngestProblem,
} from '../../capture/types.js';
import type { PgQueryable } from './connection.js';

function byKey<T>(key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** Column arrays of `rows` for unnest(). */
function columns<T>(rows: readonly T[], ...get: ((r: T) => unknown)[]): unknown[][] {
  return get.map((g) => rows.map(g));
}

/** Drops the problems of files read again: all of them (from the start), or only the whole-file ones. */
export async function deleteProblemsOf(
  tx: PgQueryable,
  fromStart: readonly string[],
  appended: readonly string[],
): Promise<void> {
  if (fromStart.length === 0 && appended.length === 0) return;
  await tx.query(
    'DELETE FROM problems WHERE file = ANY($1::text[]) OR (file = ANY($2::text[]) AND byte_offset = -1)',
    [[...fromStart], [...appended]],
  );
}

/** A later checkpoint of the same file wins; another file's replaces it. */
function checkpointWins(have: CostCheckpoint, next: CostCheckpoint): boolean {
  return have.file !== next.file || next.offset >= have.offset;
}

/** Sources' cost checkpoints, the latest per source and session. */
export async function costCheckpoints(
  tx: PgQueryable,
  list: readonly CostCheckpoint[],
  now: number,
): Promise<void> {
  if (list.length === 0) return;
  const latest = new Map<string, CostCheckpoint>();
  for (const c of list) {
    const key = JSON.stringify([c.source, c.sessionId]);
    const have = latest.get(key);
    if (have === undefined || checkpointWins(have, c)) latest.set(key, c);
  }
  const rows = [...latest.values()].sort(byKey((c) => JSON.stringify([c.source, c.sessionId])));
  await tx.query(
    `INSERT INTO cost_checkpoints AS c (source, session_id, total_cost_usd, models, file, byte_offset, updated_at)
     SELECT s.*, $7::bigint FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::text[], $6::bigint[]) AS s
     ON CONFLICT (source, session_id) DO UPDATE SET total_cost_usd = EXCLUDED.total_cost_usd, models = EXCLUDED.models,
       file = EXCLUDED.file, byte_offset = EXCLUDED.byte_offset, updated_at = EXCLUDED.updated_at
     WHERE c.file <> EXCLUDED.file OR EXCLUDED.byte_offset >= c.byte_offset`,
    [
      ...columns(
        rows,
        (c) => c.source,
        (c) => c.sessionId,
        (c) => c.totalCostUsd,
        (c) => JSON.stringify(c.models),
        (c) => c.file,
        (c) => c.offset,
      ),
      now,
    ],
  );
}

/** Agent types: the lowest priority wins (the first on a tie). */
export async function agents(tx: PgQueryable, facts: readonly AgentFact[]): Promise<void> {
  const best = new Map<string, AgentFact>();
  for (const f of facts) {
    if (f.agentId === null || f.agentType === null) continue;
    const key = `${f.sessionId}\u0000${f.agentId}`;
    const have = best.get(key);
    if (have === undefined || f.priority < have.priority) best.set(key, f);
  }
  if (best.size === 0) return;
  const rows = [...best.entries()].sort(byKey(([k]) => k)).map(([, f]) => f);
  await tx.query(
    `INSERT INTO agents AS a (session_id, agent_id, agent_type, priority)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
     ON CONFLICT (session_id, agent_id) DO UPDATE SET agent_type = EXCLUDED.agent_type, priority = EXCLUDED.priority
     WHERE EXCLUDED.priority < a.priority`,
    columns(
      rows,
      (f) => f.sessionId,
      (f) => f.agentId,
      (f) => f.agentType,
      (f) => f.priority,
    ),
  );
}

interface Spawn {
  sessionId: string;
  toolUseId: string;
  agentId: string | null;
  agentType: string | null;
  taskId: string | null;
}

/** Spawning tool_uses: each field keeps the first value known. */
export async function spawns(tx: PgQueryable, facts: readonly AgentFact[]): Promise<void> {
  const merged = new Map<string, Spawn>();
  for (const f of facts) {
    if (f.toolUseId === null) continue;
    const key = `${f.sessionId}\u0000${f.toolUseId}`;
    const have = merged.get(key);
    if (have === undefined)
      merged.set(key, {
        sessionId: f.sessionId,
        toolUseId: f.toolUseId,
        agentId: f.agentId,
        agentType: f.agentType,
        taskId: f.taskId ?? null,
      });
    else {
      have.agentId ??= f.agentId;
      have.agentType ??= f.agentType;
      have.taskId ??= f.taskId ?? null;
    }
  }
  if (merged.size === 0) return;
  const rows = [...merged.entries()].sort(byKey(([k]) => k)).map(([, s]) => s);
  await tx.query(
    `INSERT INTO agent_spawns AS s (session_id, tool_use_id, agent_id, agent_type, task_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (session_id, tool_use_id) DO UPDATE SET agent_id = coalesce(s.agent_id, EXCLUDED.agent_id),
       agent_type = coalesce(s.agent_type, EXCLUDED.agent_type), task_id = coalesce(s.task_id, EXCLUDED.task_id)
     WHERE (s.agent_id IS NULL AND EXCLUDED.agent_id IS NOT NULL)
       OR (s.agent_type IS NULL AND EXCLUDED.agent_type IS NOT NULL)
       OR (s.task_id IS NULL AND EXCLUDED.task_id IS NOT NULL)`,
    columns(
      rows,
      (s) => s.sessionId,
      (s) => s.toolUseId,
      (s) => s.agentId,
      (s) => s.agentType,
      (s) => s.taskId,
    ),
  );
}

/** Problems, unique by file, offset (-1: the whole file) and reason; a repeat updates its line and time. */
export async function problems(tx: PgQueryable, list: readonly IngestProblem[], now: number): Promise<void> {
  if (list.length === 0) return;
  const latest = new Map<string, IngestProblem>();
  for (const p of list) latest.set(`${p.file}\u0000${p.offset ?? -1}\u0000${p.reason}`, p);
  const rows = [...latest.entries()].sort(byKey(([k]) => k)).map(([, p]) => p);
  await tx.query(
    `INSERT INTO problems (file, line, byte_offset, severity, reason, first_seen, last_seen)
     SELECT s.*, $6::bigint, $6::bigint FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS s
     ON CONFLICT (file, byte_offset, reason) DO UPDATE SET last_seen = EXCLUDED.last_seen, line = EXCLUDED.line`,
    [
      ...columns(
        rows,
        (p) => p.file,
        (p) => p.line,
        (p) => p.offset ?? -1,
        (p) => p.severity,
        (p) => p.reason,
      ),
      now,
    ],
  );
}

/** A cursor to save; `fromStartAt`: when a read from the start began, else null. */
export interface CursorWrite {
  cursor: FileCursor;
  fromStartAt: number | null;
}

const UPSERT_CURSORS = `
INSERT INTO files AS f (path, identity, size, mtime_ms, read_offset, head_hash, head_length, tail_hash, updated_at)
SELECT path, identity, size, mtime_ms, read_offset, head_hash, head_length, tail_hash, $10::bigint
FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::bigint[], $6::text[], $7::bigint[], $8::text[], $9::bigint[])
  AS s (path, identity, size, mtime_ms, read_offset, head_hash, head_length, tail_hash, from_start_at)
ON CONFLICT (path) DO UPDATE SET identity = EXCLUDED.identity, size = EXCLUDED.size, mtime_ms = EXCLUDED.mtime_ms,
  read_offset = EXCLUDED.read_offset, head_hash = EXCLUDED.head_hash, head_length = EXCLUDED.head_length,
  tail_hash = EXCLUDED.tail_hash, updated_at = EXCLUDED.updated_at
WHERE f.updated_at <= (SELECT x.at FROM unnest($1::text[], $9::bigint[]) AS x (path, at) WHERE x.path = EXCLUDED.path LIMIT 1)
  OR NOT (f.identity = EXCLUDED.identity AND f.head_hash = EXCLUDED.head_hash
    AND f.head_length = EXCLUDED.head_length AND f.read_offset > EXCLUDED.read_offset)`;

/**
 * Saves files' cursors. Two processes may import the same file at once: a cursor never moves
 * backwards on the same content. A read from the start replaces the cursor (the file was new,
 * truncated or rewritten), unless another process saved one after that read began.
 */
export async function cursors(tx: PgQueryable, list: readonly CursorWrite[], now: number): Promise<void> {
  // A path twice in one batch: the later write goes in a second round, as a second statement would.
  let rest = [...list];
  while (rest.length > 0) {
    const round = new Map<string, CursorWrite>();
    const later: CursorWrite[] = [];
    for (const w of rest) {
      if (round.has(w.cursor.path)) later.push(w);
      else round.set(w.cursor.path, w);
    }
    const rows = [...round.values()].sort(byKey((w) => w.cursor.path));
    await tx.query(UPSERT_CURSORS, [
      ...columns(
        rows,
        (w) => w.cursor.path,
        (w) => w.cursor.identity,
        (w) => w.cursor.size,
        (w) => w.cursor.mtimeMs,
        (w) => w.cursor.offset,
        (w) => w.cursor.headHash,
        (w) => w.cursor.headLength,
        (w) => w.cursor.tailHash,
        (w) => w.fromStartAt,
      ),
      now,
    ]);
    rest = later;
  }
}

/**
 * What calls asked tools to do, one row per call and tool use id (the same tool use read twice is the
 * same row), in key order; a row already there is kept. A call's "no tool" row is kept only while it
 * has no other, so the table is the same whatever the order in which a response's lines were read.
 * Returns how many rows were new.
 */
export async function callActivities(tx: PgQueryable, list: readonly CallActivity[]): Promise<number> {
  if (list.length === 0) return 0;
  const withTools = new Set(list.filter((a) => a.toolUseId !== '').map((a) => a.dedupKey));
  const unique = new Map<string, CallActivity>();
  for (const a of list)
    if (a.toolUseId !== '' || !withTools.has(a.dedupKey))
      unique.set(JSON.stringify([a.dedupKey, a.toolUseId]), a);
  const rows = [...unique.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((e) => e[1]);
  const added = await tx.query(
    `INSERT INTO call_activity (dedup_key, tool_use_id, tool, mcp_server, skill, agent_type, file, file_op)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       AS s (dedup_key, tool_use_id, tool, mcp_server, skill, agent_type, file, file_op)
     WHERE s.tool_use_id <> '' OR NOT EXISTS (SELECT 1 FROM call_activity c WHERE c.dedup_key = s.dedup_key)
     ON CONFLICT DO NOTHING RETURNING 1`,
    columns(
      rows,
      (a) => a.dedupKey,
      (a) => a.toolUseId,
      (a) => a.tool,
      (a) => a.mcpServer,
      (a) => a.skill,
      (a) => a.agentType,
      (a) => a.file,
      (a) => a.fileOp,
    ),
  );
  if (withTools.size > 0)
    await tx.query("DELETE FROM call_activity WHERE tool_use_id = '' AND dedup_key = ANY($1::text[])", [
      [...withTools].sort(),
    ]);
  return added.length;
}
