/**
 * Attribution spans in the PostgreSQL ledger. A stub until the second half of the PostgreSQL backend lands.
 * @module
 */
import type { SpanInput, SpanRow } from '../store.js';
import type { PgDb } from './connection.js';

const NOT_YET = 'not yet on PostgreSQL';

export async function openSpan(_db: PgDb, _span: SpanInput): Promise<number> {
  throw new Error(NOT_YET);
}

export async function closeSpans(
  _db: PgDb,
  _match: Partial<Pick<SpanRow, 'scope' | 'sessionId' | 'agentId' | 'project' | 'taskId' | 'source'>>,
  _atTs: number,
): Promise<number> {
  throw new Error(NOT_YET);
}

export async function openSessionSpans(_db: PgDb, _sessionId: string): Promise<SpanRow[]> {
  throw new Error(NOT_YET);
}

export async function openProjectSpans(_db: PgDb, _project?: string): Promise<SpanRow[]> {
  throw new Error(NOT_YET);
}
