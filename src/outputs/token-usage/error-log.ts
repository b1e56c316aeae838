/**
 * The usage tracker's error log `errors-YYYY-MM-DD.md`. Its format gives no template, only
 * what it tracks: "Tracking failures (missing telemetry, malformed data)", "Anomalies (unexpectedly
 * high usage, unusual patterns)" and "Recovery actions taken". So the file has one section for
 * each, in that order:
 *
 * ```markdown
 * # Token Usage Errors: YYYY-MM-DD
 *
 * ## Tracking Failures
 *
 * | Time | Task | Field | Problem | Status |
 * |------|------|-------|---------|--------|
 * | 2025-11-28T14:30:00Z | task-b | estimated_cost | No price for model x. | resolved |
 *
 * ## Anomalies
 *
 * None recorded.
 *
 * ## Recovery Actions
 *
 * - 2025-11-28T14:30:00Z **task-b** (estimated_cost): Reconciled from the pricing table.
 * ```
 *
 * Status is `pending` or `resolved` (the format says "Update error log with resolution status"); each
 * resolved entry's resolution is listed under Recovery Actions. A missing task or field is `-`.
 * Entries are sorted by time, then task, field, problem and resolution, so their order in does not
 * matter.
 * @module
 */
import { compareText, oneLine, strong, table } from './format.js';
import type { ErrorEntry } from './model.js';
import { errorLogPath } from './paths.js';

/** The time of an ISO timestamp with a zone, +Infinity for anything else (sorted last). */
function timeOf(at: string): number {
  const ms = /(Z|[+-]\d{2}:\d{2})$/i.test(at) ? Date.parse(at) : Number.NaN;
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** Order of error entries: time, then task (none first), field, problem, resolution, kind. */
export function compareErrorEntries(a: ErrorEntry, b: ErrorEntry): number {
  return (
    timeOf(a.at) - timeOf(b.at) ||
    compareText(a.at, b.at) ||
    compareText(a.taskId ?? '', b.taskId ?? '') ||
    compareText(a.field ?? '', b.field ?? '') ||
    compareText(a.problem, b.problem) ||
    compareText(a.resolution ?? '', b.resolution ?? '') ||
    compareText(a.kind ?? 'tracking_failure', b.kind ?? 'tracking_failure') ||
    0
  );
}

/** True for a resolved entry (one with a non-blank resolution). */
export function isResolved(entry: ErrorEntry): boolean {
  return entry.resolution !== undefined && oneLine(entry.resolution) !== '';
}

/** `entries` of one kind (an entry without a kind is a tracking failure), sorted. */
export function entriesOfKind(entries: readonly ErrorEntry[], kind: ErrorEntry['kind']): ErrorEntry[] {
  return entries.filter((e) => (e.kind ?? 'tracking_failure') === kind).sort(compareErrorEntries);
}

function entryTable(entries: readonly ErrorEntry[]): string[] {
  if (entries.length === 0) return ['None recorded.'];
  return table(
    ['Time', 'Task', 'Field', 'Problem', 'Status'],
    entries.map((e) => [
      e.at,
      e.taskId ?? '-',
      e.field ?? '-',
      e.problem,
      isResolved(e) ? 'resolved' : 'pending',
    ]),
  );
}

/**
 * The bytes of `errors-YYYY-MM-DD.md` for `date` (see the module doc for the layout). Entries may
 * come in any order. Throws when `date` is not a `YYYY-MM-DD` date.
 */
export function renderErrorLog(date: string, entries: readonly ErrorEntry[]): string {
  errorLogPath(date); // checks the date
  const failures = entriesOfKind(entries, 'tracking_failure');
  const anomalies = entriesOfKind(entries, 'anomaly');
  const resolved = [...entries].filter(isResolved).sort(compareErrorEntries);
  const recovery =
    resolved.length === 0
      ? ['- None.']
      : resolved.map((e) => {
          const task = e.taskId === null ? '' : ` ${strong(e.taskId)}`;
          const field = e.field === undefined ? '' : ` (${oneLine(e.field)})`;
          return `- ${oneLine(e.at)}${task}${field}: ${oneLine(e.resolution ?? '')}`;
        });
  return [
    `# Token Usage Errors: ${date}`,
    '',
    '## Tracking Failures',
    '',
    ...entryTable(failures),
    '',
    '## Anomalies',
    '',
    ...entryTable(anomalies),
    '',
    '## Recovery Actions',
    '',
    ...recovery,
    '',
  ].join('\n');
}
