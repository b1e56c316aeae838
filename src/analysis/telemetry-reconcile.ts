/**
 * Seed 000 8.3 "On next successful call: check for pending error recovery, attempt to reconcile
 * missing data, update error log with resolution status", and the comparison of declared telemetry
 * with captured usage.
 *
 * A pending "missing field" entry is resolved when:
 * - captured usage now counts for its task (captured wins, so the gap no longer matters);
 * - a later call declared the field (`supplied by a later call`);
 * - the field follows from the others: `total_tokens` = input + output, `input_tokens` = total −
 *   output, `output_tokens` = total − input;
 * - `estimated_cost` can be priced from the entry's tokens with the price table (input and output
 *   tokens at the model's list prices).
 * Otherwise it stays pending and is tried again on the next call.
 * @module
 */

import type { LedgerStore } from '../ledger/store.js';
import type {
  DeclaredEntry,
  DeclaredTask,
  TelemetryErrorInput,
  TelemetryErrorRow,
} from '../ledger/telemetry-repository.js';
import type { Pricer } from '../pricing/pricer.js';
import { formatUsdPlain } from '../util/format.js';
import { emptyTokenCounts, totalTokens } from '../util/token-counts.js';

/** A task whose declared total differs from its captured total by more than this share is an anomaly. */
export const MISMATCH_TOLERANCE = 0.1;

/** An entry with what could be derived filled in: the values the `.token-usage/` tree shows. */
export interface ResolvedEntry extends DeclaredEntry {
  /** How each filled field was obtained, by field name (`total_tokens`, `estimated_cost`, ...). */
  derived: Record<string, string>;
}

/** `entry` with missing token counts derived from the others and a missing cost priced when possible. */
export function resolveEntry(entry: DeclaredEntry, pricer: Pricer, atMs: number): ResolvedEntry {
  const out: ResolvedEntry = { ...entry, derived: {} };
  const { inputTokens: i, outputTokens: o, totalTokens: t } = entry;
  if (t === null && i !== null && o !== null) {
    out.totalTokens = i + o;
    out.derived.total_tokens = `derived as input_tokens + output_tokens = ${i + o}`;
  } else if (i === null && t !== null && o !== null && t >= o) {
    out.inputTokens = t - o;
    out.derived.input_tokens = `derived as total_tokens − output_tokens = ${t - o}`;
  } else if (o === null && t !== null && i !== null && t >= i) {
    out.outputTokens = t - i;
    out.derived.output_tokens = `derived as total_tokens − input_tokens = ${t - i}`;
  }
  if (entry.estimatedCost === null && out.inputTokens !== null && out.outputTokens !== null) {
    const cost = pricer.cost(
      { model: entry.model, sizeClass: 0, speed: '', geo: '' },
      { ...emptyTokenCounts(), input: out.inputTokens, output: out.outputTokens },
      atMs,
    );
    if (cost !== null) {
      out.estimatedCost = cost;
      out.derived.estimated_cost = `priced from the tokens with price table ${pricer.version}: ${formatUsdPlain(cost)}`;
    }
  }
  return out;
}

/** The tokens a declared task counts: each entry's total, else its known input + output. */
export function declaredTokens(task: DeclaredTask): number {
  let sum = 0;
  for (const e of task.entries) sum += e.totalTokens ?? (e.inputTokens ?? 0) + (e.outputTokens ?? 0);
  return sum;
}

const ENTRY_KEY = /^missing:(".*"):(\[.*\])$/;

/** The entry and field a pending "missing" entry is about, or null for a task-level field. */
function entryOf(
  error: TelemetryErrorRow,
  task: DeclaredTask,
): { entry: DeclaredEntry; field: string } | null {
  const m = ENTRY_KEY.exec(error.key);
  if (m === null) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(m[2] ?? '');
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || parts.length !== 3) return null;
  const [agent, model, field] = parts as unknown[];
  const entry = task.entries.find((e) => e.agent === agent && e.model === model);
  return entry === undefined || typeof field !== 'string' ? null : { entry, field };
}

