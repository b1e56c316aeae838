/**
 * The rollup cache (ledger/sqlite/rollup-cache.ts): day rows remembered per rollup generation must
 * always equal what the rollup gives now, after any write; remembering never waits for a lock and is
 * skipped on a read-only ledger.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../src/capture/types.js';
import { cachedDays } from '../../src/ledger/sqlite/rollup-cache.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { Statements } from '../../src/ledger/sqlite/statements.js';
import type { DayRow, OffsetSpan } from '../../src/ledger/usage-repository.js';
import type { SizeClass } from '../../src/ledger/usage-sums.js';
import { HOUR, MIN, T0, usage, writeUsage } from './jsonl/jsonl-helpers.js';

const ORIGIN = { machine: 'm', user: 'u' };
const DAY = 86_400_000;
let dir: string;
let file: string;
let store: SqliteStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-rollup-cache-'));
  file = path.join(dir, 'ledger.db');
  store = SqliteStore.open(file);
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Usage written as one import (the rollup refreshed at once, as a reader would). */
function write(target: SqliteStore, records: UsageRecord[]): Promise<void> {
  return writeUsage(target, records, ORIGIN);
}

/** Two spans with different offsets, as a zone with a DST change gives. */
const SPANS: OffsetSpan[] = [
  { fromMs: T0 - 2 * DAY, toMs: T0 + DAY, offsetMs: 0 },
  { fromMs: T0 + DAY, toMs: T0 + 5 * DAY, offsetMs: 3_600_000 },
];

interface FreshRow {
  day: number;
  model: string;
  size_class: SizeClass;
  speed: string;
  geo: string;
  input: number;
  output: number;
  cw: number;
  cw1h: number;
  cr: number;
  ws: number;
  rc: number;
  rr: number;
  n: number;
  lb: number;
}

/** Day rows straight from the hourly rollup, with no cache involved. */
function fresh(db: string, spans: readonly OffsetSpan[]): DayRow[] {
  const ro = new Database(db, { readonly: true });
  try {
    const out: DayRow[] = [];
    for (const s of spans) {
      const rows = ro
        .prepare(
          `SELECT (hour * 3600000 + CAST(? AS INTEGER)) / 86400000 AS day, model, size_class, speed, geo, sum(input_tokens) AS input,
             sum(output_tokens) AS output, sum(cache_write_tokens) AS cw, sum(cache_write_1h_tokens) AS cw1h,
             sum(cache_read_tokens) AS cr, sum(web_search_requests) AS ws, sum(reported_cost) AS rc,
             sum(reported_rows) AS rr, sum(responses) AS n, sum(lower_bound) AS lb
           FROM usage_rollup_hour WHERE hour >= ? AND hour < ? GROUP BY 1, 2, 3, 4, 5, has_reported`,
        )
        .all(s.offsetMs, Math.floor(s.fromMs / HOUR), Math.ceil(s.toMs / HOUR)) as FreshRow[];
      for (const r of rows)
        out.push({
          day: r.day,
          model: r.model,
          sizeClass: r.size_class,
          speed: r.speed,
          geo: r.geo,
          input: r.input,
          output: r.output,
          cacheWrite: r.cw,
          cacheWrite1h: r.cw1h,
          cacheRead: r.cr,
          webSearch: r.ws,
          reportedCost: r.rc,
          reportedRows: r.rr,
          responses: r.n,
          lowerBound: r.lb,
        });
    }
    return out;
  } finally {
    ro.close();
  }
}

const sorted = (rows: DayRow[]) =>
  [...rows].sort((a, b) => a.day - b.day || a.model.localeCompare(b.model) || a.sizeClass - b.sizeClass);

function cacheRows(db: string): { key: string; generation: number }[] {
  const ro = new Database(db, { readonly: true });
  try {
    return ro.prepare('SELECT key, generation FROM rollup_cache').all() as {
      key: string;
      generation: number;
    }[];
  } finally {
    ro.close();
  }
}

