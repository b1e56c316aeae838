/**
 * The rule that keeps declared telemetry from counting twice, in the PostgreSQL store (the SQLite
 * twin is in `ledger/sqlite/telemetry.ts`): **captured usage wins**. While no usage captured from
 * transcripts, hooks or runs is attributed to a task, its declared entries count, each as one usage
 * row with source `telemetry`; as soon as captured usage is attributed to the task, those rows go.
 * {@link reconcileDeclared} applies the rule after every declaration and every attribute step.
 *
 * Writers that apply it take {@link lockDeclared} first, so two processes never derive a task's rows
 * at once (SQLite gets the same from its single writer).
 * @module
 */
import { countedTokens, declaredDedupKey, telemetrySession } from '../declared-entries.js';
import { DECLARED_USAGE_SOURCE } from '../ledger-records.js';
import type { DeclaredEntry } from '../telemetry-repository.js';
import { BUCKET_MS } from '../usage-sums.js';
import type { PgQueryable } from './connection.js';
import { markDirty } from './rollup.js';

/** The source of usage rows derived from declarations. */
export const TELEMETRY_SOURCE = DECLARED_USAGE_SOURCE;

export { telemetrySession };

/** The advisory lock key of deriving declared rows (beside LOCKS in migrations.ts). */
const DECLARED_LOCK = 7_212_101;

/** A transaction-scoped lock held while declared rows are derived (released at commit or rollback). */
export async function lockDeclared(q: PgQueryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [DECLARED_LOCK]);
}

/** A `telemetry_entries` row as PostgreSQL returns it. */
export interface EntryDbRow {
  task_id: string;
  agent: string;
  model: string;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  estimated_cost: number | null;
}

export const ENTRY_COLUMNS =
  'task_id, agent, model, input_tokens, output_tokens, total_tokens, estimated_cost';

export function toEntry(r: EntryDbRow): DeclaredEntry {
  return {
    agent: r.agent,
    model: r.model,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    totalTokens: r.total_tokens,
    estimatedCost: r.estimated_cost,
  };
}

/** True when usage other than declared telemetry is attributed to the task. */
async function isCaptured(q: PgQueryable, taskId: string): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM usage WHERE task_id = $1 AND source <> '${TELEMETRY_SOURCE}' LIMIT 1`,
    [taskId],
  );
  return rows.length > 0;
}

const INSERT_DERIVED = `INSERT INTO usage (dedup_key, source, ts, session_id, agent_id, sidechain, model, input_tokens,
    output_tokens, cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests, output_final,
    speed, geo, reported_cost, project, git_branch, agent_version, origin_id, attributed, task_id, stage)
  SELECT e.key, '${TELEMETRY_SOURCE}', $1, $2, e.agent, 1, e.model, e.input, e.output, 0, 0, 0, 0, 1, NULL, NULL,
    e.cost, $3, NULL, NULL, $4, 1, $5, e.agent
  FROM unnest($6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::double precision[])
    AS e(key, agent, model, input, output, cost)`;

/**
 * Re-derives one task's counted rows from its declaration (inside the caller's transaction, under
 * {@link lockDeclared}): none when captured usage exists, else one row per entry. The rows are
 * replaced, not merged, so a corrected declaration lowers them too.
 */
export async function reconcileTask(q: PgQueryable, taskId: string): Promise<void> {
  const session = telemetrySession(taskId);
  const buckets = new Set<number>();
  const old = await q.query<{ ts: number }>(
    `DELETE FROM usage WHERE session_id = $1 AND source = '${TELEMETRY_SOURCE}' RETURNING ts`,
    [session],
  );
  for (const r of old) buckets.add(Math.floor(r.ts / BUCKET_MS));
  await q.query('DELETE FROM agents WHERE session_id = $1', [session]);
  const tasks = await q.query<{ ts: number; project: string | null; origin_id: number }>(
    'SELECT ts, project, origin_id FROM telemetry_tasks WHERE task_id = $1',
    [taskId],
  );
  const task = tasks[0];
  if (task !== undefined && !(await isCaptured(q, taskId))) {
    const rows = await q.query<EntryDbRow>(
      `SELECT ${ENTRY_COLUMNS} FROM telemetry_entries WHERE task_id = $1`,
      [taskId],
    );
    const entries = rows.map(toEntry);
    if (entries.length > 0) {
      const counted = entries.map(countedTokens);
      await q.query(INSERT_DERIVED, [
        task.ts,
        session,
        task.project,
        task.origin_id,
        taskId,
        entries.map((e) => declaredDedupKey(taskId, e.agent, e.model)),
        entries.map((e) => e.agent),
        entries.map((e) => e.model),
        counted.map((c) => c.input),
        counted.map((c) => c.output),
        entries.map((e) => e.estimatedCost),
      ]);
      await q.query(
        `INSERT INTO agents (session_id, agent_id, agent_type, priority)
         SELECT $1, a, a, 0 FROM unnest($2::text[]) AS a ON CONFLICT DO NOTHING`,
        [session, [...new Set(entries.map((e) => e.agent))]],
      );
      buckets.add(Math.floor(task.ts / BUCKET_MS));
    }
  }
  await markDirty(q, buckets);
}

/**
 * Applies the captured-wins rule to every declared task whose state changed (inside the caller's
 * transaction, under {@link lockDeclared}): rows derived for a task that now has captured usage are
 * removed, and rows come back for a task that lost it. Cheap when nothing changed.
 */
export async function reconcileDeclared(q: PgQueryable): Promise<void> {
  const declared = await q.query('SELECT 1 FROM telemetry_tasks LIMIT 1');
  if (declared.length === 0) return;
  const stale = await q.query<{ task_id: string }>(
    `SELECT t.task_id FROM telemetry_tasks t
     WHERE EXISTS (SELECT 1 FROM telemetry_entries e WHERE e.task_id = t.task_id)
       AND (EXISTS (SELECT 1 FROM usage u WHERE u.task_id = t.task_id AND u.source <> '${TELEMETRY_SOURCE}'))
         = (EXISTS (SELECT 1 FROM usage u WHERE u.session_id = 'telemetry:' || t.task_id AND u.source = '${TELEMETRY_SOURCE}'))
     ORDER BY t.task_id COLLATE "C"`,
  );
  for (const r of stale) await reconcileTask(q, r.task_id);
}
