/**
 * Several OS processes import into one ledger file at the same moment: the ledger must equal a
 * single-process import (nothing lost, nothing duplicated) and no process may fail (SQLITE_BUSY). And
 * a process importing over and over while another appends to the transcripts, followed by a final
 * import, must reach the ground truth.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../src/synthetic/ground-truth.js';
import { APPEND_CHILD, type ChildResult, IMPORT_CHILD, lastJson, outcome, startChild } from './children.js';
import {
  DIST_DIR,
  type DistModules,
  dumpLedger,
  type LedgerDump,
  ledgerView,
  loadDist,
} from './ledger-dump.js';

const ORIGIN = { machine: 'm', user: 'u' };

interface ImportRun {
  filesRead: number;
  bytesRead: number;
  records: number;
}

let dist: DistModules;
let dir = '';
let claudeDir = '';
let truth: GroundTruth;
/** The ledger a single in-process import of `claudeDir` gives. */
let reference: LedgerDump;

function truthTotals(t: GroundTruth) {
  return {
    input: t.totals.inputTokens,
    output: t.totals.outputTokens,
    cacheWrite: t.totals.cacheCreationTokens,
    cacheRead: t.totals.cacheReadTokens,
    responses: t.totals.responses,
  };
}

async function importOnce(ledger: string, root: string) {
  const store = dist.SqliteStore.open(ledger);
  await dist.importClaudeHistory(store, { origin: ORIGIN, env: { CLAUDE_CONFIG_DIR: root }, threads: 0 });
  const view = await ledgerView(store);
  await store.close();
  return view;
}

/** Starts the children, waits until all have loaded, then releases them at the same moment. */
async function runTogether(args: readonly (readonly string[])[]): Promise<ChildResult[]> {
  const children = args.map(([script, ...rest]) => startChild(script ?? '', rest));
  await Promise.all(children.map((c) => c.ready));
  const at = Date.now() + 100;
  for (const c of children) c.go(at);
  return Promise.all(children.map((c) => c.done));
}

