/**
 * Several OS processes on one spool at the same moment, each adding entries and replaying them a few
 * at a time, some replays failing and going back: every entry is replayed exactly once. And a process
 * killed while it holds claims: once they are stale, its entries are replayed by the others, exactly
 * once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/util/spool.js';
import { DIST_DIR } from '../helpers/built-cli.js';
import { type ChildResult, outcome, startChild } from '../ledger/children.js';

const SPOOL_CHILD = fileURLToPath(new URL('./spool-child.mjs', import.meta.url));

interface Job {
  at: number;
  n: number;
  tries: number;
}

const KIND = {
  prefix: 'job-',
  stamp: (item: Job) => String(item.at).padStart(15, '0'),
  isEntry: (v: unknown): v is Job => typeof v === 'object' && v !== null && 'n' in v && 'tries' in v,
  staleClaimMs: 60_000,
};

let root = '';
let dir = '';
let log = '';
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-spool-race-')));
  dir = path.join(root, 'spool');
  log = path.join(root, 'replayed.log');
  fs.writeFileSync(log, '');
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Starts the children, waits until all have loaded, then releases them at the same moment. */
async function runTogether(argsList: readonly string[][]): Promise<ChildResult[]> {
  const children = argsList.map((args) => startChild(SPOOL_CHILD, [DIST_DIR, dir, log, ...args]));
  await Promise.all(children.map((c) => c.ready));
  const at = Date.now() + 100;
  for (const c of children) c.go(at);
  return Promise.all(children.map((c) => c.done));
}

/** The log's lines as n → how many times it was replayed, and the tries each replay had. */
function replays(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    if (line === '') continue;
    const [n = 0, tries = 0] = line.split(' ').map(Number);
    out.set(n, [...(out.get(n) ?? []), tries]);
  }
  return out;
}

/** Ages a file by `ms` (its mtime moves back). */
function age(file: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  fs.utimesSync(file, then, then);
}

describe('a spool shared by several processes', () => {
  it('replays every entry exactly once, while they add, claim, fail and put back at the same time', async () => {
    const seed = new Spool(dir, KIND);
    const expected = new Map<number, number[]>();
    for (let n = 1; n <= 300; n++) {
      // Entries older than a stale claim: a claim must not look stale for keeping the entry's mtime.
      age(seed.add({ at: 1_000 + n, n, tries: 0 }), 3_600_000);
      expected.set(n, [n % 5 === 0 ? 1 : 0]);
    }
    // Claims left by processes that died, in both claim forms, and a file moved aside.
    for (let n = 301; n <= 310; n++) {
      const file = seed.add({ at: 1_000 + n, n, tries: 1 });
      const claim = n % 2 === 0 ? `${file}.claimed-999999` : `${file}.999999.claimed`;
      fs.renameSync(file, claim);
      age(claim, 3_600_000);
      expected.set(n, [1]);
    }
    fs.writeFileSync(path.join(dir, 'job-000000000001311-1-deadbeef.json.bad'), '{');
    const children = 4;
    const perChild = 40;
    for (let id = 1; id <= children; id++)
      for (let k = 0; k < perChild; k++)
        expected.set(id * 100_000 + k, [(id * 100_000 + k) % 5 === 0 ? 1 : 0]);

    const results = await runTogether(
      Array.from({ length: children }, (_, i) => ['replay', String(i + 1), String(perChild)]),
    );
    expect(results.map(outcome)).toEqual(Array(children).fill('ok'));
    const seen = replays();
    expect([...seen.entries()].sort(([a], [b]) => a - b)).toEqual(
      [...expected.entries()].sort(([a], [b]) => a - b),
    );
    expect(fs.readdirSync(dir)).toEqual(['job-000000000001311-1-deadbeef.json.bad']);
  }, 120_000);

  it('a process killed while holding claims: its entries wait until the claims are stale, then are replayed once', async () => {
    const seed = new Spool(dir, KIND);
    for (let n = 1; n <= 40; n++) seed.add({ at: 1_000 + n, n, tries: 1 });
    const holder = startChild(SPOOL_CHILD, [DIST_DIR, dir, log, 'hold', '15']);
    await holder.ready;
    holder.go(Date.now());
    await expect.poll(() => fs.readdirSync(dir).filter((f) => f.includes('.claimed-')).length).toBe(15);
    if (holder.pid !== undefined) process.kill(holder.pid, 'SIGKILL');
    await holder.done;

    // Fresh claims of a process that is gone are not taken yet: the others replay the rest.
    const first = await runTogether([
      ['replay', '1', '0'],
      ['replay', '2', '0'],
    ]);
    expect(first.map(outcome)).toEqual(['ok', 'ok']);
    const claims = fs.readdirSync(dir);
    expect(claims).toHaveLength(15);
    expect(claims.every((f) => f.includes('.claimed-'))).toBe(true);
    expect(replays().size).toBe(25);

    for (const f of claims) age(path.join(dir, f), 61_000);
    const results = await runTogether([
      ['replay', '1', '0'],
      ['replay', '2', '0'],
      ['replay', '3', '0'],
    ]);
    expect(results.map(outcome)).toEqual(['ok', 'ok', 'ok']);
    const seen = replays();
    expect(seen.size).toBe(40);
    expect([...seen.values()].every((tries) => tries.length === 1)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 120_000);
});
