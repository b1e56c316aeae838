/**
 * Property: whatever usage two branches record (versions of one API call split between them, each
 * exported in several rounds into its copy of a shared folder), and whatever order and repeats the
 * folders and their union merges are imported in, with lines shuffled inside files, the imported
 * totals equal the ground truth (each call's versions max-merged, counted once), and the two merge
 * orders resolve to the same records.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import type { UsageRecord } from '../../../src/capture/types.js';
import { exportJsonl } from '../../../src/ledger/jsonl/export-jsonl.js';
import { importJsonl } from '../../../src/ledger/jsonl/import-jsonl.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { cleanupTemp, openTempLedger, tempDir } from '../../helpers/ledger.js';
import { MIN, recordLines, T0, unionMerge, usage, writeUsage } from './jsonl-helpers.js';

const RUNS = Number(process.env.TL_PROPERTY_RUNS ?? 40);
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'];
const ORIGINS = { A: { machine: 'ci-runner', user: 'ci' }, B: { machine: 'laptop', user: 'dev' } } as const;

afterEach(cleanupTemp);

/** One version of a call: the same key may come with other counts, times and on either branch. */
interface Version {
  key: number;
  minute: number;
  input: number;
  output: number;
  cacheRead: number;
  final: boolean;
  where: 'base' | 'A' | 'B';
  round: number;
}

const versionArb = fc.record({
  key: fc.nat(9),
  minute: fc.nat(3 * 1440),
  input: fc.nat(5000),
  output: fc.nat(5000),
  cacheRead: fc.nat(100_000),
  final: fc.boolean(),
  where: fc.constantFrom('base', 'A', 'B'),
  round: fc.nat(2),
}) satisfies fc.Arbitrary<Version>;

type Folder = 'A' | 'B' | 'AB' | 'BA';

function toUsage(v: Version): UsageRecord {
  // A call's session and model never change; its counts and time can between versions.
  return usage({
    dedupKey: `msg_${v.key}`,
    sessionId: `s${v.key % 3}`,
    model: MODELS[v.key % 2] ?? '',
    ts: T0 + v.minute * MIN,
    input: v.input,
    output: v.output,
    cacheRead: v.cacheRead,
    outputFinal: v.final,
  });
}

interface Totals {
  input: number;
  output: number;
  cacheRead: number;
  responses: number;
  lowerBound: number;
  bySession: Record<string, number>;
}

function truth(versions: readonly Version[]): Totals {
  const calls = new Map<number, UsageRecord>();
  for (const v of versions) {
    const u = toUsage(v);
    const old = calls.get(v.key);
    calls.set(
      v.key,
      old === undefined
        ? u
        : {
            ...old,
            input: Math.max(old.input, u.input),
            output: Math.max(old.output, u.output),
            cacheRead: Math.max(old.cacheRead, u.cacheRead),
            outputFinal: old.outputFinal || u.outputFinal,
          },
    );
  }
  const t: Totals = { input: 0, output: 0, cacheRead: 0, responses: 0, lowerBound: 0, bySession: {} };
  for (const u of calls.values()) {
    t.input += u.input;
    t.output += u.output;
    t.cacheRead += u.cacheRead;
    t.responses += 1;
    t.lowerBound += u.outputFinal ? 0 : 1;
    t.bySession[u.sessionId] = (t.bySession[u.sessionId] ?? 0) + u.input;
  }
  return t;
}

async function totals(store: LedgerStore): Promise<Totals> {
  const t: Totals = { input: 0, output: 0, cacheRead: 0, responses: 0, lowerBound: 0, bySession: {} };
  for (const r of await store.groups({ dimensions: ['session'], filter: {}, grain: 'day' })) {
    t.input += r.input;
    t.output += r.output;
    t.cacheRead += r.cacheRead;
    t.responses += r.responses;
    t.lowerBound += r.lowerBound;
    const s = r.values.session ?? '';
    t.bySession[s] = (t.bySession[s] ?? 0) + r.input;
  }
  return t;
}

/** Rewrites every file of `dir` with its lines in a seeded order. */
function shuffleLines(dir: string, seed: number): void {
  let x = seed >>> 0 || 1;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    return x;
  };
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.jsonl')) continue;
    const file = path.join(e.parentPath, e.name);
    const lines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    for (let i = lines.length - 1; i > 0; i--) {
      const j = next() % (i + 1);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
    }
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
  }
}

