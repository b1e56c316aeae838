/**
 * From a validated seed 000 telemetry request to what the ledger stores: the task's declaration and
 * the error-log entries for the fields it lacked (seed 000 8.2: "Mark missing fields as `null` or
 * `"unavailable"`; note in error log for later reconciliation").
 * @module
 */
import type { TelemetryEntry, TelemetryRequest } from '../capture/telemetry/telemetry-request.js';
import { UNAVAILABLE } from '../capture/telemetry/telemetry-request.js';
import { fingerprint } from '../util/fingerprint.js';
import type { Declaration, DeclaredEntry, TelemetryErrorInput } from './telemetry-repository.js';

/**
 * The ledger's id for a request's task. A request without `task_id` gets its own id,
 * `unavailable-` + a fingerprint of the call, so two such calls never merge into one task.
 */
export function declaredTaskId(request: TelemetryRequest, receivedAt: number): string {
  if (request.task_id !== UNAVAILABLE || !request.missing.includes('task_id')) return request.task_id;
  return `${UNAVAILABLE}-${fingerprint(JSON.stringify([receivedAt, request.timestamp, request.entries]))}`;
}

function addOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a + b;
}

/** Entries with the same agent and model in one request are one entry: their numbers add up. */
function mergedEntries(entries: readonly TelemetryEntry[]): DeclaredEntry[] {
  const byPair = new Map<string, DeclaredEntry>();
  for (const e of entries) {
    const key = JSON.stringify([e.agent, e.model]);
    const before = byPair.get(key);
    byPair.set(key, {
      agent: e.agent,
      model: e.model,
      inputTokens: addOrNull(before?.inputTokens ?? null, e.input_tokens),
      outputTokens: addOrNull(before?.outputTokens ?? null, e.output_tokens),
      totalTokens: addOrNull(before?.totalTokens ?? null, e.total_tokens),
      estimatedCost: addOrNull(before?.estimatedCost ?? null, e.estimated_cost),
    });
  }
  return [...byPair.values()];
}

/** The declaration a logging request makes, for {@link LedgerStore.declareTask}. */
export function declarationOf(
  request: TelemetryRequest,
  receivedAt: number,
  project: string | null,
): Declaration {
  return {
    taskId: declaredTaskId(request, receivedAt),
    ts: request.timestampMs ?? receivedAt,
    declaredAt: request.timestamp,
    summary: request.user_request_summary,
    mode: request.mode,
    project,
    receivedAt,
    missing: request.missing,
    entries: mergedEntries(request.entries),
  };
}

const ENTRY_FIELD = /^entries\[(\d+)\]\.(\w+)$/;

/** Where a missing field sits, for the error log: `estimated_cost of build-lead on opus`. */
function describe(
  request: TelemetryRequest,
  path: string,
): { field: string; where: string; keyPart: string } {
  const m = ENTRY_FIELD.exec(path);
  if (m === null) return { field: path, where: path, keyPart: path };
  const entry = request.entries[Number(m[1])];
  const field = m[2] ?? path;
  if (entry === undefined) return { field, where: path, keyPart: path };
  // An entry is named by its agent and model; when one of those is itself missing, by its position.
  const named = entry.agent !== UNAVAILABLE && entry.model !== UNAVAILABLE;
  const where = named ? `${field} of ${entry.agent} on ${entry.model}` : `${path}`;
  const keyPart = named ? JSON.stringify([entry.agent, entry.model, field]) : path;
  return { field, where, keyPart };
}

/**
 * One pending error-log entry per missing field of a logging request (seed 000 8.2), keyed by task
 * and field so that the same gap reported again updates its entry instead of adding one.
 */
export function missingFieldErrors(
  request: TelemetryRequest,
  taskId: string,
  receivedAt: number,
): TelemetryErrorInput[] {
  return request.missing.map((path) => {
    const { field, where, keyPart } = describe(request, path);
    const as =
      field === 'agent' || field === 'model' || field === 'task_id' || field === 'user_request_summary';
    return {
      key: `missing:${JSON.stringify(taskId)}:${keyPart}`,
      at: receivedAt,
      taskId,
      field,
      kind: 'tracking_failure',
      problem: `missing telemetry: ${where} was not sent; recorded as ${as ? `"${UNAVAILABLE}"` : 'null'}`,
      resolution: null,
    };
  });
}

/** The error-log entry for a request that was rejected (seed 000 8.1): nothing of it was recorded. */
export function rejectedRequestError(
  reason: string,
  receivedAt: number,
  taskId: string | null,
): TelemetryErrorInput {
  return {
    key: `rejected:${receivedAt}:${fingerprint(reason)}`,
    at: receivedAt,
    taskId,
    field: null,
    kind: 'tracking_failure',
    problem: `malformed telemetry rejected, nothing recorded: ${reason}`,
    resolution: null,
  };
}
