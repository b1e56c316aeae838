/**
 * Property tests of the import engine's de-duplication (FORMATS.md §1.5): the ledger must equal the
 * rule applied to the set of lines ever written, whatever the line order, duplication, file
 * placement, split of appends across import runs, or in-place rewrites of a file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ImportSummary, importClaudeHistory } from '../../src/app/import/import-claude.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { dumpLedger, type LedgerDump, type LedgerView, ledgerView } from '../ledger/ledger-dump.js';
import {
  allLines,
  appendRounds,
  CANONICAL,
  chunkPlanArb,
  completeLines,
  copyFor,
  expectedView,
  type History,
  historyArb,
  type LayoutChoice,
  type LineRef,
  type LineSpec,
  layoutArb,
  layoutFiles,
  type ResponseSpec,
  renderLine,
  type SessionSpec,
  type Usage,
  writeFiles,
} from './transcript-model.js';

const RUNS = Number(process.env.TL_PROPERTY_RUNS ?? 40);
/**
 * A failing property shrinks for at most this long (then reports the smallest counterexample found so
 * far); a passing one takes a few seconds.
 */
const SHRINK_MS = Number(process.env.TL_PROPERTY_SHRINK_MS ?? 10_000);
/** `scale` multiplies the runs of properties whose runs are cheap. */
const params = <T>(scale = 1): fc.Parameters<T> => ({
  numRuns: Math.round(RUNS * scale),
  interruptAfterTimeLimit: SHRINK_MS,
});
const TIMEOUT = 60_000;

/** A ledger file plus the Claude config dir it imports. */
class Ledger {
  readonly file: string;
  readonly claudeDir: string;
  readonly store: SqliteStore;

  constructor(file: string, claudeDir: string) {
    this.file = file;
    this.claudeDir = claudeDir;
    this.store = SqliteStore.open(file);
  }

  import(): Promise<ImportSummary> {
    return importClaudeHistory(this.store, {
      origin: { machine: 'm', user: 'u' },
      env: { CLAUDE_CONFIG_DIR: this.claudeDir },
      threads: 0,
    });
  }

  view(): Promise<LedgerView> {
    return ledgerView(this.store);
  }

  dump(tables?: readonly string[]): LedgerDump {
    const all = dumpLedger(this.file);
    return tables === undefined ? all : Object.fromEntries(tables.map((t) => [t, all[t] ?? []]));
  }
}

