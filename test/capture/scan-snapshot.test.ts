/**
 * Scan snapshots (capture/discovery/scan-snapshot.ts): what the last complete import saw, so a report
 * with nothing new stats files instead of walking, and one where only files grew imports just those.
 *
 * Listings are trusted only once they are older than their directory's last change by a margin, so
 * these tests age every directory they changed to a past time of its own (never one used before: a
 * directory that changed must never look unchanged).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { importClaudeFiles } from '../../src/app/import/import-claude.js';
import { claudeLayout, type DiscoveredFile, discoverClaudeFiles } from '../../src/capture/claude/discover.js';
import {
  applyDelta,
  checkSnapshot,
  decodeDelta,
  decodeSnapshot,
  encodeDelta,
  encodeSnapshot,
  type FileStamp,
  snapshotOf,
} from '../../src/capture/discovery/scan-snapshot.js';
import type { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import {
  cleanupTemp,
  FIXTURES,
  fixtureCases,
  importDirs,
  ORIGIN,
  openTempLedger,
  readExpected,
  snapshot,
  type Totals,
  type TotalsBy,
  tempDir,
} from '../helpers/ledger.js';

afterEach(cleanupTemp);

/** A past time of its own for each aging: seconds, a minute apart, starting two days ago. */
let clock = Math.floor(Date.now() / 1000) - 2 * 86_400;
function nextPast(): number {
  clock += 60;
  return clock;
}

/** Every directory under `root` (itself included), deepest first. */
function dirsUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory()) walk(path.join(d, e.name));
    out.push(d);
  };
  walk(root);
  return out;
}

/** Gives every directory changed in the last minute (or all, with `all`) a past mtime of its own. */
function age(root: string, all = false): void {
  const recent = Date.now() / 1000 - 60;
  for (const d of dirsUnder(root)) {
    if (!all && fs.statSync(d).mtimeMs / 1000 < recent) continue;
    const t = nextPast();
    fs.utimesSync(d, t, t);
  }
}

/** The files of a fixture case, relative to its dir, with their bytes. */
function fixtureFiles(name: string): { rel: string; bytes: Buffer }[] {
  const root = path.join(FIXTURES, name);
  const out: { rel: string; bytes: Buffer }[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name !== 'expected.json')
        out.push({ rel: path.relative(root, full), bytes: fs.readFileSync(full) });
    }
  };
  walk(root);
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

