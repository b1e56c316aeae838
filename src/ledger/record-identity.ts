/**
 * What makes two {@link LedgerRecord}s the same record (in another version) in any ledger: a natural
 * key per type, never a row id. Spans and runs have no natural key, so their content is their key
 * (a span's end and creation time excepted: those are what changes).
 * @module
 */
import type { LedgerRecord } from './ledger-records.js';

/** JSON with every object's keys sorted (recursively): the same text for equal values. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** The {@link recordKey} of the usage record of an API call. */
export function usageKey(dedupKey: string): string {
  return canonicalJson(['usage', dedupKey]);
}

/** The {@link recordKey} of a task. */
export function taskKey(id: string): string {
  return canonicalJson(['task', id]);
}

/** The {@link recordKey} of a task's declared telemetry. */
export function declaredTaskKey(taskId: string): string {
  return canonicalJson(['declared_task', taskId]);
}

/** The record's identity: equal for two versions of one record, different for two records. */
export function recordKey(r: LedgerRecord): string {
  switch (r.type) {
    case 'usage':
      return usageKey(r.dedupKey);
    case 'agent':
      return canonicalJson([r.type, r.sessionId, r.agentId]);
    case 'spawn':
      return canonicalJson([r.type, r.sessionId, r.toolUseId]);
    case 'task':
      return taskKey(r.id);
    case 'span':
      return canonicalJson([
        r.type,
        r.scope,
        r.sessionId,
        r.agentId,
        r.project,
        r.fromTs,
        r.taskId,
        r.stage,
        r.labels,
        r.source,
      ]);
    case 'run':
      return canonicalJson(r);
    case 'declared_task':
      return declaredTaskKey(r.taskId);
    case 'telemetry_error':
      return canonicalJson([r.type, r.key]);
  }
}

/** Code-point order (SQLite's for UTF-8 text), unlike `<` on UTF-16 code units. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
