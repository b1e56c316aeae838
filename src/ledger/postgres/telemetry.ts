/**
 * Declared telemetry (declarations and the error log) in the PostgreSQL ledger. A stub until the second half of the PostgreSQL backend lands.
 * @module
 */
import type {
  Declaration,
  DeclaredTask,
  ImportOrigin,
  TelemetryErrorInput,
  TelemetryErrorRow,
} from '../store.js';
import type { PgDb } from './connection.js';

const NOT_YET = 'not yet on PostgreSQL';

export async function declareTask(
  _db: PgDb,
  _declaration: Declaration,
  _origin: ImportOrigin,
): Promise<void> {
  throw new Error(NOT_YET);
}

export async function declaredTasks(
  _db: PgDb,
  _filter: { fromMs?: number; toMs?: number; taskIds?: readonly string[] },
): Promise<DeclaredTask[]> {
  throw new Error(NOT_YET);
}

export async function saveTelemetryErrors(
  _db: PgDb,
  _entries: readonly TelemetryErrorInput[],
): Promise<void> {
  throw new Error(NOT_YET);
}

export async function telemetryErrors(
  _db: PgDb,
  _filter: { fromMs?: number; toMs?: number; pending?: boolean },
): Promise<TelemetryErrorRow[]> {
  throw new Error(NOT_YET);
}
