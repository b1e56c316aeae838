/**
 * Versioned schema migrations of the PostgreSQL ledger. Version 1 is the whole schema as the SQLite
 * ledger's migrations 1-7 leave it (schema-usage.ts, schema-tasks.ts). Each runs once, in order,
 * recorded in `schema_migrations`, all in one transaction under a transaction-scoped advisory lock:
 * machines opening a new ledger at the same moment wait for the first, then find it migrated.
 * Never edit a shipped migration: add one.
 * @module
 */
import { describeLedgerLocation } from '../../config/ledger-location.js';
import { LedgerError } from '../ledger-error.js';
import type { PgDb } from './connection.js';
import { MIGRATION_5 } from './migration-5.js';
import { MIGRATION_ACTIVITY_SPANS } from './migration-activity-spans.js';
import { MIGRATION_BUDGETS } from './migration-budgets.js';
import { MIGRATION_CALL_ACTIVITY } from './migration-call-activity.js';
import { MIGRATION_CALL_DRIVERS } from './migration-call-drivers.js';
import { MIGRATION_LABELS } from './migration-labels.js';
import { MIGRATION_SESSION_ROLLUP } from './migration-session-rollup.js';
import { MIGRATION_THREAD_INDEX } from './migration-thread-index.js';
import type { PgMigration } from './pg-migration.js';
import { SCHEMA_TASKS } from './schema-tasks.js';
import { SCHEMA_USAGE } from './schema-usage.js';

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'the ledger as of SQLite migration 7: usage, rollups, cursors, tasks, spans, runs, telemetry, forgotten',
    sql: `${SCHEMA_USAGE}\n${SCHEMA_TASKS}`,
  },
  MIGRATION_LABELS,
  MIGRATION_CALL_ACTIVITY,
  MIGRATION_BUDGETS,
  MIGRATION_5,
  MIGRATION_THREAD_INDEX,
  MIGRATION_CALL_DRIVERS,
  MIGRATION_ACTIVITY_SPANS,
  MIGRATION_SESSION_ROLLUP,
];

/** Advisory lock keys of the ledger (one number space per database). */
export const LOCKS = {
  migrate: 7_212_001,
  rollup: 7_212_002,
  taskRollup: 7_212_003,
  attribution: 7_212_004,
  activity: 7_212_005,
  sessionRollup: 7_212_006,
} as const;

const LATEST = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]?.version ?? 0;

async function appliedVersion(db: Pick<PgDb, 'query'>): Promise<number | null> {
  const [exists] = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (exists?.t == null) return null;
  const [row] = await db.query<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
  return row?.v ?? 0;
}

function tooNew(db: PgDb, applied: number): LedgerError {
  return new LedgerError(
    `the ledger ${describeLedgerLocation(db.location)} has schema version ${applied}, newer than this tokenledger knows (${LATEST}). Upgrade tokenledger, or pass --db to use another ledger.`,
  );
}

/** Brings the schema up to date (a no-op, one query, when it is). */
export async function migrate(db: PgDb): Promise<void> {
  const seen = await appliedVersion(db);
  if (seen === LATEST) return;
  if (seen !== null && seen > LATEST) throw tooNew(db, seen);
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.migrate]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const [row] = await tx.query<{ v: number }>(
      'SELECT coalesce(max(version), 0) AS v FROM schema_migrations',
    );
    const applied = row?.v ?? 0;
    if (applied > LATEST) throw tooNew(db, applied);
    for (const m of PG_MIGRATIONS) {
      if (m.version <= applied) continue;
      await tx.query(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
    }
  });
}