describe('rollup cache', () => {
  it('remembers a read, answers the same from it, and forgets it when the rollup changes', async () => {
    await write(store, [usage({ dedupKey: 'a', ts: T0, input: 10, reportedCost: 0.5 })]);
    const first = await store.days(SPANS);
    expect(sorted(first)).toEqual(sorted(fresh(file, SPANS)));
    expect(cacheRows(file)).toHaveLength(1);
    expect(await store.days(SPANS)).toEqual(first);

    await write(store, [
      usage({ dedupKey: 'b', ts: T0 + 2 * DAY + 5 * MIN, input: 7, model: 'claude-haiku-4-5' }),
    ]);
    const second = await store.days(SPANS);
    expect(second).not.toEqual(first);
    expect(sorted(second)).toEqual(sorted(fresh(file, SPANS)));
    // The stale row went when the new one was remembered.
    const rows = cacheRows(file);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.generation).toBeGreaterThan(0);
  });

  it('sees another process’s writes at once', async () => {
    await write(store, [usage({ dedupKey: 'a', ts: T0, input: 10 })]);
    await store.days(SPANS);
    const other = SqliteStore.open(file);
    try {
      await write(other, [usage({ dedupKey: 'a', ts: T0, input: 25 })]);
      await other.refreshRollup();
    } finally {
      await other.close();
    }
    const rows = await store.days(SPANS);
    expect(rows.reduce((n, r) => n + r.input, 0)).toBe(25);
  });

  it('after an import, groups again only the days it touched, and the rest comes from memory', async () => {
    // Usage on five days; the remembered read is then altered to show which days were read again.
    for (let d = 0; d < 5; d++)
      await write(store, [usage({ dedupKey: `d${d}`, ts: T0 + d * DAY, input: 10 + d })]);
    const spans = [{ fromMs: T0 - DAY, toMs: T0 + 6 * DAY, offsetMs: 0 }];
    expect((await store.days(spans)).map((r) => r.input)).toEqual([10, 11, 12, 13, 14]);
    const db = new Database(file);
    const row = db.prepare('SELECT key, data FROM rollup_cache').get() as { key: string; data: string };
    const tuples = JSON.parse(row.data) as unknown[][];
    for (const t of tuples) t[6] = 999;
    db.prepare('UPDATE rollup_cache SET data = ? WHERE key = ?').run(JSON.stringify(tuples), row.key);
    db.close();
    await write(store, [usage({ dedupKey: 'd2-more', ts: T0 + 2 * DAY + HOUR, input: 5 })]);
    // Day 2 was grouped again (12 + 5); the others come from memory.
    expect((await store.days(spans)).map((r) => r.input)).toEqual([999, 999, 17, 999, 999]);
  });

  it('groups everything again when the record of refreshes since is incomplete', async () => {
    await write(store, [usage({ dedupKey: 'a', ts: T0, input: 10 })]);
    const spans = [{ fromMs: T0 - DAY, toMs: T0 + 2 * DAY, offsetMs: 0 }];
    await store.days(spans);
    await write(store, [usage({ dedupKey: 'b', ts: T0 + DAY, input: 7 })]);
    await store.refreshRollup();
    const db = new Database(file);
    db.exec('DELETE FROM rollup_changes');
    const row = db.prepare('SELECT key, data FROM rollup_cache').get() as { key: string; data: string };
    const tuples = JSON.parse(row.data) as unknown[][];
    for (const t of tuples) t[6] = 999;
    db.prepare('UPDATE rollup_cache SET data = ? WHERE key = ?').run(JSON.stringify(tuples), row.key);
    db.close();
    expect((await store.days(spans)).map((r) => r.input)).toEqual([10, 7]);
  });

  it('does not wait for another writer, and does not remember then', async () => {
    await write(store, [usage({ dedupKey: 'a', ts: T0, input: 10 })]);
    await store.refreshRollup();
    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE');
    try {
      const rows = await store.days(SPANS);
      expect(sorted(rows)).toEqual(sorted(fresh(file, SPANS)));
      expect(cacheRows(file)).toHaveLength(0);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    await store.days(SPANS);
    expect(cacheRows(file)).toHaveLength(1);
  });

  it('answers from a read-only connection without remembering', async () => {
    await write(store, [usage({ dedupKey: 'a', ts: T0, input: 10 })]);
    await store.refreshRollup();
    const ro = new Database(file, { readonly: true });
    try {
      const rows = cachedDays(new Statements(ro), 'days:test', {
        spans: SPANS,
        unitMs: HOUR,
        query: (i, from, to) => {
          const span = SPANS[i];
          if (span === undefined) return [];
          return fresh(file, [{ ...span, fromMs: from * HOUR, toMs: to * HOUR }]);
        },
      });
      expect(sorted(rows)).toEqual(sorted(fresh(file, SPANS)));
      expect(cacheRows(file)).toHaveLength(0);
    } finally {
      ro.close();
    }
  });

  it('always equals the rollup, over any sequence of writes and reads (property)', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('write' as const),
        key: fc.integer({ min: 0, max: 5 }),
        at: fc.integer({ min: -2 * 24 * 4, max: 5 * 24 * 4 }),
        input: fc.integer({ min: 0, max: 1000 }),
        haiku: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('read' as const), spans: fc.integer({ min: 0, max: 1 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-rollup-prop-'));
        const f = path.join(d, 'ledger.db');
        const s = SqliteStore.open(f);
        try {
          for (const o of ops) {
            if (o.kind === 'write') {
              await write(s, [
                usage({
                  dedupKey: `k${o.key}`,
                  ts: T0 + o.at * 15 * MIN,
                  input: o.input,
                  ...(o.haiku ? { model: 'claude-haiku-4-5' } : {}),
                }),
              ]);
            } else {
              const spans =
                o.spans === 0 ? SPANS : [{ fromMs: T0 - 3 * DAY, toMs: T0 + 6 * DAY, offsetMs: 0 }];
              const got = await s.days(spans);
              expect(sorted(got)).toEqual(sorted(fresh(f, spans)));
              // The same rows in the same order as a read with nothing remembered (sums add up alike).
              const db = new Database(f);
              db.exec('DELETE FROM rollup_cache');
              db.close();
              const other = SqliteStore.open(f);
              try {
                expect(got).toEqual(await other.days(spans));
              } finally {
                await other.close();
              }
            }
          }
          expect(sorted(await s.days(SPANS))).toEqual(sorted(fresh(f, SPANS)));
        } finally {
          await s.close();
          fs.rmSync(d, { recursive: true, force: true });
        }
      }),
      { numRuns: 40 },
    );
  });
});
