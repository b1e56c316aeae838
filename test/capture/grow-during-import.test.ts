/**
 * A transcript that Claude Code appends to while tokenledger imports it. The scanner is wrapped so a
 * test can append to the file from inside the scan callback, i.e. mid-import.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cleanupTemp,
  importDirs,
  openTempLedger,
  overallTotals,
  problemsOf,
  tempDir,
} from '../helpers/ledger.js';
import { assistantLine, jsonl, type Resp, totalsOf, transcriptPath } from './lines.js';

const hook = vi.hoisted(() => ({ onLine: null as null | (() => void) }));

vi.mock('../../src/capture/jsonl/line-scanner.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/capture/jsonl/line-scanner.js')>();
  const scanJsonl: typeof real.scanJsonl = (fd, start, options, onLine) =>
    real.scanJsonl(fd, start, options, (line) => {
      onLine(line);
      hook.onLine?.();
    });
  return { ...real, scanJsonl };
});

/** Runs `f` on the first call only. */
function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}

afterEach(async () => {
  hook.onLine = null;
  await cleanupTemp();
});

const A: Resp = { id: 'msg_growA', input: 10, output: 1 };
const B: Resp = { id: 'msg_growB', input: 20, output: 2 };
const C: Resp = { id: 'msg_growC', input: 30, output: 3 };
const D: Resp = { id: 'msg_growD', input: 40, output: 4 };
const E: Resp = { id: 'msg_growE', input: 50, output: 5 };

describe('a file that grows during the import', () => {
  it('lines appended mid-import count exactly once, now or on the next import', async () => {
    const dir = tempDir();
    const file = transcriptPath(dir);
    fs.writeFileSync(file, jsonl(assistantLine(A), assistantLine(B)));
    let calls = 0;
    const append = once(() => fs.appendFileSync(file, jsonl(assistantLine(C), assistantLine(D))));
    hook.onLine = () => {
      calls++;
      append();
    };
    const store = openTempLedger();
    await importDirs(store, dir);
    expect(calls).toBeGreaterThan(0);
    hook.onLine = null;
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C, D));
    fs.appendFileSync(file, jsonl(assistantLine(E)));
    await importDirs(store, dir);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C, D, E));
    expect((await problemsOf(store, dir)).total).toBe(0);
  });

  it('a line half-written mid-import is not counted until it is complete, then once', async () => {
    const dir = tempDir();
    const file = transcriptPath(dir);
    fs.writeFileSync(file, jsonl(assistantLine(A)));
    const c = assistantLine(C);
    hook.onLine = once(() => {
      fs.appendFileSync(file, `${assistantLine(B)}\n${c.slice(0, 120)}`);
    });
    const store = openTempLedger();
    await importDirs(store, dir);
    hook.onLine = null;
    expect(await overallTotals(store)).toEqual(totalsOf(A, B));
    expect((await problemsOf(store, dir)).total).toBe(0);
    fs.appendFileSync(file, `${c.slice(120)}\n`);
    await importDirs(store, dir);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C));
    expect((await problemsOf(store, dir)).total).toBe(0);
  });

  it('rewritten shorter mid-import: what was read counts once, the new content is read next time', async () => {
    const dir = tempDir();
    const file = transcriptPath(dir);
    fs.writeFileSync(file, jsonl(assistantLine(A), assistantLine(B), assistantLine(C)));
    hook.onLine = once(() => {
      fs.writeFileSync(file, jsonl(assistantLine(D)));
    });
    const store = openTempLedger();
    await importDirs(store, dir);
    hook.onLine = null;
    await importDirs(store, dir);
    // A, B and C were in the file (and in the read buffer) when it was read; D replaced them.
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C, D));
    fs.appendFileSync(file, jsonl(assistantLine(E)));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C, D, E));
  });

  it('rewritten longer mid-import (same inode): no line of the new content is lost', async () => {
    // Every line has the same length, so the scan, which goes on at the old end, stays on line
    // boundaries of the new content.
    const R = (k: number): Resp => ({ id: `msg_grow${k}`, input: 10 + k, output: 1 });
    const dir = tempDir();
    const file = transcriptPath(dir);
    fs.writeFileSync(file, jsonl(assistantLine(R(1)), assistantLine(R(2)), assistantLine(R(3))));
    hook.onLine = once(() => {
      fs.writeFileSync(file, jsonl(...[4, 5, 6, 7].map((k) => assistantLine(R(k)))));
    });
    const store = openTempLedger();
    await importDirs(store, dir);
    hook.onLine = null;
    await importDirs(store, dir);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(...[1, 2, 3, 4, 5, 6, 7].map(R)));
  });
});