function copyAged(name: string): string {
  const dir = tempDir();
  for (const f of fixtureFiles(name)) {
    fs.mkdirSync(path.dirname(path.join(dir, f.rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.rel), f.bytes);
  }
  age(dir, true);
  return dir;
}

const statStamp = (p: string): FileStamp => {
  const st = fs.statSync(p);
  return { identity: `${st.dev}:${st.ino}`, size: st.size, mtimeMs: st.mtimeMs };
};

interface Expected {
  total: Totals;
  bySession: TotalsBy;
  byAgent: TotalsBy;
  byModel: TotalsBy;
}

/** The ledger's totals (overall, by session, agent and model) equal the fixture's hand-computed ones. */
async function expectFixtureTotals(store: SqliteStore, dir: string, name: string): Promise<void> {
  const want = readExpected<Expected>(name);
  const got = await snapshot(store, dir);
  expect({ total: got.total, bySession: got.bySession, byAgent: got.byAgent, byModel: got.byModel }).toEqual({
    total: want.total,
    bySession: want.bySession,
    byAgent: want.byAgent,
    byModel: want.byModel,
  });
}

describe('scan snapshot (unit)', () => {
  it('says "same" while nothing changes, and names exactly the files that grew, classified as the walk does', () => {
    const dir = copyAged('layout-nested-subagents');
    fs.cpSync(path.join(FIXTURES, 'layout-flat-agent-files', 'projects'), path.join(dir, 'projects'), {
      recursive: true,
    });
    age(dir);
    const walk = discoverClaudeFiles([dir]);
    expect(walk.problems).toEqual([]);
    const snap = snapshotOf(walk, statStamp);
    expect(snap).not.toBeNull();
    if (snap === null) return;
    expect(checkSnapshot(snap, claudeLayout)).toEqual({ kind: 'same', files: walk.files.length });

    // Every kind of file grows (or is rewritten): main, flat agent file, nested subagent, meta.
    const grown = walk.files.filter((_, i) => i % 2 === 0);
    for (const f of grown) fs.appendFileSync(f.path, '\n');
    const check = checkSnapshot(snap, claudeLayout);
    expect(check.kind).toBe('files');
    if (check.kind !== 'files') return;
    const again = new Map(discoverClaudeFiles([dir]).files.map((f) => [f.path, f]));
    const byPath = (a: DiscoveredFile, b: DiscoveredFile) => a.path.localeCompare(b.path);
    const walked = grown.flatMap((f) => {
      const w = again.get(f.path);
      return w === undefined ? [] : [w];
    });
    expect(walked).toHaveLength(grown.length);
    expect([...check.changed].sort(byPath)).toEqual(walked.sort(byPath));
    expect(new Set(grown.map((f) => f.kind))).toEqual(new Set(['main', 'subagent', 'meta']));

    // Their new stamps make the snapshot current again.
    const next = applyDelta(snap, new Map(check.changed.map((f) => [f.path, statStamp(f.path)])));
    expect(checkSnapshot(next, claudeLayout).kind).toBe('same');
  });

  it.each([
    ['a new file', (slug: string) => fs.writeFileSync(path.join(slug, 'new-session.jsonl'), '{}\n')],
    [
      'a removed file',
      (slug: string) => fs.rmSync(path.join(slug, '72727272-7272-4727-8727-727272727272.jsonl')),
    ],
    ['a new directory', (slug: string) => fs.mkdirSync(path.join(slug, 'sess-x'))],
    [
      'a file replaced by another of the same size',
      (slug: string) => {
        const p = path.join(slug, 'agent-a8b9f38.jsonl');
        const bytes = fs.readFileSync(p);
        fs.rmSync(p);
        fs.writeFileSync(p, bytes);
      },
    ],
  ])('says "dirs" for %s', (_, change) => {
    const dir = copyAged('layout-flat-agent-files');
    const snap = snapshotOf(discoverClaudeFiles([dir]), statStamp);
    expect(snap).not.toBeNull();
    if (snap === null) return;
    change(path.join(dir, 'projects', '-home-dev-flat'));
    expect(checkSnapshot(snap, claudeLayout).kind).toBe('dirs');
  });

  it('says "dirs", not an error, when a path cannot be stat\'d any more (a symlink that became a loop)', () => {
    // projects/-home-dev-flat is a symlink to a directory outside; that one is then replaced by a
    // symlink back: stat gives ELOOP, and nothing under projects/ changed its mtime.
    const dir = tempDir();
    const outside = tempDir();
    const target = path.join(outside, 'target');
    fs.cpSync(path.join(FIXTURES, 'layout-flat-agent-files', 'projects', '-home-dev-flat'), target, {
      recursive: true,
    });
    fs.mkdirSync(path.join(dir, 'projects'));
    fs.symlinkSync(target, path.join(dir, 'projects', '-home-dev-flat'));
    age(dir, true);
    age(outside, true);
    const snap = snapshotOf(discoverClaudeFiles([dir]), statStamp);
    if (snap === null) throw new Error('no snapshot');
    expect(checkSnapshot(snap, claudeLayout).kind).toBe('same');
    fs.renameSync(target, `${target}.old`);
    fs.symlinkSync(path.join(dir, 'projects', '-home-dev-flat'), target);
    expect(checkSnapshot(snap, claudeLayout).kind).toBe('dirs');
  });

  it('says "dirs" when a configured Claude dir without projects gets one', () => {
    const dir = copyAged('layout-flat-agent-files');
    const empty = tempDir();
    const snap = snapshotOf(discoverClaudeFiles([dir, empty]), statStamp);
    expect(snap?.absent).toEqual([path.join(empty, 'projects')]);
    if (snap === null) return;
    expect(checkSnapshot(snap, claudeLayout).kind).toBe('same');
    fs.mkdirSync(path.join(empty, 'projects'));
    expect(checkSnapshot(snap, claudeLayout).kind).toBe('dirs');
  });

  it('is not taken from a listing younger than the margin, nor from a walk with a problem', () => {
    const fresh = tempDir();
    fs.cpSync(path.join(FIXTURES, 'layout-flat-agent-files'), fresh, { recursive: true });
    expect(snapshotOf(discoverClaudeFiles([fresh]), statStamp)).toBeNull();

    const dir = copyAged('layout-flat-agent-files');
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'projects', '-home-dev-flat', 'broken.jsonl'));
    age(dir);
    const walk = discoverClaudeFiles([dir]);
    expect(walk.problems).toHaveLength(1);
    expect(snapshotOf(walk, statStamp)).toBeNull();
  });

  it('a file without a cursor never matches, so it is tried again', () => {
    const dir = copyAged('layout-flat-agent-files');
    const walk = discoverClaudeFiles([dir]);
    const missing = walk.files[0]?.path;
    const snap = snapshotOf(walk, (p) => (p === missing ? undefined : statStamp(p)));
    if (snap === null) throw new Error('no snapshot');
    const check = checkSnapshot(snap, claudeLayout);
    expect(check.kind === 'files' ? check.changed.map((f) => f.path) : check.kind).toEqual([missing]);
  });

  it('stores and reads back exactly; anything else reads as no snapshot', () => {
    const dir = copyAged('layout-nested-subagents');
    const snap = snapshotOf(discoverClaudeFiles([dir, tempDir()]), statStamp);
    if (snap === null) throw new Error('no snapshot');
    expect(decodeSnapshot(encodeSnapshot(snap))).toEqual(snap);
    const good = JSON.parse(encodeSnapshot(snap)) as { dirs: unknown[]; files: unknown[] };
    for (const bad of [
      '',
      'not json',
      'null',
      '[]',
      JSON.stringify({ ...good, format: 1 }),
      JSON.stringify({ ...good, files: good.files.slice(1) }),
      JSON.stringify({ ...good, files: [99, ...good.files.slice(1)] }),
      JSON.stringify({ ...good, dirs: ['x', ...good.dirs.slice(1)] }),
      JSON.stringify({ ...good, absent: [1] }),
    ])
      expect(decodeSnapshot(bad)).toBeNull();
  });
});

