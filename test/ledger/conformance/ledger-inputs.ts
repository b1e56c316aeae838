/**
 * Inputs and views for the conformance suite, built from the contract's public types only: usage
 * records and file writes in, canonical group and rollup views out (equal ledgers give equal views).
 * @module
 */
import type { FileCursor, UsageRecord } from '../../../src/capture/types.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { FileWrite, GroupDimension, GroupRow } from '../../../src/ledger/usage-repository.js';
import type { UsageSums } from '../../../src/ledger/usage-sums.js';
import type { OpenedLedger, OpenLedger } from './describe-ledger.js';

export { HOUR, MIN, T0, usage } from '../jsonl/jsonl-helpers.js';

export const ORIGIN = { machine: 'm', user: 'u' } as const;
export const DAY = 86_400_000;
/** A property opens a fresh ledger per run: a server backend needs more than the default test timeout. */
export const PROPERTY_TIMEOUT_MS = 180_000;

/** Runs `fn` on a fresh ledger and cleans it up, whatever happens. */
export async function withLedger<T>(open: OpenLedger, fn: (ledger: OpenedLedger) => Promise<T>): Promise<T> {
  const ledger = await open();
  try {
    return await fn(ledger);
  } finally {
    await ledger.cleanup();
  }
}

/** One file's import: its records, read from the start, with a cursor only when one is given. */
export function fileWrite(
  path: string,
  records: UsageRecord[],
  more: Partial<Omit<FileWrite, 'path' | 'records'>> = {},
): FileWrite {
  return {
    path,
    cursor: null,
    fromStart: true,
    readAt: Date.now(),
    bytesRead: 0,
    bytesLeft: 0,
    records,
    costStates: [],
    agentFacts: [],
    problems: [],
    ...more,
  };
}

/** A cursor of `path` at `offset`. */
export function cursorOf(path: string, offset: number, head = 'h1'): FileCursor {
  return {
    path,
    identity: '1:2',
    size: offset,
    mtimeMs: 1,
    offset,
    headHash: head,
    headLength: 4096,
    tailHash: 't',
  };
}

/** The numbers of a row of sums, costs to the nano-dollar (sums in another order differ in the last bits). */
export function sumsOf(r: UsageSums): number[] {
  return [
    r.input,
    r.output,
    r.cacheWrite,
    r.cacheWrite1h,
    r.cacheRead,
    r.webSearch,
    Math.round(r.reportedCost * 1e9),
    r.reportedRows,
    r.responses,
    r.lowerBound,
  ];
}

function addInto(map: Record<string, number[]>, key: string, r: UsageSums): void {
  const cur = map[key];
  const add = sumsOf(r);
  map[key] = cur === undefined ? add : cur.map((x, i) => x + (add[i] ?? 0));
}

/**
 * Groups by `dims` as a map `value|value|bucket|model|sizeClass|speed|geo` → sums, with first and last
 * times: equal ledgers give equal maps, whatever the row order.
 */
export function groupMap(
  rows: readonly GroupRow[],
  dims: readonly GroupDimension[],
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const r of rows) {
    const key = [...dims.map((d) => r.values[d] ?? '-'), r.bucket, r.model, r.sizeClass, r.speed, r.geo].join(
      '|',
    );
    addInto(out, key, r);
    const times = out[`${key}|times`];
    out[`${key}|times`] = [
      Math.min(times?.[0] ?? r.firstTs, r.firstTs),
      Math.max(times?.[1] ?? r.lastTs, r.lastTs),
    ];
  }
  return out;
}

/** Sums per value of `dims` only (buckets and pricing keys summed away). */
export async function totalsBy(
  store: LedgerStore,
  dims: readonly GroupDimension[],
  filter: Parameters<LedgerStore['groups']>[0]['filter'] = {},
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const r of await store.groups({ dimensions: dims, filter }))
    addInto(out, dims.map((d) => r.values[d] ?? '-').join('|'), r);
  return out;
}

/** Input tokens per value of `dims` (`a|b` → sum). */
export async function inputBy(
  store: LedgerStore,
  dims: readonly GroupDimension[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await store.groups({ dimensions: dims, filter: {} })) {
    const key = dims.map((d) => r.values[d] || '-').join('|');
    out[key] = (out[key] ?? 0) + r.input;
  }
  return out;
}

/** The dimension sets a whole-ledger comparison groups by. */
export const VIEW_DIMENSIONS: readonly (readonly GroupDimension[])[] = [
  [],
  ['session'],
  ['model'],
  ['project', 'branch'],
  ['agent', 'agentId'],
  ['machine', 'user'],
  ['task', 'stage'],
  ['label:category'],
];

/** What the ledger reports through every read of usage: groups (both grains), buckets, days, spans, times. */
export async function usageView(store: LedgerStore): Promise<Record<string, unknown>> {
  const view: Record<string, unknown> = {};
  for (const dims of VIEW_DIMENSIONS) {
    view[`groups:${dims.join(',')}`] = groupMap(await store.groups({ dimensions: dims, filter: {} }), dims);
    view[`days:${dims.join(',')}`] = groupMap(
      await store.groups({ dimensions: dims, filter: {}, grain: 'day' }),
      dims,
    );
  }
  const buckets: Record<string, number[]> = {};
  for (const b of await store.buckets(null, null))
    addInto(buckets, [b.bucket, b.model, b.sizeClass, b.speed, b.geo].join('|'), b);
  view.buckets = buckets;
  view.range = await store.rollupRange();
  const days: Record<string, number[]> = {};
  for (const d of await store.days([{ fromMs: 0, toMs: T_END, offsetMs: 3_600_000 }]))
    addInto(days, [d.day, d.model, d.sizeClass, d.speed, d.geo].join('|'), d);
  view.days = days;
  view.responseTimes = await store.responseTimes();
  const [inSpan = []] = await store.usageInSpans([{ fromMs: 0, toMs: T_END }]);
  const spans: Record<string, number[]> = {};
  for (const b of inSpan) addInto(spans, [b.bucket, b.model, b.sizeClass, b.speed, b.geo].join('|'), b);
  view.usageInSpans = spans;
  return view;
}

/** Far enough in the future for any test's times. */
const T_END = Date.UTC(2100, 0, 1);
