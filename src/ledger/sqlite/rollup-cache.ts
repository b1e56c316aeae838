/**
 * Reports' reads of the rollup, remembered per rollup generation: a daily report with nothing new
 * reads one row instead of grouping thousands of hourly rows (about 10 ms of a 100 ms report). The
 * generation (meta `rollup_generation`) moves with every rollup refresh, in the same transaction, so
 * a remembered read is used only while the rollup is exactly as it was when it was read.
 * @module
 */
import type { DayRow, SizeClass } from '../store.js';
import { type Statements, tryWriteNow } from './statements.js';

/** The cached fields of a {@link DayRow}, in order. */
type DayTuple = [
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

function encode(rows: readonly DayRow[]): string {
  return JSON.stringify(
    rows.map(
      (r): DayTuple => [
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

function decode(data: string): DayRow[] {
  return (JSON.parse(data) as DayTuple[]).map((t) => ({
    day: t[0],
    model: t[1],
    sizeClass: t[2],
    speed: t[3],
    geo: t[4],
    input: t[5],
    output: t[6],
    cacheWrite: t[7],
    cacheWrite1h: t[8],
    cacheRead: t[9],
    webSearch: t[10],
    reportedCost: t[11],
    reportedRows: t[12],
    responses: t[13],
    lowerBound: t[14],
  }));
}

/** Bumps the rollup generation; call inside the transaction that changed the rollup. */
export function bumpRollupGeneration(s: Statements): void {
  s.get(
    "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'rollup_generation'",
  ).run();
}

/**
 * `compute()`'s day rows for `key`, from the cache when they were remembered at the current
 * generation. The generation and the rows are read in one transaction, so what is remembered is
 * what the rollup held at that generation. Remembering is best effort: it never waits for another
 * process's lock, and a read-only ledger simply does not remember.
 */
export function cachedDays(s: Statements, key: string, compute: () => DayRow[]): DayRow[] {
  const read = s.db.transaction((): { generation: number | null; rows: DayRow[]; hit: boolean } => {
    const generation = s
      .get("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rollup_generation'")
      .pluck()
      .get() as number | undefined;
    if (generation === undefined) return { generation: null, rows: compute(), hit: false };
    const data = s
      .get('SELECT data FROM rollup_cache WHERE key = ? AND generation = ?')
      .pluck()
      .get(key, generation) as string | undefined;
    return data === undefined
      ? { generation, rows: compute(), hit: false }
      : { generation, rows: decode(data), hit: true };
  });
  const { generation, rows, hit } = read.deferred();
  if (!hit && generation !== null) remember(s, key, generation, rows);
  return rows;
}

function remember(s: Statements, key: string, generation: number, rows: readonly DayRow[]): void {
  // Busy (another process writes now) or read-only: the next report remembers instead.
  tryWriteNow(s, () => {
    s.get('DELETE FROM rollup_cache WHERE generation <> ?').run(generation);
    s.get(
      `INSERT INTO rollup_cache (key, generation, data) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET generation = excluded.generation, data = excluded.data`,
    ).run(key, generation, encode(rows));
  });
}
