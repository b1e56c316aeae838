/**
 * Calendar arithmetic in an IANA time zone: which local date, week and month an instant falls in,
 * and when a local date starts. Offsets are memoized per UTC day (and per 15 minutes on the rare
 * days with a DST change), so grouping a year of 15-minute buckets stays cheap.
 * @module
 */
import fs from 'node:fs';
import { ExitCode, UserError } from '../util/errors.js';

const DAY_MS = 86_400_000;
const QUARTER_MS = 900_000;

export type WeekStart = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** A time span with one UTC offset. */
export interface OffsetSegment {
  fromMs: number;
  toMs: number;
  /** Local time minus UTC, in ms. */
  offsetMs: number;
}
export const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;

/**
 * The machine's time zone name, without initialising Intl when it can be read from `TZ` or the
 * `/etc/localtime` link (Intl's first use costs more than a warm report).
 */
export function systemTimeZone(): string {
  const tz = process.env.TZ;
  if (tz !== undefined && /^[A-Za-z]+(?:[/_+-][A-Za-z0-9_+-]+)*$/.test(tz)) return tz;
  if (tz === undefined || tz === '') {
    try {
      const link = fs.readlinkSync('/etc/localtime');
      const m = /zoneinfo\/(.+)$/.exec(link);
      if (m?.[1]) return m[1];
    } catch {}
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function checkTimeZone(tz: string, setting = '--timezone'): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    throw new UserError(
      `${setting} "${tz}" is not a known time zone; use an IANA name such as UTC, Europe/Berlin or America/New_York.`,
      ExitCode.usage,
    );
  }
}

function isoDate(daysSinceEpoch: number): string {
  return new Date(daysSinceEpoch * DAY_MS).toISOString().slice(0, 10);
}

export class ZonedClock {
  readonly tz: string;
  /** Null for the process's own zone, whose offsets `Date` gives without Intl. */
  readonly #fmt: Intl.DateTimeFormat | null;
  readonly #dayOffsets = new Map<number, number | null>();
  readonly #quarterOffsets = new Map<number, number>();

  /** A clock in `tz`; `system: true` when `tz` is the process's own zone (no Intl needed). */
  constructor(tz: string, options: { system?: boolean } = {}) {
    if (options.system === true) {
      this.tz = tz;
      this.#fmt = null;
      return;
    }
    this.tz = checkTimeZone(tz);
    this.#fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The clock of the process's own time zone (TZ or the system setting). */
  static system(): ZonedClock {
    return new ZonedClock(systemTimeZone(), { system: true });
  }

  /** Local wall-clock time minus UTC, in ms, at instant `ms`. */
  #offsetAt(ms: number): number {
    if (this.#fmt === null) return -new Date(ms).getTimezoneOffset() * 60_000;
    const p: Record<string, number> = {};
    for (const part of this.#fmt.formatToParts(new Date(ms)))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(
      p.year ?? 1970,
      (p.month ?? 1) - 1,
      p.day ?? 1,
      p.hour ?? 0,
      p.minute ?? 0,
      p.second ?? 0,
    );
    return wall - (ms - (((ms % 1000) + 1000) % 1000));
  }

  /** The offset at `ms`: one lookup per UTC day unless the offset changes that day. */
  offset(ms: number): number {
    const day = Math.floor(ms / DAY_MS);
    let known = this.#dayOffsets.get(day);
    if (known === undefined) {
      const a = this.#offsetAt(day * DAY_MS);
      const b = this.#offsetAt((day + 1) * DAY_MS - 1);
      known = a === b ? a : null;
      this.#dayOffsets.set(day, known);
    }
    if (known !== null) return known;
    const q = Math.floor(ms / QUARTER_MS);
    let o = this.#quarterOffsets.get(q);
    if (o === undefined) {
      o = this.#offsetAt(q * QUARTER_MS);
      this.#quarterOffsets.set(q, o);
    }
    return o;
  }

  /** Days since 1970-01-01 of the local date of `ms`. */
  localDay(ms: number): number {
    return Math.floor((ms + this.offset(ms)) / DAY_MS);
  }

  /** `YYYY-MM-DD` of a local day number (days since 1970-01-01). */
  static dayString(day: number): string {
    return isoDate(day);
  }

  /** `YYYY-MM-DD` in this zone. */
  dateOf(ms: number): string {
    return isoDate(this.localDay(ms));
  }

  /** `YYYY-MM` in this zone. */
  monthOf(ms: number): string {
    return isoDate(this.localDay(ms)).slice(0, 7);
  }

  /** The first day (`YYYY-MM-DD`) of the week holding `ms`. */
  weekOf(ms: number, start: WeekStart): string {
    const day = this.localDay(ms);
    const dow = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    return isoDate(day - ((dow - start + 7) % 7));
  }

  /**
   * Splits [fromMs, toMs) into spans of constant UTC offset. Offsets are sampled weekly and each
   * change is located by bisection to the quarter hour (all real transitions fall on one).
   */
  segments(fromMs: number, toMs: number): OffsetSegment[] {
    const out: OffsetSegment[] = [];
    if (toMs <= fromMs) return out;
    const WEEK = 7 * DAY_MS;
    let start = fromMs;
    let offset = this.offset(fromMs);
    for (let probe = Math.min(fromMs + WEEK, toMs - 1); ; probe = Math.min(probe + WEEK, toMs - 1)) {
      const o = this.offset(probe);
      if (o !== offset) {
        // The change lies in (probe - WEEK, probe]; bisect on quarter hours.
        let lo = Math.floor(Math.max(start, probe - WEEK) / QUARTER_MS);
        let hi = Math.floor(probe / QUARTER_MS);
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.offset(mid * QUARTER_MS) === offset) lo = mid;
          else hi = mid;
        }
        const at = hi * QUARTER_MS;
        out.push({ fromMs: start, toMs: at, offsetMs: offset });
        start = at;
        offset = this.offset(at);
        probe = at;
      }
      if (probe >= toMs - 1) break;
    }
    out.push({ fromMs: start, toMs, offsetMs: offset });
    return out;
  }

  /** The UTC instant at which local date `date` (YYYY-MM-DD) begins. */
  startOf(date: string): number {
    const [y, m, d] = date.split('-').map(Number);
    const wall = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
    let guess = wall - this.#offsetAt(wall);
    guess = wall - this.#offsetAt(guess);
    return guess;
  }
}

/** Parses `YYYYMMDD` or `YYYY-MM-DD` into `YYYY-MM-DD`, or throws a usage error naming the flag. */
export function parseDateFlag(value: string, flag: string): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value.trim());
  if (m) {
    const iso = `${m[1]}-${m[2]}-${m[3]}`;
    const t = Date.parse(`${iso}T00:00:00Z`);
    if (!Number.isNaN(t) && new Date(t).toISOString().startsWith(iso)) return iso;
  }
  throw new UserError(
    `${flag} "${value}" is not a date; use YYYY-MM-DD or YYYYMMDD, e.g. 2026-11-01.`,
    ExitCode.usage,
  );
}

/** Adds days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  return isoDate(Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS) + days);
}
