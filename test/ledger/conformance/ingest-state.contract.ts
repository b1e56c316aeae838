/**
 * Ingest state: cursors and their stamps (a cursor never moves back on the same content; a read from
 * the start replaces it only when no other process saved one after that read began), directory
 * listings, problems, the import-run log, and the ledger's stats.
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { FileCursor, FileImport } from '../../../src/capture/types.js';
import type { OpenLedger } from './describe-ledger.js';
import { cursorOf, fileWrite, ORIGIN, T0, usage, withLedger } from './ledger-inputs.js';

function cursorAt(offset: number, head = 'h1'): FileCursor {
  return cursorOf('/t/a.jsonl', offset, head);
}

function fileImport(c: FileCursor, fromStart: boolean, readAt: number): FileImport {
  return fileWrite(c.path, [], { cursor: c, fromStart, readAt, bytesRead: c.offset });
}

const origin = ORIGIN;

export function ingestStateContract(open: OpenLedger): void {
  describe('ingest state', () => {
    describe('cursor writes', () => {
      it('a first read that began before another process saved a longer cursor does not move it back', async () => {
        await withLedger(open, async ({ store }) => {
          const began = Date.now() - 1_000;
          await store.writeFiles([fileImport(cursorAt(12_953), true, Date.now())], origin);
          await store.writeFiles([fileImport(cursorAt(6_475), true, began)], origin);
          expect((await store.loadCursors(['/t/a.jsonl'])).get('/t/a.jsonl')?.offset).toBe(12_953);
        });
      });

      it('a read from the start that began after the last save replaces it (a truncated or rewritten file)', async () => {
        await withLedger(open, async ({ store }) => {
          await store.writeFiles([fileImport(cursorAt(12_953), true, Date.now() - 5_000)], origin);
          await new Promise((r) => setTimeout(r, 5));
          await store.writeFiles([fileImport(cursorAt(100), true, Date.now())], origin);
          expect((await store.loadCursors(['/t/a.jsonl'])).get('/t/a.jsonl')?.offset).toBe(100);
        });
      });

      it('an incremental read never moves the cursor back on the same content, but a new head replaces it', async () => {
        await withLedger(open, async ({ store }) => {
          await store.writeFiles([fileImport(cursorAt(500), false, Date.now())], origin);
          await store.writeFiles([fileImport(cursorAt(300), false, Date.now())], origin);
          expect((await store.loadCursors(['/t/a.jsonl'])).get('/t/a.jsonl')?.offset).toBe(500);
          await store.writeFiles([fileImport(cursorAt(300, 'h2'), false, Date.now())], origin);
          expect((await store.loadCursors(['/t/a.jsonl'])).get('/t/a.jsonl')?.offset).toBe(300);
        });
      });
    });

    describe('cursors, listings, problems and stats', () => {
      it('gives stamps of every file or of some, and full cursors', async () => {
        await withLedger(open, async ({ store }) => {
          const a = cursorOf('/t/a.jsonl', 100);
          const b = { ...cursorOf('/t/b.jsonl', 200, 'h2'), identity: '3:4', mtimeMs: 7 };
          await store.writeFiles([fileImport(a, true, Date.now()), fileImport(b, true, Date.now())], ORIGIN);
          const stamps = await store.cursorStamps();
          expect(Object.fromEntries(stamps)).toEqual({
            '/t/a.jsonl': { identity: '1:2', size: 100, mtimeMs: 1 },
            '/t/b.jsonl': { identity: '3:4', size: 200, mtimeMs: 7 },
          });
          expect([...(await store.cursorStampsOf(['/t/b.jsonl', '/t/none.jsonl'])).keys()]).toEqual([
            '/t/b.jsonl',
          ]);
          expect(await store.loadCursors(['/t/b.jsonl'])).toEqual(new Map([['/t/b.jsonl', b]]));
          expect((await store.loadCursors()).size).toBe(2);
          expect((await store.stats()).files).toBe(2);
        });
      });

      it('remembers directory listings, replacing a changed one', async () => {
        await withLedger(open, async ({ store }) => {
          expect((await store.dirListings()).size).toBe(0);
          await store.writeDirListings(
            new Map([
              ['/c/projects', { mtimeMs: 1, listedAt: 2, entries: ['dapp', 'fx.jsonl'] }],
              ['/c/empty', { mtimeMs: 3, listedAt: 4, entries: [] }],
            ]),
          );
          await store.writeDirListings(
            new Map([['/c/projects', { mtimeMs: 5, listedAt: 6, entries: ['dapp'] }]]),
          );
          expect(Object.fromEntries(await store.dirListings())).toEqual({
            '/c/projects': { mtimeMs: 5, listedAt: 6, entries: ['dapp'] },
            '/c/empty': { mtimeMs: 3, listedAt: 4, entries: [] },
          });
        });
      });

      it('keeps each problem once, drops a file’s problems when it is read again from the start, and counts them', async () => {
        await withLedger(open, async ({ store }) => {
          const bad = (file: string, line: number | null, reason: string) => ({
            file,
            line,
            offset: line === null ? null : line * 100,
            severity: 'warning' as const,
            reason,
          });
          const c = cursorOf('/t/a.jsonl', 500);
          await store.writeFiles(
            [
              fileWrite('/t/a.jsonl', [], {
                cursor: c,
                problems: [bad('/t/a.jsonl', 3, 'bad json'), bad('/t/a.jsonl', null, 'no newline')],
              }),
            ],
            ORIGIN,
          );
          await store.writeProblems([bad('/c', null, 'cannot list'), bad('/c', null, 'cannot list')]);
          expect((await store.problems(10)).total).toBe(3);
          expect((await store.stats()).problems).toBe(3);
          // Read on from the cursor: whole-file problems go, line problems stay.
          await store.writeFiles(
            [fileWrite('/t/a.jsonl', [], { cursor: { ...c, offset: 600 }, fromStart: false })],
            ORIGIN,
          );
          const after = await store.problems(10);
          expect(after.rows.map((r) => [r.file, r.line, r.reason]).sort()).toEqual([
            ['/c', null, 'cannot list'],
            ['/t/a.jsonl', 3, 'bad json'],
          ]);
          expect(after.rows.every((r) => r.firstSeen <= r.lastSeen)).toBe(true);
          expect((await store.problems(1)).rows).toHaveLength(1);
          // Read again from the start: the file's problems are the new read's.
          await store.writeFiles([fileWrite('/t/a.jsonl', [], { cursor: c, fromStart: true })], ORIGIN);
          expect((await store.problems(10)).rows.map((r) => r.file)).toEqual(['/c']);
        });
      });

      it('counts records, sessions, times and the last import run', async () => {
        await withLedger(open, async ({ store }) => {
          expect(await store.stats()).toEqual({
            records: 0,
            declaredRecords: 0,
            sessions: 0,
            firstTs: null,
            lastTs: null,
            files: 0,
            metaFiles: 0,
            forgottenCalls: 0,
            problems: 0,
            lastImport: null,
          });
          await store.writeFiles(
            [
              fileWrite(
                '/t/a.jsonl',
                [usage({ dedupKey: 'a', ts: T0 }), usage({ dedupKey: 'b', ts: T0 + 5, sessionId: 's2' })],
                {
                  cursor: cursorOf('/t/a.jsonl', 10),
                },
              ),
              fileWrite('/t/x.meta.json', [], { cursor: cursorOf('/t/x.meta.json', 10) }),
            ],
            ORIGIN,
          );
          const run = {
            filesSeen: 2,
            filesRead: 2,
            bytesRead: 20,
            records: 2,
            added: 2,
            forgotten: 0,
            problems: 0,
          };
          await store.recordImportRun(T0 + 100, T0 + 200, run);
          await store.recordImportRun(T0 + 300, T0 + 400, run);
          expect(await store.stats()).toEqual({
            records: 2,
            declaredRecords: 0,
            sessions: 2,
            firstTs: T0,
            lastTs: T0 + 5,
            files: 2,
            metaFiles: 1,
            forgottenCalls: 0,
            problems: 0,
            lastImport: T0 + 400,
          });
        });
      });
    });
  });
}
