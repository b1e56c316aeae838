/**
 * Runs one scenario on a SQLite ledger and on a PostgreSQL ledger and reads back what a user sees
 * (tasks, groups by task/stage/labels, per-task rollups, declared telemetry, runs, the exported
 * records), so a test can require both to be equal. `Date.now()` is frozen while a scenario runs, so
 * creation times agree too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import type { AgentFact, FileImport, UsageRecord } from '../../../src/capture/types.js';
import { PostgresStore } from '../../../src/ledger/postgres/postgres-store.js';
import { SqliteStore } from '../../../src/ledger/sqlite/sqlite-store.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { GroupDimension, GroupRow } from '../../../src/ledger/usage-repository.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';

export const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
export const MIN = 60_000;
export const P = '/home/dev/app';
export const ORIGIN = { machine: 'm1', user: 'u1' } as const;

let n = 0;

/** One API call (a usage record) with the fields a scenario varies. */
export function call(c: {
  session: string;
  at: number;
  input: number;
  cwd?: string;
  agentId?: string;
  model?: string;
  output?: number;
  key?: string;
}): UsageRecord {
  n += 1;
  return {
    dedupKey: c.key ?? `msg_${n}:req_${n}`,
    source: 'claude-code',
    ts: c.at,
    sessionId: c.session,
    agentId: c.agentId ?? null,
    sidechain: c.agentId !== undefined,
    model: c.model ?? 'claude-sonnet-4-5-20250929',
    input: c.input,
    output: c.output ?? 1,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    webSearch: 0,
    outputFinal: true,
    speed: null,
    geo: null,
    reportedCost: null,
    project: c.cwd ?? P,
    gitBranch: 'main',
    agentVersion: '2.1.330',
  };
}

/** A file write of records and agent facts (no cursor). */
export function fileOf(records: UsageRecord[], agentFacts: AgentFact[] = []): FileImport {
  return {
    path: `/virtual/${records[0]?.sessionId ?? 'facts'}.jsonl`,
    cursor: null,
    fromStart: false,
    readAt: T0,
    bytesRead: 0,
    bytesLeft: 0,
    records,
    costCheckpoints: [],
    agentFacts,
    problems: [],
  };
}

export interface Backends {
  sqlite(): Promise<LedgerStore>;
  postgres(): Promise<LedgerStore>;
  /** Closes every store and drops every database made. */
  cleanup(): Promise<void>;
}

/** Fresh ledgers of each kind, as many as a test asks for (each PostgreSQL one its own schema-fresh database). */
export function backends(): Backends {
  const stores: LedgerStore[] = [];
  const dirs: string[] = [];
  const databases: TestDatabase[] = [];
  return {
    async sqlite() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-parity-'));
      dirs.push(dir);
      const store = SqliteStore.open(path.join(dir, 'ledger.db'));
      stores.push(store);
      return store;
    },
    async postgres() {
      const db = await createTestDatabase();
      databases.push(db);
      const store = await PostgresStore.open(db.location);
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const s of stores.splice(0)) await s.close();
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
      for (const d of databases.splice(0)) await d.drop();
    },
  };
}

/** Runs `scenario` with `Date.now()` frozen at `at` (creation times then agree across backends). */
export async function frozen<T>(at: number, scenario: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at);
  try {
    return await scenario();
  } finally {
    vi.useRealTimers();
  }
}

const groupKey = (r: GroupRow) =>
  JSON.stringify([r.values, r.bucket, r.model, r.sizeClass, r.speed, r.geo, r.reportedRows > 0]);

/** Group rows in one order (the order of `groups` is not part of its contract). */
export function sortedGroups(rows: readonly GroupRow[]): GroupRow[] {
  return [...rows].sort((a, b) => (groupKey(a) < groupKey(b) ? -1 : groupKey(a) > groupKey(b) ? 1 : 0));
}

/** Input tokens by the values of `dimensions` (`-` for none), e.g. `{ 'T-1|build': 110 }`. */
export async function inputBy(
  store: LedgerStore,
  dimensions: GroupDimension[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await store.groups({ dimensions, filter: {} })) {
    const key = dimensions.map((d) => r.values[d] ?? '-').join('|');
    out[key] = (out[key] ?? 0) + r.input;
  }
  return out;
}

/** Everything a user can read back about tasks and attribution. */
export async function observe(store: LedgerStore) {
  const tasks = await store.tasks();
  const ids = tasks.map((t) => t.id);
  return {
    tasks,
    trees: await Promise.all(ids.map((id) => store.taskTree(id))),
    byTaskStage: await inputBy(store, ['task', 'stage']),
    byLabel: await inputBy(store, ['label:team', 'label:kind']),
    groups: sortedGroups(await store.groups({ dimensions: ['task', 'stage', 'agent'], filter: {} })),
    taskDays: sortedGroups(await store.taskDayGroups(ids)),
    declared: await store.declaredTasks({}),
    errors: (await store.telemetryErrors({})).map(({ id: _id, ...e }) => e),
    runs: await store.runs({}),
    openProjectSpans: await store.openProjectSpans(),
    records: await store.exportRecords({}),
    stats: await store.stats(),
  };
}
