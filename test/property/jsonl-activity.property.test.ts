/**
 * Property: importing `activity` lines merges with the activity a ledger already has the way the
 * capture does, whatever the order. Some calls asked for tools, some for none; each row (a tool use,
 * or a call's "no tool" row, which a response read in pieces can leave) is either in the ledger
 * already (written by the capture), in one or both of two JSONL folders (repeated, in any order), or
 * in several of those. After importing the folders in either order the ledger holds, per call, its
 * tool uses, or its one "no tool" row when it has none; importing again changes nothing; and the
 * ledger exported and imported into an empty one gives the same rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallActivity } from '../../src/capture/types.js';
import { exportJsonl } from '../../src/ledger/jsonl/export-jsonl.js';
import { importJsonl } from '../../src/ledger/jsonl/import-jsonl.js';
import { formatLine } from '../../src/ledger/jsonl/jsonl-format.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { cleanupTemp, ORIGIN, openTempLedger, tempDir } from '../helpers/ledger.js';

const RUNS = Number(process.env.TL_PROPERTY_RUNS ?? 30);
const TIMEOUT = 60_000;
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);

afterEach(cleanupTemp);

/** Every row the calls can have: per call, up to 3 tool uses and its "no tool" row. */
function universe(toolCounts: readonly number[]): CallActivity[] {
  const rows: CallActivity[] = [];
  toolCounts.forEach((tools, c) => {
    const dedupKey = `msg_${c}:req_${c}`;
    rows.push({
      dedupKey,
      toolUseId: '',
      tool: null,
      mcpServer: null,
      skill: null,
      agentType: null,
      file: null,
      fileOp: null,
    });
    for (let t = 0; t < tools; t++) {
      rows.push({
        dedupKey,
        toolUseId: `toolu_${c}_${t}`,
        tool: t === 1 ? 'create_issue' : 'Read',
        mcpServer: t === 1 ? 'github' : null,
        skill: null,
        agentType: null,
        file: t === 1 ? null : `/repo/f${c}.ts`,
        fileOp: t === 1 ? null : 'read',
      });
    }
  });
  return rows;
}

function line(a: CallActivity): string {
  return formatLine({ type: 'activity', ...a }, 0);
}

/** The ledger's activity lines, sorted. */
async function activityLines(store: LedgerStore): Promise<string[]> {
  return (await store.exportRecords({}))
    .filter((r) => r.record.type === 'activity')
    .map((r) => formatLine(r.record, 0))
    .sort();
}

/** Per call: its tool uses among `present`, or its "no tool" row when it has none. */
function expected(present: readonly CallActivity[]): string[] {
  const withTools = new Set(present.filter((a) => a.toolUseId !== '').map((a) => a.dedupKey));
  return [
    ...new Set(present.filter((a) => a.toolUseId !== '' || !withTools.has(a.dedupKey)).map(line)),
  ].sort();
}

function writeFolder(dir: string, lines: readonly string[]): void {
  fs.mkdirSync(path.join(dir, '2026-11-20'), { recursive: true });
  fs.writeFileSync(path.join(dir, '2026-11-20', 'm.jsonl'), lines.map((l) => `${l}\n`).join(''));
}

describe('import-jsonl of activity: any split between ledger and folders, any order', () => {
  it(
    'gives the capture’s rows per call, changes nothing again, and round-trips',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }).chain((counts) => {
            const rows = universe(counts);
            // Per row: bit 0 the ledger, bit 1 folder A, bit 2 folder B (0: nowhere).
            return fc.tuple(
              fc.constant(rows),
              fc.array(fc.integer({ min: 0, max: 7 }), { minLength: rows.length, maxLength: rows.length }),
              fc.boolean(),
              fc.integer({ min: 0, max: 1_000_000 }),
            );
          }),
          async ([rows, places, bFirst, seed]) => {
            const inLedger = rows.filter((_, i) => ((places[i] ?? 0) & 1) !== 0);
            const shuffled = (list: CallActivity[], salt: number) =>
              list
                .flatMap((a, i) => ((seed + i + salt) % 3 === 0 ? [a, a] : [a]))
                .map((a, i) => ({ a, k: (seed * 31 + i * 17 + salt) % 101 }))
                .sort((x, y) => x.k - y.k)
                .map((x) => line(x.a));
            const a = rows.filter((_, i) => ((places[i] ?? 0) & 2) !== 0);
            const b = rows.filter((_, i) => ((places[i] ?? 0) & 4) !== 0);
            const store = openTempLedger();
            await store.writeFiles(
              [
                {
                  path: '/mem/t.jsonl',
                  cursor: null,
                  fromStart: false,
                  readAt: T0,
                  bytesRead: 0,
                  bytesLeft: 0,
                  records: [],
                  activities: inLedger,
                  costCheckpoints: [],
                  agentFacts: [],
                  problems: [],
                },
              ],
              ORIGIN,
            );
            const dirA = tempDir();
            const dirB = tempDir();
            writeFolder(dirA, shuffled(a, 1));
            writeFolder(dirB, shuffled(b, 2));
            for (const dir of bFirst ? [dirB, dirA] : [dirA, dirB]) await importJsonl(store, dir);
            const want = expected([...inLedger, ...a, ...b]);
            expect(await activityLines(store)).toEqual(want);
            for (const dir of [dirA, dirB]) expect((await importJsonl(store, dir)).merged).toBe(0);
            expect(await activityLines(store)).toEqual(want);

            const out = tempDir();
            await exportJsonl(store, out, { filter: {}, machine: 'm', now: T0 });
            const fresh = openTempLedger();
            await importJsonl(fresh, out);
            expect(await activityLines(fresh)).toEqual(want);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
