/**
 * Tasks and meta values in the PostgreSQL ledger. A stub until the second half of the PostgreSQL backend lands.
 * @module
 */
import type { TaskRow, TaskStatus, TaskUpdate } from '../store.js';
import type { PgDb } from './connection.js';

const NOT_YET = 'not yet on PostgreSQL';

export async function saveTask(_db: PgDb, _update: TaskUpdate): Promise<TaskRow> {
  throw new Error(NOT_YET);
}

export async function task(_db: PgDb, _id: string): Promise<TaskRow | null> {
  throw new Error(NOT_YET);
}

export async function tasks(
  _db: PgDb,
  _filter?: { status?: TaskStatus; project?: string },
): Promise<TaskRow[]> {
  throw new Error(NOT_YET);
}

export async function taskTree(_db: PgDb, _id: string): Promise<string[]> {
  throw new Error(NOT_YET);
}

export async function metaValue(_db: PgDb, _key: string): Promise<string | null> {
  throw new Error(NOT_YET);
}

export async function setMetaValue(_db: PgDb, _key: string, _value: string): Promise<void> {
  throw new Error(NOT_YET);
}
