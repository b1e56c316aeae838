/**
 * Reports' day rows of the rollup, remembered per rollup generation. A daily report with nothing new
 * reads one row instead of grouping thousands of hourly rows (about 10 ms of a 100 ms report); after
 * an import, only the days the import touched are grouped again.
 *
 * Every rollup refresh moves the generation (meta `rollup_generation`) and records the hours it
 * rebuilt (`rollup_changes`), in the same transaction. Remembered rows are used as they are while the
 * generation has not moved; when it has, and every refresh since is on record, the days those hours
 * fall on are grouped again and the rest kept; otherwise everything is grouped again.
 * @module
 */
import type { DayRow, OffsetSpan } from '../usage-repository.js';
import type { SizeClass } from '../usage-sums.js';
import { type Statements, tryWriteNow } from './statements.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** More refreshes than this since the remembered rows: group everything again. */
const MAX_CHANGES = 256;
/** Refreshes kept on record, and remembered reads kept. */
const KEEP_CHANGES = 2_000;
const KEEP_READS = 32;

/** Where day rows come from: the spans of a read and a query of one span between two units. */
export interface DaySource {
  spans: readonly OffsetSpan[];
  /** The rollup unit: an hour or a quarter hour, in ms. */
  unitMs: number;
  /** The day rows of span `span` from units `fromUnit` (inclusive) to `toUnit` (exclusive). */
  query(span: number, fromUnit: number, toUnit: number): DayRow[];
}

/** A day row with the span it came from. */
interface SpanDayRow extends DayRow {
  span: number;
}

/** The order a full read gives: span, then the grouping keys (so float sums add up in one order). */
function compareRows(a: SpanDayRow, b: SpanDayRow): number {
  return (
    a.span - b.span ||
    a.day - b.day ||
    (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) ||
    a.sizeClass - b.sizeClass ||
    (a.speed < b.speed ? -1 : a.speed > b.speed ? 1 : 0) ||
    (a.geo < b.geo ? -1 : a.geo > b.geo ? 1 : 0) ||
    Math.sign(a.reportedRows) - Math.sign(b.reportedRows)
  );
}

/** The units a span's query covers: every unit that overlaps it. */
function unitsOf(src: DaySource, i: number): [number, number] {
  const span = src.spans[i];
  if (span === undefined) return [0, 0];
  return [Math.floor(span.fromMs / src.unitMs), Math.ceil(span.toMs / src.unitMs)];
}

function readAll(src: DaySource): SpanDayRow[] {
  const out: SpanDayRow[] = [];
  src.spans.forEach((_, i) => {
    const [from, to] = unitsOf(src, i);
    for (const r of src.query(i, from, to)) out.push({ ...r, span: i });
  });
  return out.sort(compareRows);
}

/**
 * The remembered rows brought up to date: the (span, day) pairs the changed hours fall on are read
 * again, the others kept.
 */
function readChanged(src: DaySource, kept: SpanDayRow[], changes: readonly [number, number][]): SpanDayRow[] {
  const affected = new Map<number, Set<number>>();
  src.spans.forEach((span, i) => {
    const [fromUnit, toUnit] = unitsOf(src, i);
    const lo = fromUnit * src.unitMs;
    const hi = toUnit * src.unitMs;
    for (const [fromHour, toHour] of changes) {
      const a = Math.max(fromHour * HOUR_MS, lo);
      const b = Math.min(toHour * HOUR_MS, hi);
      if (a >= b) continue;
      const days = affected.get(i) ?? new Set<number>();
      affected.set(i, days);
      const last = Math.floor((b - 1 + span.offsetMs) / DAY_MS);
      for (let d = Math.floor((a + span.offsetMs) / DAY_MS); d <= last; d++) days.add(d);
    }
  });
  const out = kept.filter((r) => affected.get(r.span)?.has(r.day) !== true);
  for (const [i, days] of affected) {
    const span = src.spans[i];
    if (span === undefined) continue;
    const [fromUnit, toUnit] = unitsOf(src, i);
    for (const d of days) {
      const start = (d * DAY_MS - span.offsetMs) / src.unitMs;
      const from = Math.max(fromUnit, start);
      const to = Math.min(toUnit, start + DAY_MS / src.unitMs);
      if (from < to) for (const r of src.query(i, from, to)) out.push({ ...r, span: i });
    }
  }
  return out.sort(compareRows);
}

/** The cached fields of a {@link SpanDayRow}, in order. */
type DayTuple = [
  span: number,
  day: number,
  model: string,
  sizeClass: SizeClass,
  speed: string,
  geo: string,
  input: number,
  output: number,
  cacheWrite: number,
  cacheWrite1h: number,
  cacheRead: number,
  webSearch: number,
  reportedCost: number,
  reportedRows: number,
  responses: number,
  lowerBound: number,
];