/** Runs `body` with a fresh temp dir and open ledgers; closes them and removes the dir afterwards. */
async function inTempDir(
  body: (dir: string, open: (name: string, claudeDir: string) => Ledger) => Promise<void>,
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-prop-'));
  const ledgers: Ledger[] = [];
  const open = (name: string, claudeDir: string) => {
    fs.mkdirSync(claudeDir, { recursive: true });
    const l = new Ledger(path.join(dir, `${name}.sqlite`), claudeDir);
    ledgers.push(l);
    return l;
  };
  try {
    await body(dir, open);
  } finally {
    for (const l of ledgers) await l.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- rewrites -----------------------------------------------------------------------------------

const opArb = fc.record({
  kind: fc.constantFrom('append', 'truncate', 'rewrite'),
  n: fc.integer({ min: 1, max: 10 }),
  /** Share of the lines a truncation or rewrite keeps (compaction keeps the start of a file). */
  keep: fc.oneof(fc.double({ min: 0.5, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
  /** Rewrite the file in place (same inode) or replace it (write a new file and rename it over). */
  inPlace: fc.boolean(),
});

type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

interface FileState {
  /** Indexes into the line pool, in file order. */
  lines: number[];
  /** How the state is written: appended to the previous state, or the whole file rewritten. */
  write: 'append' | 'inPlace' | 'replace';
}

/**
 * The file states a sequence of operations gives, starting with a share `init` of the pool's lines
 * (the rest is left for appends and rewrites).
 */
function fileStates(poolSize: number, init: number, ops: readonly Op[]): FileState[] {
  let next = Math.max(1, Math.floor(init * poolSize));
  let lines = Array.from({ length: next }, (_, i) => i);
  const states: FileState[] = [{ lines, write: 'replace' }];
  const take = (n: number) => {
    const fresh = Array.from({ length: Math.max(0, Math.min(n, poolSize - next)) }, (_, i) => next + i);
    next += fresh.length;
    return fresh;
  };
  for (const op of ops) {
    const keep = lines.slice(0, Math.floor(op.keep * (lines.length + 1)));
    const write = op.inPlace ? 'inPlace' : 'replace';
    if (op.kind === 'append') lines = [...lines, ...take(op.n)];
    else if (op.kind === 'truncate') lines = keep;
    else lines = [...keep, ...take(op.n)];
    states.push({ lines, write: op.kind === 'append' ? 'append' : write });
  }
  return states;
}

function writeState(file: string, pool: readonly string[], prev: FileState | undefined, state: FileState) {
  const text = (lines: readonly number[]) => lines.map((i) => pool[i]).join('');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (state.write === 'append') {
    fs.appendFileSync(file, text(state.lines.slice(prev?.lines.length ?? 0)));
  } else if (state.write === 'inPlace') {
    fs.writeFileSync(file, text(state.lines));
  } else {
    fs.writeFileSync(`${file}.tmp`, text(state.lines));
    fs.renameSync(`${file}.tmp`, file);
  }
}

/**
 * The pool of one file's lines: every line of the history, rendered into session 0's main file. With
 * `equalLength`, content text is padded so every line has the same byte length (fixed-size records).
 */
function linePool(
  h0: History,
  equalLength: boolean,
): { h: History; file: string; refs: LineRef[]; text: string[] } {
  const h = structuredClone(h0);
  const refs = allLines(h);
  const render = (ref: LineRef) => `${renderLine(h, ref, copyFor(h, ref, 'home'))}\n`;
  const longest = Math.max(...refs.map((ref) => Buffer.byteLength(render(ref))));
  for (const ref of refs) {
    const line = h.responses[ref.r]?.lines[ref.l];
    if (line !== undefined && equalLength) line.text += ' '.repeat(longest - Buffer.byteLength(render(ref)));
  }
  const file = copyFor(h, refs[0] ?? { r: 0, l: 0 }, 'home').file;
  return { h, file, refs, text: refs.map(render) };
}

describe('de-duplication properties (threads: 0)', () => {
  it(
    'totals do not depend on line order, duplicates, or which files the lines are in',
    async () => {
      await fc.assert(
        fc.asyncProperty(historyArb(), layoutArb, async (h, layout) => {
          await inTempDir(async (dir, open) => {
            const canonical = open('canonical', path.join(dir, 'canonical'));
            const scattered = open('scattered', path.join(dir, 'scattered'));
            writeFiles(canonical.claudeDir, layoutFiles(h, CANONICAL));
            writeFiles(scattered.claudeDir, layoutFiles(h, layout));
            await canonical.import();
            await scattered.import();

            const expected = expectedView(h, allLines(h));
            expect(await canonical.view()).toEqual(expected);
            expect(await scattered.view()).toEqual(expected);
            // Row for row, including the merged attributes (earliest ts, sidechain, agent, project).
            expect(scattered.dump(['usage', 'usage_rollup'])).toEqual(
              canonical.dump(['usage', 'usage_rollup']),
            );
          });
        }),
        params(),
      );
    },
    TIMEOUT,
  );

  it(
    'importing after every chunk of appends (cut anywhere, even inside a line) equals one import of the whole',
    async () => {
      await fc.assert(
        fc.asyncProperty(historyArb(), layoutArb, chunkPlanArb, async (h, layout, plan) => {
          await inTempDir(async (dir, open) => {
            const claudeDir = path.join(dir, 'claude');
            const files = layoutFiles(h, layout);
            const incremental = open('incremental', claudeDir);
            const onDisk = new Map<string, Buffer>();
            const seen: LedgerView[] = [];
            const want: LedgerView[] = [];
            for (const round of appendRounds(files, plan)) {
              for (const [rel, bytes] of round) {
                fs.mkdirSync(path.dirname(path.join(claudeDir, rel)), { recursive: true });
                fs.appendFileSync(path.join(claudeDir, rel), bytes);
                onDisk.set(rel, Buffer.concat([onDisk.get(rel) ?? Buffer.alloc(0), bytes]));
              }
              await incremental.import();
              // After every run: the rule applied to the complete lines on disk at that moment.
              seen.push(await incremental.view());
              want.push(
                expectedView(
                  h,
                  completeLines(
                    h,
                    [...onDisk.values()].map((b) => b.toString('utf8')),
                  ),
                ),
              );
            }
            expect(seen).toEqual(want);
            expect(await incremental.view()).toEqual(expectedView(h, allLines(h)));

            // The same final files imported once, into a fresh ledger: every table equal.
            const once = open('once', claudeDir);
            await once.import();
            const dump = incremental.dump();
            expect(dump).toEqual(once.dump());

            // Nothing changed: a re-run reads nothing and changes nothing.
            const again = await incremental.import();
            expect({
              filesRead: again.filesRead,
              bytesRead: again.bytesRead,
              records: again.records,
            }).toEqual({
              filesRead: 0,
              bytesRead: 0,
              records: 0,
            });
            expect(incremental.dump()).toEqual(dump);
          });
        }),
        params(1.5),
      );
    },
    TIMEOUT,
  );

  it(
    'appending to an imported file, truncating it, or rewriting it shorter and longer never loses or double counts',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          historyArb({ fixedWidth: true, maxResponses: 20 }),
          fc.double({ min: 0.2, max: 0.7, noNaN: true }),
          fc.array(opArb, { minLength: 1, maxLength: 6 }),
          fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
          async (h0, init, ops, equalLength) => {
            await inTempDir(async (dir, open) => {
              const ledger = open('ledger', path.join(dir, 'claude'));
              const { h, ...pool } = linePool(h0, equalLength);
              const file = path.join(ledger.claudeDir, pool.file);
              const written = new Set<number>();
              const states = fileStates(pool.refs.length, init, ops);
              const seen: { step: number; view: LedgerView }[] = [];
              const want: { step: number; view: LedgerView }[] = [];
              for (const [step, state] of states.entries()) {
                writeState(file, pool.text, states[step - 1], state);
                for (const i of state.lines) written.add(i);
                await ledger.import();
                seen.push({ step, view: await ledger.view() });
                want.push({
                  step,
                  view: expectedView(
                    h,
                    [...written].map((i) => pool.refs[i] as LineRef),
                  ),
                });
              }
              expect(seen).toEqual(want);
            });
          },
        ),
        params(3),
      );
    },
    TIMEOUT,
  );

  it(
    'two JSON objects on the last line of a file both count, with or without a final newline (FORMATS.md §8)',
    async () => {
      const quirkArb = fc.record({
        layout: layoutArb,
        ending: fc.constantFrom<LayoutChoice['ending']>('lf', 'noFinalNewline'),
      });
      await fc.assert(
        fc.asyncProperty(historyArb(), quirkArb, async (h, { layout, ending }) => {
          await inTempDir(async (dir, open) => {
            const ledger = open('ledger', path.join(dir, 'claude'));
            writeFiles(ledger.claudeDir, layoutFiles(h, { ...layout, ending, joinLast: true }));
            await ledger.import();
            expect(await ledger.view()).toEqual(expectedView(h, allLines(h)));
          });
        }),
        params(2),
      );
    },
    TIMEOUT,
  );
});

// ---- minimal counterexamples, found and shrunk by the properties above ---------------------------

const SESSION: SessionSpec = {
  id: 'd274ece3-0000-4000-8000-000000000001',
  forkId: 'd274ece3-0000-4000-8000-000000000002',
  cwd: '/home/dev/src/project-0',
};
const USAGE: Usage = {
  input: 10,
  output: 500,
  cacheWrite: 1000,
  cacheWrite1h: 0,
  cacheRead: 100,
  webSearch: 0,
};

function response(i: number, lines: readonly Partial<LineSpec>[]): ResponseSpec {
  const n = String(i).padStart(4, '0');
  return {
    messageId: `msg_01mock${n}`,
    requestId: `req_011Cmock${n}`,
    session: 0,
    agentId: null,
    model: 'claude-sonnet-4-5-20250929',
    speed: 'standard',
    geo: '',
    lines: lines.map((l, k) => ({
      uuid: `00000000-0000-4000-8000-0000000${n}${k}`,
      block: 'text',
      text: 'Running echo.',
      usage: USAGE,
      stop: 'end_turn',
      tsMs: Date.UTC(2026, 10, 22, 4, 56, 0) + i * 60_000,
      ...l,
    })),
  };
}

function lineText(h: History, ref: LineRef): string {
  return `${renderLine(h, ref, copyFor(h, ref, 'home'))}\n`;
}

describe('minimal counterexamples', () => {
  it('a response whose lines straddle a 15-minute bucket and arrive in two imports is rolled up once, final', async () => {
    const bucketEnd = Date.UTC(2026, 10, 22, 5, 0, 0);
    const h: History = {
      sessions: [SESSION],
      responses: [
        response(0, [
          { stop: null, usage: { ...USAGE, output: 1 }, tsMs: bucketEnd - 1_000 },
          { stop: 'end_turn', tsMs: bucketEnd + 1_000 },
        ]),
      ],
    };
    await inTempDir(async (dir, open) => {
      const ledger = open('ledger', path.join(dir, 'claude'));
      const file = path.join(ledger.claudeDir, copyFor(h, { r: 0, l: 0 }, 'home').file);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, lineText(h, { r: 0, l: 0 }));
      await ledger.import();
      fs.appendFileSync(file, lineText(h, { r: 0, l: 1 }));
      await ledger.import();
      // groups() reads the usage rows; buckets() the rollup: both must show output 500, final.
      expect(await ledger.view()).toEqual(expectedView(h, allLines(h)));
    });
  });

  it('a file rewritten in place with equal-length lines past the same first 4 KiB is read again', async () => {
    const h: History = {
      sessions: [SESSION],
      responses: Array.from({ length: 6 }, (_, i) => response(i, [{}])),
    };
    const text = (rs: readonly number[]) => rs.map((r) => lineText(h, { r, l: 0 })).join('');
    await inTempDir(async (dir, open) => {
      const ledger = open('ledger', path.join(dir, 'claude'));
      const file = path.join(ledger.claudeDir, copyFor(h, { r: 0, l: 0 }, 'home').file);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text([0, 1, 2, 3, 4]));
      await ledger.import();
      // Same inode, same size, same first 4 KiB, same last 64 bytes; line 5 replaces line 4.
      fs.writeFileSync(file, text([0, 1, 2, 3, 5]));
      await ledger.import();
      expect((await ledger.view()).total.responses).toBe(6);
    });
  });

  it('a file whose last line holds two objects and has no final newline counts both', async () => {
    const h: History = { sessions: [SESSION], responses: [response(0, [{}]), response(1, [{}])] };
    await inTempDir(async (dir, open) => {
      const ledger = open('ledger', path.join(dir, 'claude'));
      const file = path.join(ledger.claudeDir, copyFor(h, { r: 0, l: 0 }, 'home').file);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, lineText(h, { r: 0, l: 0 }).trim() + lineText(h, { r: 1, l: 0 }).trim());
      await ledger.import();
      expect((await ledger.view()).total.responses).toBe(2);
    });
  });
});
