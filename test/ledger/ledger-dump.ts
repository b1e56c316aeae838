/**
 * Test helpers for comparing ledgers: a canonical dump of a ledger file (every table that an import
 * writes, in a fixed order, without row ids and wall-clock columns), token totals read through the
 * store API, and loaders for the compiled modules in `dist/` (the worker path and child processes need
 * them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { LedgerStore } from '../../src/ledger/store.js';
import { DIST_DIR } from '../helpers/built-cli.js';

/** Columns that differ between two equal ledgers: row ids and wall-clock times. */
const VOLATILE = new Set(['id', 'updated_at', 'first_seen', 'last_seen', 'applied_at']);

/** Tables written by an import, and the column that holds a transcript path (relativized). */
const TABLES: readonly { table: string; pathColumn: string | null }[] = [
  { table: 'usage', pathColumn: null },
  { table: 'usage_rollup', pathColumn: null },
  { table: 'rollup_dirty', pathColumn: null },
  { table: 'origins', pathColumn: null },
  { table: 'agents', pathColumn: null },
  { table: 'agent_spawns', pathColumn: null },
  { table: 'cost_checkpoints', pathColumn: 'file' },
  { table: 'problems', pathColumn: 'file' },
  { table: 'files', pathColumn: 'path' },
  { table: 'call_activity', pathColumn: null },
];

export type Row = Record<string, unknown>;
export type LedgerDump = Record<string, Row[]>;

export interface DumpOptions {
  /** Paths under this dir are written relative to it, so ledgers of copies of a history compare. */
  root?: string;
  /** Leave out file identity (dev:ino) and mtime, which differ between copies of a history. */
  withoutFileIdentity?: boolean;
}

function relativize(value: unknown, root: string | undefined): unknown {
  return typeof value === 'string' && root !== undefined && value.startsWith(root)
    ? `<root>${value.slice(root.length)}`
    : value;
}

/**
 * Every row of every table an import writes, ordered by all columns, read from the file on a
 * separate read-only connection.
 */
export function dumpLedger(file: string, options: DumpOptions = {}): LedgerDump {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const dump: LedgerDump = {};
    for (const { table, pathColumn } of TABLES) {
      const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
        .map((c) => c.name)
        .filter((c) => !VOLATILE.has(c))
        .filter((c) => !(options.withoutFileIdentity === true && (c === 'identity' || c === 'mtime_ms')));
      const list = columns.map((c) => `"${c}"`).join(', ');
      const rows = db.prepare(`SELECT ${list} FROM ${table}`).all() as Row[];
      const mapped = rows.map((r) =>
        pathColumn === null ? r : { ...r, [pathColumn]: relativize(r[pathColumn], options.root) },
      );
      // Sort after relativizing, so copies of a history under different dirs order alike.
      dump[table] = mapped.sort((a, b) => {
        const x = JSON.stringify(a);
        const y = JSON.stringify(b);
        return x < y ? -1 : x > y ? 1 : 0;
      });
    }
    return dump;
  } finally {
    db.close();
  }
}

/** Token sums of a group of usage rows. */
export interface Sums {
  input: number;
  output: number;
  cacheWrite: number;
  cacheWrite1h: number;
  cacheRead: number;
  webSearch: number;
  responses: number;
  lowerBound: number;
}

export function zeroSums(): Sums {
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

export function addInto(into: Sums, from: Sums): void {
  into.input += from.input;
  into.output += from.output;
  into.cacheWrite += from.cacheWrite;
  into.cacheWrite1h += from.cacheWrite1h;
  into.cacheRead += from.cacheRead;
  into.webSearch += from.webSearch;
  into.responses += from.responses;
  into.lowerBound += from.lowerBound;
}

function pick(r: Sums): Sums {
  return {
    input: r.input,
    output: r.output,
    cacheWrite: r.cacheWrite,
    cacheWrite1h: r.cacheWrite1h,
    cacheRead: r.cacheRead,
    webSearch: r.webSearch,
    responses: r.responses,
    lowerBound: r.lowerBound,
  };
}

/** Adds `s` to the sums under `key`. */
export function addTo(map: Record<string, Sums>, key: string, s: Sums): void {
  const cur = map[key] ?? zeroSums();
  addInto(cur, s);
  map[key] = cur;
}

/** What a ledger reports, through the store API: totals, per session, per agent, per rollup key. */
export interface LedgerView {
  total: Sums;
  bySession: Record<string, Sums>;
  byAgent: Record<string, Sums>;
  /** Key `bucket|model|sizeClass|speed|geo` (the pricing key of the 15-minute rollup). */
  byBucket: Record<string, Sums>;
}

export async function ledgerView(store: Pick<LedgerStore, 'buckets' | 'groups'>): Promise<LedgerView> {
  const total = zeroSums();
  const byBucket: Record<string, Sums> = {};
  for (const r of await store.buckets(null, null)) {
    addInto(total, pick(r));
    addTo(byBucket, `${r.bucket}|${r.model}|${r.sizeClass}|${r.speed}|${r.geo}`, pick(r));
  }
  const bySession: Record<string, Sums> = {};
  for (const r of await store.groups({ dimensions: ['session'], filter: {} }))
    addTo(bySession, r.values.session ?? '', pick(r));
  const byAgent: Record<string, Sums> = {};
  for (const r of await store.groups({ dimensions: ['agentId'], filter: {} }))
    addTo(byAgent, r.values.agentId ?? '', pick(r));
  return { total, bySession, byAgent, byBucket };
}

// ---- compiled modules --------------------------------------------------------------------------

export { DIST_DIR };
export const IMPORT_MODULE = path.join(DIST_DIR, 'app', 'import', 'import-claude.js');
export const STORE_MODULE = path.join(DIST_DIR, 'ledger', 'sqlite', 'sqlite-store.js');
export const WORKER_MODULE = path.join(DIST_DIR, 'app', 'import', 'import-worker.js');
export const GENERATOR_MODULE = path.join(DIST_DIR, 'synthetic', 'history-generator.js');

type ImportModule = typeof import('../../src/app/import/import-claude.js');
type StoreModule = typeof import('../../src/ledger/sqlite/sqlite-store.js');
type GeneratorModule = typeof import('../../src/synthetic/history-generator.js');

export interface DistModules {
  importClaudeHistory: ImportModule['importClaudeHistory'];
  SqliteStore: StoreModule['SqliteStore'];
  generateHistory: GeneratorModule['generateHistory'];
}

/** The compiled import engine (`npm run build` first; `npm test` does it in `pretest`). */
export async function loadDist(): Promise<DistModules> {
  for (const f of [IMPORT_MODULE, STORE_MODULE, WORKER_MODULE, GENERATOR_MODULE]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` before these tests`);
  }
  const imp = (await import(pathToFileURL(IMPORT_MODULE).href)) as ImportModule;
  const store = (await import(pathToFileURL(STORE_MODULE).href)) as StoreModule;
  const gen = (await import(pathToFileURL(GENERATOR_MODULE).href)) as GeneratorModule;
  return {
    importClaudeHistory: imp.importClaudeHistory,
    SqliteStore: store.SqliteStore,
    generateHistory: gen.generateHistory,
  };
}
