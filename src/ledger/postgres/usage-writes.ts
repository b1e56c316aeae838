/**
 * Writes of imported data in the PostgreSQL ledger: usage records (the max-merge upsert, in bulk),
 * `cost-state` totals, agent facts, problems and cursors, each batch in one transaction.
 *
 * A batch's rows are first merged among themselves with the ledger's own rule (the rule is
 * associative, so merging early changes nothing), then written with one multi-row upsert per table,
 * in key order (sorted here; an insert keeps the order of its arrays): concurrent writers then lock
 * rows in the same order and rarely deadlock (a transaction that does is run again, see
 * connection.ts).
 *
 * Writers hold the attribution lock (LOCKS.attribution) shared while they read whether attribution is
 * on and write rows: whoever turns it on (a span, a spawn naming a task) takes it exclusively, so no
 * row is written as attributed after the switch without the attribute step seeing it.
 * @module
 */
import type { AgentFact, FileCursor, IngestProblem, UsageRecord } from '../../capture/types.js';
import type { ImportRunStats } from '../ingest-state-repository.js';
import { taskKey, usageKey } from '../record-identity.js';
import type { FileWrite, ImportOrigin, WriteCounts } from '../usage-repository.js';
import { type BinaryElement, binaryArray } from './binary-array.js';
import type { PgDb, PgQueryable } from './connection.js';
import { forgottenAmong } from './forgotten.js';
import { lockAttribution, shareAttributionLock } from './spans.js';
import { USAGE_MAX_MERGE } from './sql.js';
import {
  agents,
  callActivities,
  costCheckpoints,
  cursors,
  deleteProblemsOf,
  problems,
  spawns,
} from './write-helpers.js';

/**
 * Takes the attribution lock for the rest of the transaction (see the module's comment): shared, or
 * exclusive when the write may turn attribution on (a spawn naming a task), as a span does.
 */
export async function takeAttributionLock(tx: PgQueryable, facts: readonly AgentFact[]): Promise<void> {
  const switches = facts.some((f) => f.toolUseId !== null && f.taskId != null);
  if (switches) await lockAttribution(tx);
  else await shareAttributionLock(tx);
}

/** True once any attribution span or prompt-derived task exists: new rows then wait for the attribute step. */
export async function attributionActive(db: PgQueryable): Promise<boolean> {
  const rows = await db.query("SELECT 1 FROM meta WHERE key = 'attribution' AND value = 'on'");
  return rows.length > 0;
}

/** The id of an origin (machine and user), created if new. */
export async function originIdOf(db: PgQueryable, o: ImportOrigin): Promise<number> {
  const sql = 'SELECT id FROM origins WHERE machine = $1 AND user_name = $2';
  const [have] = await db.query<{ id: number }>(sql, [o.machine, o.user]);
  if (have !== undefined) return have.id;
  await db.query('INSERT INTO origins (machine, user_name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    o.machine,
    o.user,
  ]);
  const [row] = await db.query<{ id: number }>(sql, [o.machine, o.user]);
  if (row === undefined) throw new Error(`origin ${o.machine}/${o.user} vanished while it was written`);
  return row.id;
}

/** A record waiting to be written, with whether it waits for the attribute step (0) or not (1). */
interface Pending {
  r: UsageRecord;
  attributed: number;
}

/** Merges `b` into `a` with the ledger's rule: maxima, the earliest time, the first value known. */
function mergeInto(a: Pending, b: Pending): void {
  const x = a.r;
  const y = b.r;
  a.r = {
    ...x,
    input: Math.max(x.input, y.input),
    output: Math.max(x.output, y.output),
    cacheWrite: Math.max(x.cacheWrite, y.cacheWrite),
    cacheWrite1h: Math.max(x.cacheWrite1h, y.cacheWrite1h),
    cacheRead: Math.max(x.cacheRead, y.cacheRead),
    webSearch: Math.max(x.webSearch, y.webSearch),
    outputFinal: x.outputFinal || y.outputFinal,
    ts: Math.min(x.ts, y.ts),
    reportedCost:
      y.reportedCost !== null && (x.reportedCost === null || y.reportedCost > x.reportedCost)
        ? y.reportedCost
        : x.reportedCost,
    agentId: x.agentId ?? y.agentId,
    sidechain: x.sidechain || y.sidechain,
    speed: x.speed ?? y.speed,
    geo: x.geo ?? y.geo,
    project: x.project ?? y.project,
    gitBranch: x.gitBranch ?? y.gitBranch,
    agentVersion: x.agentVersion ?? y.agentVersion,
  };
  a.attributed = Math.min(a.attributed, b.attributed);
}

