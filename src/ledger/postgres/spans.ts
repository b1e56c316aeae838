/**
 * Attribution spans in the PostgreSQL store, by the rules of `ledger/sqlite/tasks.ts`: opening or
 * closing a span marks the usage it covers (from its start, or from its end) pending, so the
 * attribute step (attribution.ts) revisits exactly those rows.
 * @module
 */

import { type SpanDbRow, toSpan } from '../ledger-rows.js';
import { taskKey } from '../record-identity.js';
import type { SpanInput, SpanRow } from '../task-repository.js';
import type { PgDb, PgQueryable } from './connection.js';
import { clearForgotten } from './forgotten.js';
import { LOCKS } from './migrations.js';

/** The columns of `spans`, in the order `SpanDbRow` (ledger-rows.ts) lists them. */
export const SPAN_COLUMNS =
  'id, scope, session_id, agent_id, project, from_ts, to_ts, task_id, stage, labels, source, created_at';

/** Usage whose project is `$n` or below it (`p` prefixes the usage columns). */
export function underProject(n: number, p = ''): string {
  return `(${p}project = $${n} OR substr(${p}project, 1, length($${n}) + 1) = $${n} || '/')`;
}

/** Rows a span covers (from `from_ts` on) are marked pending, so the attribute step revisits them. */
export async function markCovered(
  q: PgQueryable,
  span: {
    scope: string;
    session_id: string | null;
    project: string | null;
    from_ts: number;
  },
): Promise<void> {
  if (span.scope === 'project' && span.project !== null) {
    await q.query(
      `UPDATE usage SET attributed = 0 WHERE ts >= $1 AND attributed = 1 AND ${underProject(2)}`,
      [span.from_ts, span.project],
    );
  } else if (span.session_id !== null) {
    await q.query('UPDATE usage SET attributed = 0 WHERE session_id = $1 AND ts >= $2 AND attributed = 1', [
      span.session_id,
      span.from_ts,
    ]);
  }
}

/**
 * Takes the attribution lock (LOCKS.attribution) exclusively until commit: what writes usage or marks
 * it pending holds it shared (usage-writes.ts, {@link closeSpans}), so writers in flight finish first.
 * The attribute step takes it so: a span or spawn task committed while the step ran would otherwise
 * be missed by the step (its statement's snapshot predates it) and by the marking (the rows were
 * pending then).
 */
export async function lockAttribution(q: PgQueryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.attribution]);
}

/** Takes the attribution lock shared until commit: for what marks usage pending (see {@link lockAttribution}). */
export async function shareAttributionLock(q: PgQueryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock_shared($1)', [LOCKS.attribution]);
}

/**
 * Once any span exists, new usage waits for the attribute step. Switched with the attribution lock
 * held exclusively: writers in flight finish first, so the usage the caller marks next includes
 * theirs, and writers after see the switch (usage-writes.ts).
 */
export async function attributionOn(q: PgQueryable): Promise<void> {
  await lockAttribution(q);
  await q.query(
    "INSERT INTO meta (key, value) VALUES ('attribution', 'on') ON CONFLICT (key) DO UPDATE SET value = 'on'",
  );
}

/** Labels as stored: null when there are none. */
function labelsText(labels: Record<string, string> | null | undefined): string | null {
  return labels && Object.keys(labels).length > 0 ? JSON.stringify(labels) : null;
}

export async function openSpan(db: PgDb, span: SpanInput): Promise<number> {
  return db.transaction(async (q) => {
    if (span.taskId != null) await clearForgotten(q, [taskKey(span.taskId)]);
    await attributionOn(q);
    const rows = await q.query<{ id: number }>(
      `INSERT INTO spans (scope, session_id, agent_id, project, from_ts, to_ts, task_id, stage, labels, source, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        span.scope,
        span.sessionId ?? null,
        span.agentId ?? null,
        span.project ?? null,
        span.fromTs,
        span.toTs ?? null,
        span.taskId ?? null,
        span.stage ?? null,
        labelsText(span.labels),
        span.source,
        Date.now(),
      ],
    );
    await markCovered(q, {
      scope: span.scope,
      session_id: span.sessionId ?? null,
      project: span.project ?? null,
      from_ts: span.fromTs,
    });
    return Number(rows[0]?.id);
  });
}

const MATCH_COLUMNS = {
  scope: 'scope',
  sessionId: 'session_id',
  agentId: 'agent_id',
  project: 'project',
  taskId: 'task_id',
  source: 'source',
} as const;

export async function closeSpans(
  db: PgDb,
  match: Partial<Pick<SpanRow, 'scope' | 'sessionId' | 'agentId' | 'project' | 'taskId' | 'source'>>,
  atTs: number,
): Promise<number> {
  return db.transaction(async (q) => {
    await shareAttributionLock(q);
    const where = ['to_ts IS NULL'];
    const params: (string | number)[] = [];
    for (const [key, column] of Object.entries(MATCH_COLUMNS)) {
      const v = match[key as keyof typeof MATCH_COLUMNS];
      if (v === undefined) continue;
      if (v === null) where.push(`${column} IS NULL`);
      else {
        params.push(v);
        where.push(`${column} = $${params.length}`);
      }
    }
    const open = await q.query<SpanDbRow>(
      `SELECT ${SPAN_COLUMNS} FROM spans WHERE ${where.join(' AND ')} ORDER BY id FOR UPDATE`,
      params,
    );
    for (const span of open) {
      const endTs = Math.max(atTs, span.from_ts);
      await q.query('UPDATE spans SET to_ts = $1 WHERE id = $2', [endTs, span.id]);
      // Only usage from the end on loses this span.
      await markCovered(q, { ...span, from_ts: endTs });
    }
    return open.length;
  });
}

export async function openProjectSpans(db: PgDb, project?: string): Promise<SpanRow[]> {
  if (project === undefined) {
    const rows = await db.query<SpanDbRow>(
      `SELECT ${SPAN_COLUMNS} FROM spans WHERE scope = 'project' AND to_ts IS NULL ORDER BY from_ts DESC, id DESC`,
    );
    return rows.map(toSpan);
  }
  const rows = await db.query<SpanDbRow>(
    `SELECT ${SPAN_COLUMNS} FROM spans WHERE scope = 'project' AND to_ts IS NULL
       AND (project = $1 OR substr($1, 1, length(project) + 1) = project || '/')
     ORDER BY length(project) DESC, from_ts DESC, id DESC`,
    [project],
  );
  return rows.map(toSpan);
}

export async function openSessionSpans(db: PgDb, sessionId: string): Promise<SpanRow[]> {
  const rows = await db.query<SpanDbRow>(
    `SELECT ${SPAN_COLUMNS} FROM spans WHERE scope = 'session' AND session_id = $1 AND to_ts IS NULL
     ORDER BY from_ts DESC, id DESC`,
    [sessionId],
  );
  return rows.map(toSpan);
}
