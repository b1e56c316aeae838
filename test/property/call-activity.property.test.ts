/**
 * Property: the usage by tool, skill, MCP server and file of the `tool-activity` fixture equals its
 * hand-written ground truth whatever the import does: each transcript appended in random chunks (cut
 * at any line, so one response's lines may land in different imports) with an import after each
 * round, files imported in a random order per round, and some files read again from their start.
 * After every round, what the ledger keeps (links and rollup) equals the read-time window.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { importClaudeFile } from '../../src/capture/claude/adapter.js';
import { claudeLayout } from '../../src/capture/claude/discover.js';
import type { FileCursor } from '../../src/capture/types.js';
import { EXPECTED_TOTAL, expectedBy, FIXTURE } from '../capture/tool-activity-truth.js';
import {
  cleanupTemp,
  copyFixture,
  ORIGIN,
  openTempLedger,
  tempDir,
  totalsBy,
  totalsOfRows as totalsOf,
} from '../helpers/ledger.js';

const RUNS = Number(process.env.TL_PROPERTY_RUNS ?? 30);
const TIMEOUT = 60_000;

afterEach(cleanupTemp);

/** The fixture's transcripts: path below the fixture, and lines. */
function fixtureFiles(): { rel: string; lines: string[] }[] {
  const dir = copyFixture(FIXTURE);
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((rel) => ({
      rel,
      lines: fs
        .readFileSync(path.join(dir, rel), 'utf8')
        .split('\n')
        .filter((l) => l.length > 0),
    }));
}

const FILES = fixtureFiles();
const ROUNDS = 4;

describe('usage by what drove it: any chunking and order of the import', () => {
  it(
    'gives the ground truth per tool, skill, MCP server and file',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          // Per file and line: the round in which the line is appended (sorted, so lines stay in order).
          fc.tuple(
            ...FILES.map((f) =>
              fc.array(fc.integer({ min: 0, max: ROUNDS - 1 }), {
                minLength: f.lines.length,
                maxLength: f.lines.length,
              }),
            ),
          ),
          // Per round: the order of the files, and which are read again from their start.
          fc.array(
            fc.tuple(
              fc.boolean(),
              fc.array(fc.boolean(), { minLength: FILES.length, maxLength: FILES.length }),
            ),
            {
              minLength: ROUNDS,
              maxLength: ROUNDS,
            },
          ),
          async (rounds, plan) => {
            const dir = tempDir();
            const store = openTempLedger();
            const cursors = new Map<string, FileCursor | null>();
            for (let round = 0; round < ROUNDS; round++) {
              FILES.forEach((f, i) => {
                const target = path.join(dir, f.rel);
                fs.mkdirSync(path.dirname(target), { recursive: true });
                const until = [...(rounds[i] ?? [])].sort((a, b) => a - b).filter((r) => r <= round).length;
                fs.writeFileSync(
                  target,
                  f.lines
                    .slice(0, until)
                    .map((l) => `${l}\n`)
                    .join(''),
                );
              });
              const [reversed, again] = plan[round] ?? [false, []];
              const order = reversed ? [...FILES].reverse() : FILES;
              for (const f of order) {
                const file = path.join(dir, f.rel);
                const cls = claudeLayout.classifyPath(file);
                if (cls === null) throw new Error(`not a transcript: ${file}`);
                const fromStart = again[FILES.indexOf(f)] === true;
                const read = importClaudeFile({
                  ...cls,
                  path: file,
                  previous: fromStart ? null : (cursors.get(file) ?? null),
                });
                cursors.set(file, read.cursor);
                await store.writeFiles([read], ORIGIN);
              }
              // What the ledger keeps between imports equals the read-time window after each round.
              for (const dim of ['tool', 'skill', 'mcpServer', 'file'] as const) {
                const window = await store.groups({ dimensions: [dim], filter: {}, linkAtRead: true });
                expect(await totalsBy(store, dim)).toEqual(totalsOf(window, dim));
              }
            }
            for (const dim of ['tool', 'skill', 'mcpServer', 'file'] as const)
              expect(await totalsBy(store, dim)).toEqual(expectedBy(dim));
            expect(Object.values(await totalsBy(store, 'model'))).toEqual([EXPECTED_TOTAL]);
            await cleanupTemp();
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