it('imported totals equal the ground truth for any split, merge order, import order and repeats', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(versionArb, { minLength: 1, maxLength: 24 }),
      fc.array(fc.constantFrom<Folder>('A', 'B', 'AB', 'BA'), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      async (versions, plan, seed) => {
        const seedLedger = openTempLedger();
        const base = versions.filter((v) => v.where === 'base');
        if (base.length > 0) await writeUsage(seedLedger, base.map(toUsage), ORIGINS.B);
        const baseDir = tempDir();
        await exportJsonl(seedLedger, baseDir, { filter: {}, machine: 'seed', now: T0 });

        const dirs: Partial<Record<Folder, string>> = {};
        for (const side of ['A', 'B'] as const) {
          const dir = tempDir();
          fs.cpSync(baseDir, dir, { recursive: true });
          const store = openTempLedger();
          await importJsonl(store, dir);
          for (let round = 0; round <= 2; round++) {
            const mine = versions.filter((v) => v.where === side && v.round === round);
            if (mine.length > 0) await writeUsage(store, mine.map(toUsage), ORIGINS[side]);
            await exportJsonl(store, dir, { filter: {}, machine: ORIGINS[side].machine, now: T0 });
          }
          dirs[side] = dir;
        }
        for (const [name, first, second] of [
          ['AB', 'A', 'B'],
          ['BA', 'B', 'A'],
        ] as const) {
          const into = tempDir();
          unionMerge(dirs[first] ?? '', dirs[second] ?? '', into);
          shuffleLines(into, seed);
          dirs[name] = into;
        }

        // Both merge orders resolve to the same ledger.
        const ab = openTempLedger();
        const ba = openTempLedger();
        await importJsonl(ab, dirs.AB ?? '');
        await importJsonl(ba, dirs.BA ?? '');
        expect(await recordLines(ba)).toEqual(await recordLines(ab));
        expect(await totals(ab)).toEqual(truth(versions));
        // A ledger rebuilt from a folder has nothing to add to it.
        expect(
          (await exportJsonl(ab, dirs.AB ?? '', { filter: {}, machine: 'x', now: T0 })).linesAppended,
        ).toBe(0);

        // Any sequence of imports ends at the truth of what it covered; a repeat changes nothing.
        const store = openTempLedger();
        const seen = new Set<'base' | 'A' | 'B'>(['base']);
        for (const folder of plan) {
          await importJsonl(store, dirs[folder] ?? '');
          for (const side of folder === 'A' || folder === 'B' ? [folder] : (['A', 'B'] as const))
            seen.add(side);
        }
        expect(await totals(store)).toEqual(truth(versions.filter((v) => seen.has(v.where))));
        const last = plan[plan.length - 1] ?? 'AB';
        expect((await importJsonl(store, dirs[last] ?? '')).merged).toBe(0);
        await cleanupTemp();
      },
    ),
    { numRuns: RUNS, interruptAfterTimeLimit: 20_000 },
  );
}, 120_000);

/** An edit of a task on one branch, in one export round. */
interface TaskEdit {
  task: number;
  title: string;
  status: 'open' | 'active' | 'paused' | 'done';
  side: 'A' | 'B';
  round: number;
}

const editArb = fc.record({
  task: fc.nat(2),
  title: fc.constantFrom('plan', 'build', 'review'),
  status: fc.constantFrom('open', 'active', 'paused', 'done'),
  side: fc.constantFrom('A', 'B'),
  round: fc.nat(2),
}) satisfies fc.Arbitrary<TaskEdit>;

it('task versions edited on both branches resolve alike in either merge order, and stay put', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(editArb, { maxLength: 12 }), fc.nat(), async (edits, seed) => {
      const seedLedger = openTempLedger();
      for (let t = 0; t <= 2; t++) await seedLedger.saveTask({ id: `T-${t}`, title: 'base', startedAt: T0 });
      const baseDir = tempDir();
      await exportJsonl(seedLedger, baseDir, { filter: {}, machine: 'seed', now: T0 });
      const dirs: Record<string, string> = {};
      for (const side of ['A', 'B'] as const) {
        const dir = tempDir();
        fs.cpSync(baseDir, dir, { recursive: true });
        const store = openTempLedger();
        await importJsonl(store, dir);
        for (let round = 0; round <= 2; round++) {
          for (const e of edits.filter((x) => x.side === side && x.round === round))
            await store.saveTask({ id: `T-${e.task}`, title: e.title, status: e.status });
          await exportJsonl(store, dir, { filter: {}, machine: ORIGINS[side].machine, now: T0 });
        }
        dirs[side] = dir;
      }
      const results: string[][] = [];
      for (const [first, second] of [
        ['A', 'B'],
        ['B', 'A'],
      ] as const) {
        const into = tempDir();
        unionMerge(dirs[first] ?? '', dirs[second] ?? '', into);
        shuffleLines(into, seed);
        const store = openTempLedger();
        await importJsonl(store, into);
        expect((await importJsonl(store, into)).merged).toBe(0);
        expect((await exportJsonl(store, into, { filter: {}, machine: 'x', now: T0 })).linesAppended).toBe(0);
        results.push(await recordLines(store));
      }
      expect(results[1]).toEqual(results[0]);
      // An edit made on one side only wins over the base.
      for (let t = 0; t <= 2; t++) {
        const mine = edits.filter((e) => e.task === t);
        const sides = new Set(mine.map((e) => e.side));
        const last = mine.filter((e) => e.side === mine[0]?.side).sort((a, b) => a.round - b.round);
        if (sides.size !== 1 || last.length === 0) continue;
        const lastEdit = last.filter((e) => e.round === last[last.length - 1]?.round);
        const final = lastEdit[lastEdit.length - 1];
        expect(results[0]?.find((l) => l.includes(`"id":"T-${t}"`))).toContain(`"title":"${final?.title}"`);
      }
      await cleanupTemp();
    }),
    { numRuns: RUNS, interruptAfterTimeLimit: 20_000 },
  );
}, 120_000);
