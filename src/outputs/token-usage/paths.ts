/**
 * Where each file of the `/token-usage/` tree goes (seed 000, section 6), as a path relative to
 * the tree's root, always with `/` separators:
 *
 * - `tasks/usage-YYYY-MM-DD-HHMM-<short-task-id>.json` (6.1)
 * - `usage-YYYY-MM-DD.md` (6.2)
 * - `reports/usage-review-YYYY-MM-DD.md` (6.3)
 * - `errors-YYYY-MM-DD.md` (6.4)
 *
 * Nothing is read from the clock: dates and timestamps are inputs.
 * @module
 */
import { checkDate } from './format.js';

/** The folder of the per-task logs, under the root. */
export const TASKS_DIR = 'tasks';

/** The folder of the periodic reviews, under the root. */
export const REPORTS_DIR = 'reports';

/** What a task file stem may be made of. */
export const SAFE_STEM = /^[A-Za-z0-9._-]+$/;

/**
 * Returns `stem` when it is safe as part of a file name: only `A-Z a-z 0-9 . _ -`, and no `..`.
 * Throws an Error otherwise. The stem comes from the task-id sanitizer (written elsewhere), so it is
 * already expected to be safe; this is a guard, not a sanitizer: nothing is rewritten.
 */
export function checkTaskFileStem(stem: string): string {
  if (!SAFE_STEM.test(stem) || stem.includes('..')) {
    throw new Error(
      `task file stem must match ${String(SAFE_STEM)} and hold no "..", got ${JSON.stringify(stem)}`,
    );
  }
  return stem;
}

/** An ISO 8601 timestamp with a date, hours, minutes and an explicit zone (`Z` or `±hh:mm`). */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * `YYYY-MM-DD-HHMM` of `timestamp` in UTC (`2025-11-28T16:30:00+02:00` → `2025-11-28-1430`). The
 * timestamp must carry its zone, so the result does not depend on the machine's time zone. Throws
 * an Error for anything else.
 */
export function taskFileMinute(timestamp: string): string {
  const ms = ISO_TIMESTAMP.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new Error(
      `timestamp must be ISO 8601 with a zone (e.g. 2025-11-28T14:30:00Z), got ${JSON.stringify(timestamp)}`,
    );
  }
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/**
 * `tasks/usage-YYYY-MM-DD-HHMM-<stem>.json` (seed 6.1), the minute taken from `timestamp` in UTC.
 * `stem` is the short task id, already made safe by the sanitizer; it is checked with
 * {@link checkTaskFileStem} (throws when it is not safe).
 */
export function taskFilePath(timestamp: string, stem: string): string {
  return `${TASKS_DIR}/usage-${taskFileMinute(timestamp)}-${checkTaskFileStem(stem)}.json`;
}

/** `usage-YYYY-MM-DD.md` (seed 6.2). Throws when `date` is not a `YYYY-MM-DD` date. */
export function dailySummaryPath(date: string): string {
  return `usage-${checkDate(date, 'date')}.md`;
}

/** `errors-YYYY-MM-DD.md` (seed 6.4). Throws when `date` is not a `YYYY-MM-DD` date. */
export function errorLogPath(date: string): string {
  return `errors-${checkDate(date, 'date')}.md`;
}

/** `reports/usage-review-YYYY-MM-DD.md` (seed 6.3). Throws when `date` is not a `YYYY-MM-DD` date. */
export function reviewPath(date: string): string {
  return `${REPORTS_DIR}/usage-review-${checkDate(date, 'date')}.md`;
}