describe('scan snapshot delta', () => {
  it('carries new stamps beside the snapshot, by path, and applies only to files it names', () => {
    const dir = copyAged('layout-nested-subagents');
    const walk = discoverClaudeFiles([dir]);
    const snap = snapshotOf(walk, statStamp);
    if (snap === null) throw new Error('no snapshot');
    const [a, b] = walk.files;
    if (a === undefined || b === undefined) throw new Error('fixture too small');
    fs.appendFileSync(a.path, '\n');
    fs.appendFileSync(b.path, '\n');
    const delta = new Map([
      [a.path, statStamp(a.path)],
      [b.path, undefined],
      [path.join(dir, 'elsewhere.jsonl'), statStamp(a.path)],
    ]);
    const text = encodeDelta(delta);
    expect(decodeDelta(text)).toEqual(delta);
    const check = checkSnapshot(applyDelta(snap, decodeDelta(text)), claudeLayout);
    // a matches its new stamp; b has no cursor and never matches; the unknown path changes nothing.
    expect(check.kind === 'files' ? check.changed.map((f) => f.path) : check.kind).toEqual([b.path]);
    expect(applyDelta(snap, new Map())).toBe(snap);
  });

  it.each(['', 'nope', '[]', '{"a": [1, 2]}', '{"a": ["1:2", "3", 4]}'])('reads %j as no delta', (text) => {
    expect(decodeDelta(text).size).toBe(0);
  });
});