function encode(rows: readonly SpanDayRow[]): string {
  return JSON.stringify(
    rows.map(
      (r): DayTuple => [
        r.span,
        r.day,
        r.model,
        r.sizeClass,
        r.speed,
        r.geo,
        r.input,
        r.output,
        r.cacheWrite,
        r.cacheWrite1h,
        r.cacheRead,
        r.webSearch,
        r.reportedCost,
        r.reportedRows,
        r.responses,
        r.lowerBound,
      ],
    ),
  );
}

function decode(data: string): SpanDayRow[] {
  return (JSON.parse(data) as DayTuple[]).map((t) => ({
    span: t[0],
    day: t[1],
    model: t[2],
    sizeClass: t[3],
    speed: t[4],
    geo: t[5],
    input: t[6],
    output: t[7],
    cacheWrite: t[8],
    cacheWrite1h: t[9],
    cacheRead: t[10],
    webSearch: t[11],
    reportedCost: t[12],
    reportedRows: t[13],
    responses: t[14],
    lowerBound: t[15],
  }));
}

function currentGeneration(s: Statements): number | undefined {
  return s.get("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rollup_generation'").pluck().get() as
    | number
    | undefined;
}

/**
 * Moves the rollup generation on and returns the new one; call inside the transaction that refreshes
 * the rollup, and record each range of hours rebuilt with {@link recordRollupChange}.
 */
export function nextRollupGeneration(s: Statements): number {
  s.get(
    "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'rollup_generation'",
  ).run();
  const generation = currentGeneration(s) ?? 0;
  s.get('DELETE FROM rollup_changes WHERE generation <= ?').run(generation - KEEP_CHANGES);
  return generation;
}

/** Records that refresh `generation` rebuilt the hours from `fromHour` (inclusive) to `toHour`. */
export function recordRollupChange(
  s: Statements,
  generation: number,
  fromHour: number,
  toHour: number,
): void {
  s.get('INSERT INTO rollup_changes (generation, from_hour, to_hour) VALUES (?, ?, ?)').run(
    generation,
    fromHour,
    toHour,
  );
}

/**
 * The day rows of `src` for `key` (a description of the spans and unit), from what was remembered
 * when possible. The generation, the remembered rows and any rows read again are read in one
 * transaction, so what is remembered is what the rollup held at that generation. Remembering is
 * best effort: it never waits for another process's lock, and a read-only ledger does not remember.
 */
export function cachedDays(s: Statements, key: string, src: DaySource): DayRow[] {
  const read = s.db.transaction((): { generation: number | null; rows: SpanDayRow[]; hit: boolean } => {
    const generation = currentGeneration(s);
    if (generation === undefined) return { generation: null, rows: readAll(src), hit: false };
    const cached = s.get('SELECT generation, data FROM rollup_cache WHERE key = ?').get(key) as
      | { generation: number; data: string }
      | undefined;
    if (cached === undefined || cached.generation > generation)
      return { generation, rows: readAll(src), hit: false };
    if (cached.generation === generation) return { generation, rows: decode(cached.data), hit: true };
    const changes = s
      .get(
        'SELECT generation, from_hour, to_hour FROM rollup_changes WHERE generation > ? AND generation <= ?',
      )
      .raw()
      .all(cached.generation, generation) as [number, number, number][];
    const onRecord = new Set(changes.map((c) => c[0])).size === generation - cached.generation;
    if (!onRecord || changes.length > MAX_CHANGES) return { generation, rows: readAll(src), hit: false };
    const ranges = changes.map((c): [number, number] => [c[1], c[2]]);
    return { generation, rows: readChanged(src, decode(cached.data), ranges), hit: false };
  });
  const { generation, rows, hit } = read.deferred();
  if (!hit && generation !== null) remember(s, key, generation, rows);
  return rows.map(({ span: _, ...day }) => day);
}

function remember(s: Statements, key: string, generation: number, rows: readonly SpanDayRow[]): void {
  // Busy (another process writes now) or read-only: the next report remembers instead.
  tryWriteNow(s, () => {
    s.get(
      `INSERT INTO rollup_cache (key, generation, data) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET generation = excluded.generation, data = excluded.data`,
    ).run(key, generation, encode(rows));
    s.get(
      'DELETE FROM rollup_cache WHERE key NOT IN (SELECT key FROM rollup_cache ORDER BY generation DESC LIMIT ?)',
    ).run(KEEP_READS);
  });
}
