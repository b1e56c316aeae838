/**
 * Importing is idempotent: a second import of the same history, however it is forced to re-read,
 * leaves every ledger table as it was; and the worker-thread path writes the same ledger as the
 * in-process path.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importClaudeHistory } from '../../src/app/import/import-claude.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import type { GroundTruth } from '../../src/synthetic/ground-truth.js';
import { generateHistory } from '../../src/synthetic/history-generator.js';
import { type DistModules, dumpLedger, ledgerView, loadDist } from './ledger-dump.js';

const ORIGIN = { machine: 'm', user: 'u' };

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function truthView(truth: GroundTruth) {
  const t = truth.totals;
  return {
    input: t.inputTokens,
    output: t.outputTokens,
    cacheWrite: t.cacheCreationTokens,
    cacheRead: t.cacheReadTokens,
    responses: t.responses,
  };
}

async function importInProcess(ledger: string, claudeDir: string) {
  const store = SqliteStore.open(ledger);
  const summary = await importClaudeHistory(store, {
    origin: ORIGIN,
    env: { CLAUDE_CONFIG_DIR: claudeDir },
    threads: 0,
  });
  const view = await ledgerView(store);
  await store.close();
  return { summary, view };
}

let dir = '';
let claudeDir = '';
let truth: GroundTruth;
let dist: DistModules;

beforeAll(async () => {
  dist = await loadDist();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-idem-'));
  claudeDir = path.join(dir, 'claude');
  truth = generateHistory({
    configDir: claudeDir,
    targetBytes: 6 << 20,
    fileCount: 120,
    endDate: new Date(Date.UTC(2026, 10, 22)),
    days: 10,
    seed: 20261122,
    progressCopies: true,
    forkCopies: true,
  });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Ways to make the second import look at the files again; all must leave the ledger as it was. */
const SECOND_IMPORTS: readonly {
  name: string;
  change: (ledger: string) => void;
  /** The change alters file identity or mtime, which the cursor rows record. */
  changesFileIdentity: boolean;
}[] = [
  { name: 'nothing changed', change: () => {}, changesFileIdentity: false },
  {
    name: 'every file touched (new mtime, same bytes)',
    change: () => {
      const later = new Date(Date.now() + 60_000);
      for (const f of listFiles(claudeDir)) fs.utimesSync(f, later, later);
    },
    changesFileIdentity: true,
  },
  {
    name: 'every file replaced by a copy (new inode, same bytes)',
    change: () => {
      for (const f of listFiles(claudeDir)) {
        fs.copyFileSync(f, `${f}.copy`);
        fs.renameSync(`${f}.copy`, f);
      }
    },
    changesFileIdentity: true,
  },
  {
    name: 'the cursors forgotten (every file read again from the start)',
    change: (ledger) => {
      const db = new Database(ledger);
      db.prepare('DELETE FROM files').run();
      db.close();
    },
    changesFileIdentity: false,
  },
];

describe('importing twice', () => {
  it.each(SECOND_IMPORTS)('gives an identical ledger: $name', async ({ change, changesFileIdentity }) => {
    const ledger = path.join(dir, `idem-${Math.random().toString(36).slice(2)}.sqlite`);
    const first = await importInProcess(ledger, claudeDir);
    const before = dumpLedger(ledger, { withoutFileIdentity: changesFileIdentity });
    change(ledger);
    await importInProcess(ledger, claudeDir);
    const after = dumpLedger(ledger, { withoutFileIdentity: changesFileIdentity });

    expect(first.summary.records).toBeGreaterThan(1_000);
    expect(first.view.total).toMatchObject(truthView(truth));
    expect(after).toEqual(before);
  }, 60_000);

  it('with nothing changed, the second import reads nothing', async () => {
    const ledger = path.join(dir, 'idem-noop.sqlite');
    await importInProcess(ledger, claudeDir);
    const again = await importInProcess(ledger, claudeDir);
    expect({ files: again.summary.filesRead, bytes: again.summary.bytesRead }).toEqual({
      files: 0,
      bytes: 0,
    });
  });
});

describe('worker threads (compiled dist/, threads: 2)', () => {
  it('write the same ledger as the in-process import, and re-importing changes nothing', async () => {
    const inProcess = path.join(dir, 'in-process.sqlite');
    const workers = path.join(dir, 'workers.sqlite');
    await importInProcess(inProcess, claudeDir);

    const store = dist.SqliteStore.open(workers);
    const summary = await dist.importClaudeHistory(store, {
      origin: ORIGIN,
      env: { CLAUDE_CONFIG_DIR: claudeDir },
      threads: 2,
    });
    const view = await ledgerView(store);
    const dump = dumpLedger(workers);
    await dist.importClaudeHistory(store, {
      origin: ORIGIN,
      env: { CLAUDE_CONFIG_DIR: claudeDir },
      threads: 2,
    });
    await store.close();

    expect(summary.filesRead).toBe(truth.files);
    expect(view.total).toMatchObject(truthView(truth));
    expect(dump).toEqual(dumpLedger(inProcess));
    expect(dumpLedger(workers)).toEqual(dump);
    // A cold import defers the secondary usage indexes and builds them at its end: the schema ends
    // up the same as the in-process import's.
    expect(indexNames(workers)).toEqual(indexNames(inProcess));
    expect(indexNames(workers)).toEqual(
      expect.arrayContaining(['usage_session', 'usage_thread', 'usage_ts']),
    );
  }, 60_000);

  it('an import into a ledger that already has usage keeps its indexes while it runs', async () => {
    const ledger = path.join(dir, 'workers-warm.sqlite');
    const store = dist.SqliteStore.open(ledger);
    await importInProcess(ledger, claudeDir);
    const bulk = await store.startBulkImport();
    expect(bulk.deferredIndexes).toBe(false);
    expect(indexNames(ledger)).toEqual(expect.arrayContaining(['usage_session', 'usage_thread', 'usage_ts']));
    await bulk.finish();
    await store.close();
  });
});

describe('deferred indexes', () => {
  it('are rebuilt by the next open when an import was cut off before it could', async () => {
    const ledger = path.join(dir, 'cut-off.sqlite');
    const store = SqliteStore.open(ledger);
    // Started and never finished, as when the import process is killed.
    expect((await store.startBulkImport()).deferredIndexes).toBe(true);
    await store.close();
    expect(indexNames(ledger)).not.toContain('usage_ts');
    expect(indexNames(ledger)).not.toContain('usage_thread');
    // A bulk (import worker) connection leaves them deferred; any other rebuilds them.
    await SqliteStore.open(ledger, { bulk: true }).close();
    expect(indexNames(ledger)).not.toContain('usage_session');
    await SqliteStore.open(ledger).close();
    expect(indexNames(ledger)).toEqual(expect.arrayContaining(['usage_session', 'usage_thread', 'usage_ts']));
  });
});

function indexNames(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}