const UPSERT_USAGE = `
WITH src AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::int[], $7::text[],
    $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::int[],
    $15::text[], $16::text[], $17::float8[], $18::text[], $19::text[], $20::text[], $21::int[])
    AS s (dedup_key, source, ts, session_id, agent_id, sidechain, model, input_tokens, output_tokens,
      cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, output_final,
      speed, geo, reported_cost, project, git_branch, agent_version, attributed)
), up AS (
  INSERT INTO usage AS u (dedup_key, source, ts, session_id, agent_id, sidechain, model, input_tokens, output_tokens,
    cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, output_final, speed, geo,
    reported_cost, project, git_branch, agent_version, origin_id, attributed)
  SELECT dedup_key, source, ts, session_id, agent_id, sidechain, model, input_tokens, output_tokens,
    cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, output_final, speed, geo,
    reported_cost, project, git_branch, agent_version, $22::bigint, attributed
  FROM src
${USAGE_MAX_MERGE}
  RETURNING u.ts, (u.xmax = 0) AS inserted
), marked AS (
  INSERT INTO rollup_dirty (bucket) SELECT DISTINCT ts / 900000 FROM up ORDER BY 1
    ON CONFLICT (bucket) DO UPDATE SET bucket = EXCLUDED.bucket WHERE false
)
SELECT count(*) FILTER (WHERE inserted) AS added FROM up`;

/** The element types of UPSERT_USAGE's 21 arrays, in order (sent in binary, see binary-array.ts). */
const USAGE_COLUMN_TYPES: readonly BinaryElement[] = [
  'text',
  'text',
  'bigint',
  'text',
  'text',
  'int',
  'text',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'int',
  'text',
  'text',
  'float8',
  'text',
  'text',
  'text',
  'int',
];

/** Upserts merged records (one statement); returns how many API calls were new. */
async function upsertUsage(tx: PgQueryable, rows: readonly Pending[], originId: number): Promise<number> {
  if (rows.length === 0) return 0;
  const columns: unknown[][] = Array.from({ length: 21 }, () => []);
  const push = (...values: unknown[]) => {
    values.forEach((v, i) => {
      columns[i]?.push(v);
    });
  };
  for (const { r, attributed } of rows) {
    push(
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
      attributed,
    );
  }
  const params = columns.map((values, i) => binaryArray(USAGE_COLUMN_TYPES[i] ?? 'text', values) ?? values);
  const [row] = await tx.query<{ added: number }>(UPSERT_USAGE, [...params, originId]);
  return row?.added ?? 0;
}

