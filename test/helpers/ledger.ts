/**
 * Test helpers for the capture and ledger layers: copy a fixture Claude dir into a fresh temp dir,
 * import it into a fresh temp SQLite ledger, and read back aggregated totals (overall, by session,
 * by agent type, by model...), lower-bound counts and problems.
 *
 * Every temp dir and ledger made here is tracked; call {@link cleanupTemp} from `afterEach`.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ImportSummary, importClaudeHistory } from '../../src/app/import/import-claude.js';
import type { ProblemRow } from '../../src/ledger/ingest-state-repository.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import type { GroupDimension, GroupRow } from '../../src/ledger/usage-repository.js';
import type { UsageSums } from '../../src/ledger/usage-sums.js';

/** The token sums a test compares: every usage field, the response count and the lower-bound count. */
export interface Totals {
  input: number;
  output: number;
  cacheWrite: number;
  cacheWrite1h: number;
  cacheRead: number;
  webSearch: number;
  responses: number;
  lowerBound: number;
}

export type TotalsBy = Record<string, Totals>;

/** A problem as tests compare it: the file relative to the Claude dir. */
export interface ProblemView {
  file: string;
  line: number | null;
  severity: 'error' | 'warning';
  reason: string;
}

export interface LedgerSnapshot {
  total: Totals;
  bySession: TotalsBy;
  byAgent: TotalsBy;
  byAgentId: TotalsBy;
  byModel: TotalsBy;
  byProject: TotalsBy;
  /** Earliest and latest record timestamps (epoch ms), or null when the ledger is empty. */
  firstTs: number | null;
  lastTs: number | null;
  problems: ProblemView[];
  problemTotal: number;
}

export const FIXTURES = fileURLToPath(new URL('../fixtures/claude/', import.meta.url));
export const ORIGIN = { machine: 'test-machine', user: 'test-user' } as const;

const tempDirs: string[] = [];
const stores: SqliteStore[] = [];

/** A fresh, empty temp dir, removed by {@link cleanupTemp}. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-'));
  tempDirs.push(dir);
  return dir;
}

/** Closes every ledger and removes every temp dir made since the last call. */
export async function cleanupTemp(): Promise<void> {
  for (const s of stores.splice(0)) await s.close();
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Fixture case names: every dir under `test/fixtures/claude` that has an `expected.json`. */
export function fixtureCases(): string[] {
  return fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(FIXTURES, e.name, 'expected.json')))
    .map((e) => e.name)
    .sort();
}

/** Copies `test/fixtures/claude/<name>` (without expected.json) into a fresh temp dir; returns that dir. */
export function copyFixture(name: string): string {
  const dir = tempDir();
  fs.cpSync(path.join(FIXTURES, name), dir, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'expected.json',
  });
  return dir;
}

export function readExpected<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8')) as T;
}

/** A fresh SQLite ledger in its own temp dir, closed by {@link cleanupTemp}. */
export function openTempLedger(): SqliteStore {
  const store = SqliteStore.open(path.join(tempDir(), 'ledger.db'));
  stores.push(store);
  return store;
}

/** Imports the Claude dir(s) into `store` in this thread, with `env` holding only CLAUDE_CONFIG_DIR. */
export function importDirs(store: LedgerStore, dirs: string | readonly string[]): Promise<ImportSummary> {
  const list = typeof dirs === 'string' ? [dirs] : dirs;
  return importClaudeHistory(store, {
    origin: { ...ORIGIN },
    env: { CLAUDE_CONFIG_DIR: list.join(',') },
    threads: 0,
  });
}

export function zeroTotals(): Totals {
  return {
    input: 0,
    output: 0,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    webSearch: 0,
    responses: 0,
    lowerBound: 0,
  };
}

function add(into: Totals, from: UsageSums): void {
  into.input += from.input;
  into.output += from.output;
  into.cacheWrite += from.cacheWrite;
  into.cacheWrite1h += from.cacheWrite1h;
  into.cacheRead += from.cacheRead;
  into.webSearch += from.webSearch;
  into.responses += from.responses;
  into.lowerBound += from.lowerBound;
}

/** Sums `store.groups` rows (which are also split by bucket and pricing key) per value of one dimension. */
export async function totalsBy(store: LedgerStore, dimension: GroupDimension): Promise<TotalsBy> {
  return totalsOfRows(await store.groups({ dimensions: [dimension], filter: {} }), dimension);
}

/** {@link totalsBy} of rows already read. */
export function totalsOfRows(rows: readonly GroupRow[], dimension: GroupDimension): TotalsBy {
  const out: TotalsBy = {};
  for (const r of rows) {
    const key = r.values[dimension] ?? '';
    const t = out[key] ?? zeroTotals();
    add(t, r);
    out[key] = t;
  }
  return out;
}

/** Overall totals from the 15-minute rollup (`store.buckets`), a separate code path from `groups`. */
export async function overallTotals(store: LedgerStore): Promise<Totals> {
  const t = zeroTotals();
  for (const r of await store.buckets(null, null)) add(t, r);
  return t;
}

/** Problems with their file relative to `claudeDir` (absolute when outside it), in file/line order. */
export async function problemsOf(
  store: LedgerStore,
  claudeDir: string,
): Promise<{ rows: ProblemView[]; total: number }> {
  const { rows, total } = await store.problems(10_000);
  const view = rows.map((r: ProblemRow) => {
    const rel = path.relative(claudeDir, r.file);
    return {
      file: rel.startsWith('..') ? r.file : rel.split(path.sep).join('/'),
      line: r.line,
      severity: r.severity,
      reason: r.reason,
    };
  });
  view.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
  return { rows: view, total };
}

/** Everything a test compares, read back from the ledger. */
export async function snapshot(store: LedgerStore, claudeDir: string): Promise<LedgerSnapshot> {
  const sessions = await store.groups({ dimensions: ['session'], filter: {} });
  const problems = await problemsOf(store, claudeDir);
  return {
    total: await overallTotals(store),
    bySession: await totalsBy(store, 'session'),
    byAgent: await totalsBy(store, 'agent'),
    byAgentId: await totalsBy(store, 'agentId'),
    byModel: await totalsBy(store, 'model'),
    byProject: await totalsBy(store, 'project'),
    firstTs: sessions.length === 0 ? null : Math.min(...sessions.map((r) => r.firstTs)),
    lastTs: sessions.length === 0 ? null : Math.max(...sessions.map((r) => r.lastTs)),
    problems: problems.rows,
    problemTotal: problems.total,
  };
}

/** Copies a fixture, imports it into a fresh ledger and returns the ledger, the dir and the snapshot. */
export async function importFixture(name: string): Promise<{
  dir: string;
  store: SqliteStore;
  summary: ImportSummary;
  snap: LedgerSnapshot;
}> {
  const dir = copyFixture(name);
  const store = openTempLedger();
  const summary = await importDirs(store, dir);
  return { dir, store, summary, snap: await snapshot(store, dir) };
}
