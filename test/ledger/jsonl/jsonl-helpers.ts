/**
 * Helpers for the JSONL export/import tests: usage written straight into a ledger, what a ledger
 * reports (read through the store API), its records as canonical lines, and folders merged the way
 * git's union merge does.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { UsageRecord } from '../../../src/capture/types.js';
import { formatLine } from '../../../src/ledger/jsonl/jsonl-format.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { GroupDimension, ImportOrigin } from '../../../src/ledger/usage-repository.js';

export const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
export const MIN = 60_000;
export const HOUR = 3_600_000;

export function usage(p: Partial<UsageRecord> & { dedupKey: string }): UsageRecord {
  return {
    source: 'claude-code',
    ts: T0,
    sessionId: 's1',
    agentId: null,
    sidechain: false,
    model: 'claude-sonnet-4-5-20250929',
    input: 10,
    output: 5,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    webSearch: 0,
    outputFinal: true,
    speed: null,
    geo: null,
    reportedCost: null,
    project: '/home/dev/app',
    gitBranch: 'main',
    agentVersion: '2.1.330',
    ...p,
  };
}

/** Writes usage records into the ledger as one import of a file without a cursor. */
export async function writeUsage(
  store: LedgerStore,
  records: UsageRecord[],
  origin: ImportOrigin,
): Promise<void> {
  await store.writeFiles(
    [
      {
        path: '/mem/transcript.jsonl',
        cursor: null,
        fromStart: false,
        readAt: Date.now(),
        bytesRead: 0,
        bytesLeft: 0,
        records,
        costCheckpoints: [],
        agentFacts: [],
        problems: [],
      },
    ],
    origin,
  );
  // Refreshed at once, as a reader would (the dirty-marking triggers are tested on their own).
  await store.refreshRollup();
}

/** Every record of the ledger as its canonical line (rev 0), sorted: equal ledgers give equal lists. */
export async function recordLines(store: LedgerStore): Promise<string[]> {
  return (await store.exportRecords({})).map((r) => formatLine(r.record, 0)).sort();
}

const DIMENSIONS: GroupDimension[][] = [
  ['session'],
  ['model'],
  ['project', 'branch'],
  ['agent'],
  ['agentId'],
  ['machine', 'user'],
  ['task', 'stage'],
  ['label:category'],
  ['tool'],
  ['mcpServer'],
  ['file', 'task'],
];

/** What the ledger reports: token sums and costs per group of several dimension sets, and in total. */
export async function reportView(store: LedgerStore): Promise<Record<string, Record<string, number[]>>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const dims of DIMENSIONS) {
    const view: Record<string, number[]> = {};
    for (const r of await store.groups({ dimensions: dims, filter: {} })) {
      const key = dims.map((d) => r.values[d] ?? '-').join('|');
      const sums = [
        r.input,
        r.output,
        r.cacheWrite,
        r.cacheWrite1h,
        r.cacheRead,
        r.webSearch,
        r.responses,
        r.lowerBound,
      ];
      const cur = view[key] ?? sums.map(() => 0);
      view[key] = cur.map((x, i) => x + (sums[i] ?? 0));
      // Costs: reported sums must agree too.
      view[`${key}|cost`] = [(view[`${key}|cost`]?.[0] ?? 0) + r.reportedCost];
    }
    out[dims.join(',')] = view;
  }
  const total = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const b of await store.buckets(null, null)) {
    const sums = [
      b.input,
      b.output,
      b.cacheWrite,
      b.cacheWrite1h,
      b.cacheRead,
      b.webSearch,
      b.responses,
      b.lowerBound,
    ];
    for (let i = 0; i < total.length; i++) total[i] = (total[i] ?? 0) + (sums[i] ?? 0);
  }
  out.total = { all: total };
  return out;
}

/** Every file under `dir` (relative path → bytes), for byte-for-byte comparisons. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath, e.name);
    out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
  }
  return out;
}

function lines(file: string): string[] {
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
}

/**
 * What git's union merge makes of two branches of one folder: each file keeps the lines of the first
 * branch, then the lines only the second has (both branches started from the same base lines).
 */
export function unionMerge(first: string, second: string, into: string): void {
  const files = new Set([...Object.keys(snapshotDir(first)), ...Object.keys(snapshotDir(second))]);
  for (const rel of files) {
    const a = lines(path.join(first, rel));
    const seen = new Set(a);
    const merged = [...a, ...lines(path.join(second, rel)).filter((l) => !seen.has(l))];
    fs.mkdirSync(path.dirname(path.join(into, rel)), { recursive: true });
    fs.writeFileSync(path.join(into, rel), `${merged.join('\n')}\n`);
  }
}