describe('imports guided by the scan snapshot', () => {
  it.each(
    fixtureCases(),
  )('%s: a second import stats and reads nothing, and totals stay exact', async (name) => {
    const dir = copyAged(name);
    const store = openTempLedger();
    const first = await importDirs(store, dir);
    expect(first.scan).toBe('walk');
    const second = await importDirs(store, dir);
    expect(second).toMatchObject({ scan: 'snapshot', filesRead: 0, filesSeen: first.filesSeen });
    await expectFixtureTotals(store, dir, name);
  });

  it.each(
    fixtureCases(),
  )('%s: written a few lines at a time, with an import after each step, totals equal the hand-computed ones', async (name) => {
    const files = fixtureFiles(name);
    const dir = tempDir();
    const store = openTempLedger();
    const scans = new Set<string>();
    // Round r writes the first r/4 of every file's bytes (cut inside lines too); meta files whole.
    for (let r = 1; r <= 4; r++) {
      for (const f of files) {
        const target = path.join(dir, f.rel);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const want = f.rel.endsWith('.meta.json') ? f.bytes.length : Math.ceil((f.bytes.length * r) / 4);
        const have = fs.existsSync(target) ? fs.statSync(target).size : -1;
        if (have === -1) fs.writeFileSync(target, f.bytes.subarray(0, want));
        else if (want > have) fs.appendFileSync(target, f.bytes.subarray(have, want));
      }
      age(dir);
      scans.add((await importDirs(store, dir)).scan);
      // Nothing changed since: the next import takes the snapshot.
      expect((await importDirs(store, dir)).scan).toBe('snapshot');
    }
    expect(scans.has('changed-files')).toBe(true);
    await expectFixtureTotals(store, dir, name);
  });

  it('deleting a cursor drops the snapshots: the next import walks and reads that file again', async () => {
    const dir = copyAged('layout-flat-agent-files');
    const store = openTempLedger();
    const first = await importDirs(store, dir);
    expect((await importDirs(store, dir)).scan).toBe('snapshot');
    const before = await snapshot(store, dir);
    const db = new Database(store.location);
    try {
      db.prepare('DELETE FROM files WHERE path = (SELECT min(path) FROM files)').run();
      expect(db.prepare('SELECT count(*) FROM scan_snapshots').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    const again = await importDirs(store, dir);
    expect(again).toMatchObject({ scan: 'walk', filesRead: 1, filesSeen: first.filesSeen });
    expect((await snapshot(store, dir)).total).toEqual(before.total);
  });

  it('an import of changed files saves their stamps as a delta, leaving the snapshot as it was', async () => {
    const dir = copyAged('layout-nested-subagents');
    const store = openTempLedger();
    await importDirs(store, dir);
    const before = await store.scanSnapshot({ source: 'claude-code', roots: [dir] });
    expect(before?.delta).toBe('');
    const main = discoverClaudeFiles([dir]).files.find((f) => f.kind === 'main');
    if (main === undefined) throw new Error('no main transcript');
    fs.appendFileSync(main.path, '\n');
    expect((await importDirs(store, dir)).scan).toBe('changed-files');
    const after = await store.scanSnapshot({ source: 'claude-code', roots: [dir] });
    expect(after?.snapshot).toBe(before?.snapshot);
    expect([...decodeDelta(after?.delta ?? '').keys()]).toEqual([main.path]);
    expect((await importDirs(store, dir)).scan).toBe('snapshot');
    // The next walk folds the delta in.
    fs.writeFileSync(path.join(path.dirname(main.path), 'new-session.jsonl'), '');
    age(dir);
    expect((await importDirs(store, dir)).scan).toBe('walk');
    expect((await store.scanSnapshot({ source: 'claude-code', roots: [dir] }))?.delta).toBe('');
    expect((await importDirs(store, dir)).scan).toBe('snapshot');
  });

  it('a hook’s import in between: the next full import reads nothing again', async () => {
    const dir = copyAged('layout-nested-subagents');
    const store = openTempLedger();
    await importDirs(store, dir);
    await importDirs(store, dir);
    const main = discoverClaudeFiles([dir]).files.find((f) => f.kind === 'main');
    if (main === undefined) throw new Error('no main transcript');
    const line = fs
      .readFileSync(main.path, 'utf8')
      .split('\n')
      .find((l) => l.includes('"assistant"'));
    fs.appendFileSync(main.path, `${line?.replace(/"id":"msg_[^"]*"/, '"id":"msg_hook_appended"')}\n`);
    const hook = await importClaudeFiles(store, [main.path], { origin: { ...ORIGIN } });
    expect(hook.filesRead).toBe(1);
    const next = await importDirs(store, dir);
    expect(next).toMatchObject({ scan: 'changed-files', filesRead: 0 });
    expect((await importDirs(store, dir)).scan).toBe('snapshot');
  });

  it('any interleaving of growth, new files, hook imports and full imports ends with the totals of one fresh import (property)', async () => {
    const files = fixtureFiles('layout-nested-subagents').concat(
      fixtureFiles('per-block-placeholder'),
      fixtureFiles('progress-and-file'),
    );
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('grow' as const),
        file: fc.nat(),
        bytes: fc.integer({ min: 1, max: 400 }),
      }),
      fc.record({ kind: fc.constant('import' as const) }),
      fc.record({ kind: fc.constant('hook' as const), file: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        const dir = tempDir();
        const store = openTempLedger();
        const written = new Map<string, number>();
        const grow = (i: number, bytes: number) => {
          const f = files[i % files.length];
          if (f === undefined) return;
          const target = path.join(dir, f.rel);
          const have = written.get(f.rel) ?? 0;
          const want = f.rel.endsWith('.meta.json') ? f.bytes.length : Math.min(f.bytes.length, have + bytes);
          if (want <= have) return;
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.appendFileSync(target, f.bytes.subarray(have, want));
          written.set(f.rel, want);
        };
        for (const s of steps) {
          if (s.kind === 'grow') grow(s.file, s.bytes);
          age(dir);
          if (s.kind === 'import') await importDirs(store, dir);
          if (s.kind === 'hook') {
            const f = files[s.file % files.length];
            if (f !== undefined && written.has(f.rel))
              await importClaudeFiles(store, [path.join(dir, f.rel)], { origin: { ...ORIGIN } });
          }
        }
        // Everything written so far, imported through the snapshot, equals one fresh import of it.
        await importDirs(store, dir);
        const fresh = openTempLedger();
        await importDirs(fresh, dir);
        const a = await snapshot(store, dir);
        const b = await snapshot(fresh, dir);
        expect({ total: a.total, bySession: a.bySession, byAgent: a.byAgent }).toEqual({
          total: b.total,
          bySession: b.bySession,
          byAgent: b.byAgent,
        });
      }),
      { numRuns: Number(process.env.TL_PROPERTY_RUNS ?? 30) },
    );
  });
});