const ENTRY_VALUE: Record<string, keyof DeclaredEntry> = {
  input_tokens: 'inputTokens',
  output_tokens: 'outputTokens',
  total_tokens: 'totalTokens',
  estimated_cost: 'estimatedCost',
};

/** How `error` can be resolved now, or null while it cannot. */
function resolutionOf(
  error: TelemetryErrorRow,
  task: DeclaredTask,
  pricer: Pricer,
  nowIso: string,
): string | null {
  if (task.captured) return `captured usage now counts for this task (captured wins), reconciled ${nowIso}`;
  if (error.field === 'timestamp')
    return task.declaredAt === null
      ? null
      : `supplied by a later call (${task.declaredAt}), reconciled ${nowIso}`;
  if (error.field === 'user_request_summary')
    return task.missing.includes('user_request_summary')
      ? null
      : `supplied by a later call, reconciled ${nowIso}`;
  const found = entryOf(error, task);
  if (found === null) return null;
  const prop = ENTRY_VALUE[found.field];
  if (prop === undefined) return null;
  if (found.entry[prop] !== null) return `supplied by a later call, reconciled ${nowIso}`;
  const derived = resolveEntry(found.entry, pricer, task.ts).derived[found.field];
  return derived === undefined ? null : `${derived}, reconciled ${nowIso}`;
}

/**
 * Resolves what can be resolved among the pending error-log entries, and notes declared tasks
 * whose captured usage differs from the declaration by more than {@link MISMATCH_TOLERANCE}.
 * Returns the entries it changed (already saved).
 */
export async function reconcileTelemetry(
  store: LedgerStore,
  pricer: Pricer,
  now: Date,
): Promise<TelemetryErrorInput[]> {
  const nowIso = now.toISOString();
  const pending = await store.telemetryErrors({ pending: true });
  const withTask = pending.filter((e) => e.taskId !== null);
  const ids = [...new Set(withTask.map((e) => e.taskId ?? ''))];
  const tasks = new Map((await store.declaredTasks({ taskIds: ids })).map((t) => [t.taskId, t]));
  const changed: TelemetryErrorInput[] = [];
  for (const error of withTask) {
    const task = tasks.get(error.taskId ?? '');
    if (task === undefined) continue;
    const resolution = error.key.startsWith('rejected:')
      ? `the task was recorded by a later call, reconciled ${nowIso}`
      : resolutionOf(error, task, pricer, nowIso);
    if (resolution !== null) changed.push({ ...error, resolution });
  }
  changed.push(...(await mismatches(store)));
  await store.saveTelemetryErrors(changed);
  return changed;
}

/** Anomaly entries for declared tasks whose captured usage differs from what was declared. */
async function mismatches(store: LedgerStore): Promise<TelemetryErrorInput[]> {
  const captured = (await store.declaredTasks({})).filter((t) => t.captured && t.entries.length > 0);
  if (captured.length === 0) return [];
  const groups = await store.groups({
    dimensions: ['task'],
    filter: { tasks: captured.map((t) => t.taskId) },
    grain: 'day',
  });
  const actual = new Map<string, number>();
  for (const g of groups) {
    const id = g.values.task ?? '';
    actual.set(id, (actual.get(id) ?? 0) + totalTokens(g));
  }
  const out: TelemetryErrorInput[] = [];
  for (const t of captured) {
    const declared = declaredTokens(t);
    const got = actual.get(t.taskId) ?? 0;
    const off = declared === 0 ? (got === 0 ? 0 : 1) : Math.abs(got - declared) / declared;
    if (off <= MISMATCH_TOLERANCE) continue;
    const pct = declared === 0 ? 'n/a' : `${got >= declared ? '+' : '−'}${Math.round(off * 100)}%`;
    out.push({
      key: `mismatch:${JSON.stringify(t.taskId)}`,
      at: t.receivedAt,
      taskId: t.taskId,
      field: 'total_tokens',
      kind: 'anomaly',
      problem: `declared ${declared} tokens, captured ${got} tokens (${pct}, tolerance ±${MISMATCH_TOLERANCE * 100}%)`,
      resolution: 'captured usage counts; the declaration is kept for comparison and not added',
    });
  }
  return out;
}