export async function writeFiles(
  db: PgDb,
  files: readonly FileWrite[],
  origin: ImportOrigin,
): Promise<WriteCounts> {
  const now = Date.now();
  return db.transaction(async (tx) => {
    // No wait for the commit's WAL flush. Safe: the batch's cursors commit with its rows, so a commit
    // lost in a server crash loses its cursors too, and the next import reads those bytes again (the
    // max-merge makes a re-read harmless). A crash can only lose work, never leave half of it.
    await tx.query('SET LOCAL synchronous_commit = off');
    await takeAttributionLock(
      tx,
      files.flatMap((f) => f.agentFacts),
    );
    const originId = await originIdOf(tx, origin);
    const [flags] = await tx.query<{ active: boolean; forgot: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'attribution' AND value = 'on') AS active,
         EXISTS (SELECT 1 FROM forgotten) AS forgot`,
    );
    const active = flags?.active === true;
    // Nothing was ever forgotten (the common case): no keys to look up.
    const forgotten =
      flags?.forgot === true
        ? await forgottenAmong(tx, [
            ...files.flatMap((f) => f.records.map((r) => usageKey(r.dedupKey))),
            ...files.flatMap((f) =>
              f.agentFacts.flatMap((x) => (x.taskId == null ? [] : [taskKey(x.taskId)])),
            ),
          ])
        : null;
    const counts: WriteCounts = { added: 0, forgotten: 0 };
    const merged = new Map<string, Pending>();
    // Rows wait for the attribute step once attribution is on; a spawn naming a task turns it on
    // mid-batch, and the files after it must then wait too.
    let attributed = active ? 0 : 1;
    const facts: AgentFact[] = [];
    for (const f of files) {
      for (const r of f.records) {
        if (forgotten?.has(usageKey(r.dedupKey))) {
          counts.forgotten++;
          continue;
        }
        const next: Pending = { r, attributed };
        const have = merged.get(r.dedupKey);
        if (have === undefined) merged.set(r.dedupKey, next);
        else mergeInto(have, next);
      }
      for (const fact of f.agentFacts) {
        const dropped = fact.taskId != null && forgotten?.has(taskKey(fact.taskId)) === true;
        facts.push(dropped ? { ...fact, taskId: null } : fact);
        if (fact.taskId != null) attributed = 0;
      }
    }
    await deleteProblemsOf(
      tx,
      files.filter((f) => f.cursor !== null && f.fromStart).map((f) => f.path),
      files.filter((f) => f.cursor !== null && !f.fromStart).map((f) => f.path),
    );
    const sorted = [...merged.values()].sort((a, b) =>
      a.r.dedupKey < b.r.dedupKey ? -1 : a.r.dedupKey > b.r.dedupKey ? 1 : 0,
    );
    counts.added = await upsertUsage(tx, sorted, originId);
    await costCheckpoints(
      tx,
      files.flatMap((f) => f.costCheckpoints),
      now,
    );
    await writeFacts(tx, facts);
    await callActivities(
      tx,
      files.flatMap((f) => (f.activities ?? []).filter((a) => !forgotten?.has(usageKey(a.dedupKey)))),
    );
    await problems(
      tx,
      files.flatMap((f) => f.problems),
      now,
    );
    await cursors(
      tx,
      files.flatMap((f) =>
        f.cursor === null ? [] : [{ cursor: f.cursor, fromStartAt: f.fromStart ? f.readAt : null }],
      ),
      now,
    );
    return counts;
  });
}

/**
 * Agent facts, in one statement per table, then: attribution turned on for the sessions whose spawns
 * named a task (their subagent rows wait for the attribute step), and agent types known only through
 * the spawning tool_use become agent rows.
 */
async function writeFacts(tx: PgQueryable, facts: readonly AgentFact[]): Promise<void> {
  if (facts.length === 0) return;
  await agents(tx, facts);
  await spawns(tx, facts);
  const tasked = [
    ...new Set(facts.filter((f) => f.toolUseId !== null && f.taskId != null).map((f) => f.sessionId)),
  ];
  if (tasked.length > 0) {
    await tx.query(
      "INSERT INTO meta (key, value) VALUES ('attribution', 'on') ON CONFLICT (key) DO UPDATE SET value = 'on' WHERE meta.value <> 'on'",
    );
    await tx.query(
      'UPDATE usage SET attributed = 0 WHERE session_id = ANY($1::text[]) AND sidechain = 1 AND attributed <> 0',
      [tasked.sort()],
    );
  }
  await tx.query(
    `INSERT INTO agents (session_id, agent_id, agent_type, priority)
     SELECT session_id, agent_id, agent_type, 4 FROM agent_spawns
     WHERE session_id = ANY($1::text[]) AND agent_id IS NOT NULL AND agent_type IS NOT NULL
     ORDER BY session_id COLLATE "C", agent_id COLLATE "C"
     ON CONFLICT (session_id, agent_id) DO NOTHING`,
    [[...new Set(facts.map((f) => f.sessionId))]],
  );
}

export async function writeAgentFacts(
  db: PgDb,
  facts: readonly AgentFact[],
  fileCursors: readonly FileCursor[],
): Promise<void> {
  const now = Date.now();
  await db.transaction(async (tx) => {
    await takeAttributionLock(tx, facts);
    await writeFacts(tx, facts);
    // Meta files are read whole: their cursors replace the old ones, and their old problems go.
    await deleteProblemsOf(
      tx,
      fileCursors.map((c) => c.path),
      [],
    );
    await cursors(
      tx,
      fileCursors.map((cursor) => ({ cursor, fromStartAt: now })),
      now,
    );
  });
}

export async function writeProblems(db: PgDb, list: readonly IngestProblem[]): Promise<void> {
  const now = Date.now();
  await db.transaction((tx) => problems(tx, list, now));
}

export async function recordImportRun(
  db: PgQueryable,
  startedAt: number,
  finishedAt: number,
  r: ImportRunStats,
): Promise<void> {
  await db.query(
    'INSERT INTO import_runs (started_at, finished_at, files_seen, files_read, bytes_read, records, problems) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [startedAt, finishedAt, r.filesSeen, r.filesRead, r.bytesRead, r.records, r.problems],
  );
}
