/**
 * What makes two {@link LedgerRecord}s the same record (in another version) in any ledger: a natural
 * key per type, never a row id. Spans and runs have no natural key, so their content is their key
 * (a span's end and creation time excepted: those are what changes). A budget warning's key holds
 * the definition of the budget it was shown for.
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
    case 'activity':
      return canonicalJson([r.type, r.dedupKey, r.toolUseId]);
    case 'budget':
      return canonicalJson([r.type, r.name]);
    case 'budget_warning':
      // With the budget's definition: a warning of an earlier limit is another record.
      return canonicalJson([
        r.type,
        r.budget,
        r.period,
        r.threshold,
        r.unit,
        r.limit,
        r.budgetPeriod,
        r.scopeKind,
        r.scopeValue,
      ]);
    case 'review_proposal':
      return canonicalJson([r.type, r.id]);
  }
}

/** Code-point order (SQLite's for UTF-8 text), unlike `<` on UTF-16 code units. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
