/**
 * Safe file names for task ids. Seed 000 §6.1 names a per-task log
 * `/token-usage/tasks/usage-YYYY-MM-DD-HHMM-<short-task-id>.json`, and task ids come from the
 * caller: `../../x`, absolute paths, NUL, control characters, very long ids and non-ASCII text
 * must never leave that folder or break the name. The original id is kept inside the file.
 * @module
 */
import { fingerprint } from '../../util/fingerprint.js';

/** Longest stem, in bytes (every stem is ASCII, so also in characters). */
export const MAX_STEM_LENGTH = 64;

/** What is kept of an id as it is: ASCII letters, digits, `-` and `_`. */
const CLEAN = /^[A-Za-z0-9_-]+$/;
/** The tail every hashed stem has; a clean id that ends like it is hashed too, so the two never meet. */
const HASH_TAIL = /-[0-9a-f]{16}$/;
/** Length of `-` + the 16 hex digits of the hash. */
const HASH_PART = 17;
/** Readable prefix when nothing of an id is left (`..`, `日本`). */
const FALLBACK = 'task';

/**
 * The `<short-task-id>` part of a file name. An id made only of ASCII letters, digits, `-` and `_`,
 * at most {@link MAX_STEM_LENGTH} long and not ending in `-` + 16 hex digits, is used as it is.
 * Any other id is made readable (each run of other characters, `.` included, becomes one `_`;
 * `_`/`-` at either end are trimmed; cut to 47 characters; `task` when nothing is left) and gets
 * `-` + the 16-hex-digit `fingerprint` of the whole original id appended.
 *
 * So a stem matches `/^[A-Za-z0-9_-]{1,64}$/`: no path separator, no `.` (hence no `..` and no
 * leading dot), no NUL or control character. Distinct ids give distinct stems: kept ids are
 * unchanged and never end like a hashed stem, and hashed stems differ unless 64-bit fingerprints
 * collide. Stems differing only in case can still meet on a case-insensitive file system, so
 * writers should create files exclusively.
 * @example taskFileStem('T-12') // 'T-12'
 * @example taskFileStem('../../x') // 'x-' + fingerprint('../../x')
 */
export function taskFileStem(taskId: string): string {
  if (taskId.length <= MAX_STEM_LENGTH && CLEAN.test(taskId) && !HASH_TAIL.test(taskId)) return taskId;
  const readable = taskId
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^[_-]+/, '')
    .slice(0, MAX_STEM_LENGTH - HASH_PART)
    .replace(/[_-]+$/, '');
  return `${readable || FALLBACK}-${fingerprint(taskId)}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * `YYYY-MM-DD-HHMM` of an instant on the wall clock of `timeZone`.
 * @throws RangeError for an invalid date, an unknown time zone, or a year outside 1000–9999
 */
export function fileTimestamp(at: Date, timeZone = 'UTC'): string {
  if (Number.isNaN(at.getTime())) throw new RangeError('fileTimestamp: invalid date');
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) parts[part.type] = part.value;
  const { year = '', month, day, hour, minute } = parts;
  // Years before 1000 are not padded; BC years are printed without an era, hence the UTC check.
  if (!/^\d{4}$/.test(year) || at.getUTCFullYear() < 1) {
    throw new RangeError(`fileTimestamp: year ${year} does not fit in four digits`);
  }
  return `${year}-${month}-${day}-${hour}${minute}`;
}

/**
 * Seed 000 §6.1's per-task log name, `usage-YYYY-MM-DD-HHMM-<stem>.json`, with the stem of
 * {@link taskFileStem}. The time is read in `timeZone` (an IANA name), UTC by default: the seed's
 * timestamps are UTC (`"2025-11-28T14:30:00Z"`), and UTC names do not depend on the machine;
 * pass the configured `timezone` to name files on local time.
 * @param at - usually the request's `timestampMs`, or the time it arrived when that is missing
 * @throws RangeError as {@link fileTimestamp}
 * @example taskUsageFileName('T-12', new Date('2025-11-28T14:30:00Z')) // 'usage-2025-11-28-1430-T-12.json'
 */
export function taskUsageFileName(taskId: string, at: Date, timeZone = 'UTC'): string {
  return `usage-${fileTimestamp(at, timeZone)}-${taskFileStem(taskId)}.json`;
}