function listFiles(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

/**
 * Copies a random prefix of every transcript under `from` to `to` (about a third are not created
 * at all) and returns the append plan for the rest. Subagent .meta.json files are copied whole, as
 * Claude Code writes them.
 */
function splitHistory(from: string, to: string, seed0: number) {
  let seed = seed0;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const plan = listFiles(from).map((rel) => {
    const src = path.join(from, rel);
    const size = fs.statSync(src).size;
    let at = size;
    if (rel.endsWith('.jsonl')) at = random() < 0.3 ? 0 : Math.floor(random() * size);
    return { src, dst: path.join(to, rel), from: at };
  });
  for (const f of plan) {
    if (f.from === 0) continue;
    fs.mkdirSync(path.dirname(f.dst), { recursive: true });
    fs.writeFileSync(f.dst, fs.readFileSync(f.src).subarray(0, f.from));
  }
  return plan;
}

beforeAll(async () => {
  dist = await loadDist();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-conc-'));
  claudeDir = path.join(dir, 'claude');
  truth = dist.generateHistory({
    configDir: claudeDir,
    targetBytes: 16 << 20,
    fileCount: 200,
    endDate: new Date(Date.UTC(2026, 10, 22)),
    days: 7,
    seed: 4242,
    progressCopies: true,
    forkCopies: true,
  });
  const ledger = path.join(dir, 'reference.sqlite');
  await importOnce(ledger, claudeDir);
  reference = dumpLedger(ledger);
}, 60_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('processes importing the same history into one ledger at once', () => {
  /** An existing ledger: created (schema, WAL mode) by an earlier run, still empty. */
  const existing = (ledger: string) => dist.SqliteStore.open(ledger).close();
  const fresh = async () => {};
  it.each([
    { processes: 2, threads: 0, ledger: 'existing', prepare: existing },
    { processes: 8, threads: 0, ledger: 'existing', prepare: existing },
    { processes: 3, threads: 2, ledger: 'existing', prepare: existing },
    { processes: 2, threads: 0, ledger: 'new', prepare: fresh },
    { processes: 8, threads: 0, ledger: 'new', prepare: fresh },
  ])('$processes processes (threads: $threads) on a $ledger ledger give the single-process ledger', async ({
    processes,
    threads,
    ledger: kind,
    prepare,
  }) => {
    const ledger = path.join(dir, `together-${processes}-${threads}-${kind}.sqlite`);
    await prepare(ledger);
    const results = await runTogether(
      Array.from({ length: processes }, () => [IMPORT_CHILD, DIST_DIR, ledger, claudeDir, String(threads)]),
    );

    expect(results.map((r) => ({ code: r.code, signal: r.signal, stderr: r.stderr }))).toEqual(
      results.map(() => ({ code: 0, signal: null, stderr: '' })),
    );
    // The processes overlapped: each read transcripts that the others were writing to the ledger.
    const filesRead = results.map((r) => lastJson<{ runs: ImportRun[] }>(r.stdout).runs[0]?.filesRead ?? 0);
    expect(filesRead.filter((n) => n > 0).length).toBe(processes);
    expect(dumpLedger(ledger)).toEqual(reference);
    const store = dist.SqliteStore.open(ledger);
    const view = await ledgerView(store);
    await store.close();
    expect(view.total).toMatchObject(truthTotals(truth));
  }, 60_000);

  it('processes that open a new ledger at the same moment all succeed (20 rounds of 2)', async () => {
    const empty = path.join(dir, 'empty-claude');
    fs.mkdirSync(path.join(empty, 'projects'), { recursive: true });
    const rounds: string[][] = [];
    for (let round = 0; round < 20; round++) {
      const ledger = path.join(dir, `open-race-${round}.sqlite`);
      const results = await runTogether(
        Array.from({ length: 2 }, () => [IMPORT_CHILD, DIST_DIR, ledger, empty, '0']),
      );
      rounds.push(results.map(outcome));
    }
    expect(rounds).toEqual(rounds.map(() => ['ok', 'ok']));
  }, 60_000);
});

describe('importing while another process appends', () => {
  it('a final import after the appends stop reaches the ground truth', async () => {
    const live = path.join(dir, 'live');
    const ledger = path.join(dir, 'live.sqlite');
    const stopFile = path.join(dir, 'stop');
    const files = splitHistory(claudeDir, live, 7);
    const planFile = path.join(dir, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify({ seed: 99, maxChunk: 6_000, durationMs: 2_500, files }));

    const appender = startChild(APPEND_CHILD, [planFile]);
    const importer = startChild(IMPORT_CHILD, [DIST_DIR, ledger, live, '0', stopFile]);
    await Promise.all([appender.ready, importer.ready]);
    const at = Date.now() + 100;
    appender.go(at);
    importer.go(at);
    const appended = await appender.done;
    fs.writeFileSync(stopFile, '');
    const imported = await importer.done;
    const final = await importOnce(ledger, live);

    expect([appended, imported].map((r) => ({ code: r.code, stderr: r.stderr }))).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    // The importer ran many times while the files grew, and read new bytes in most runs.
    const runs = lastJson<{ runs: ImportRun[] }>(imported.stdout).runs;
    expect(runs.filter((r) => r.bytesRead > 0).length).toBeGreaterThan(5);
    // The transcripts are complete again: byte for byte the generated history.
    expect(
      listFiles(live).map((f) =>
        fs.readFileSync(path.join(live, f)).equals(fs.readFileSync(path.join(claudeDir, f))),
      ),
    ).toEqual(listFiles(claudeDir).map(() => true));
    expect(final.total).toMatchObject(truthTotals(truth));
    // Row for row the ledger of one import of the finished history (paths relative to the dir).
    expect(dumpLedger(ledger, { root: live, withoutFileIdentity: true })).toEqual(
      dumpLedger(path.join(dir, 'reference.sqlite'), { root: claudeDir, withoutFileIdentity: true }),
    );
  }, 60_000);
});
