/**
 * Strict reading of the ISO 8601 date-times seed 000 §4.1 asks for in `timestamp`
 * (`"2025-11-28T14:30:00Z"` in its §6.1 example). `Date.parse` is not used: it accepts non-ISO
 * text ("Nov 28 2025"), reads offset-less date-times as local time, and rolls impossible dates over.
 * @module
 */

/** A parsed timestamp. */
export interface IsoTimestamp {
  /** Epoch milliseconds (fractions beyond milliseconds are truncated). */
  ms: number;
  /** False when the text had no `Z` or `±hh:mm` offset and was read as UTC. */
  hasOffset: boolean;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

function offsetMinutes(zone: string): number | null {
  if (zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes);
}

/**
 * Reads `YYYY-MM-DDThh:mm[:ss[.fff…]][Z|±hh[:mm]]`: the extended ISO 8601 date-time (RFC 3339 plus
 * optional seconds). Returns null for anything else, including impossible dates (`2025-02-30`),
 * hour 24 and leap seconds. Text without an offset is read as UTC (`hasOffset: false`).
 */
export function parseIsoTimestamp(text: string): IsoTimestamp | null {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offset = m[8] === undefined ? 0 : offsetMinutes(m[8]);
  if (offset === null) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millis);
  return { ms: d.getTime() - offset * 60_000, hasOffset: m[8] !== undefined };
}
