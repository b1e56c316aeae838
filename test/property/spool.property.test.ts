/**
 * Property: whatever several processes do to one spool (add, claim, finish, put back with or without
 * new content, die holding claims, time passing, damaged files appearing), a claim returns exactly the
 * oldest claimable entries up to its limit, with their latest content; no entry held by a live process
 * is ever handed to another; damaged files are moved aside, never returned; and in the end every
 * entry is done exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Claimed, Spool, type SpoolKind } from '../../src/util/spool.js';

const RUNS = Number(process.env.TL_PROPERTY_RUNS ?? 60);
const STALE_MS = 60_000;

interface Entry {
  at: number;
  id: number;
  v: number;
}

const KIND: SpoolKind<Entry> = {
  prefix: 'job-',
  stamp: (e) => String(e.at).padStart(4, '0'),
  isEntry: (v): v is Entry => typeof v === 'object' && v !== null && 'id' in v && 'v' in v,
  staleClaimMs: STALE_MS,
};

type Op =
  | { t: 'add'; owner: number; at: number }
  | { t: 'garbage'; at: number }
  | { t: 'claim'; owner: number; limit: number | undefined }
  | { t: 'done'; pick: number }
  | { t: 'putBack'; pick: number; update: boolean }
  | { t: 'crash'; owner: number }
  | { t: 'ageDead' };

const owner = fc.integer({ min: 1, max: 3 });
const at = fc.integer({ min: 0, max: 30 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('add' as const), owner, at }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('garbage' as const), at }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('claim' as const),
      owner,
      limit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('done' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('putBack' as const), pick: fc.nat(), update: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crash' as const), owner }) },
  { weight: 1, arbitrary: fc.constant({ t: 'ageDead' as const }) },
);

/** Where an entry is, in the model. */
type State =
  | { s: 'waiting' }
  | { s: 'held'; owner: number; claim: Claimed<Entry> }
  | { s: 'dead'; stale: boolean; file: string }
  | { s: 'done' };

interface ModelEntry {
  name: string;
  entry: Entry;
  state: State;
}

function run(ops: readonly Op[]): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-spool-prop-'));
  const dir = path.join(root, 'spool');
  try {
    const spools = new Map([1, 2, 3, 9].map((o) => [o, new Spool(dir, KIND, o)] as const));
    const spool = (o: number) => spools.get(o) ?? new Spool(dir, KIND, o);
    const model = new Map<string, ModelEntry>();
    /** Damaged files by name, and whether they were moved aside. */
    const garbage = new Map<string, boolean>();
    const doneCount = new Map<number, number>();
    let nextId = 0;
    const held = () => [...model.values()].filter((m) => m.state.s === 'held');

    const claimAs = (o: number, limit: number | undefined) => {
      const claimable = [...model.values()]
        .filter((m) => m.state.s === 'waiting' || (m.state.s === 'dead' && m.state.stale))
        .map((m) => ({ name: m.name, garbage: false }));
      const waitingGarbage = [...garbage]
        .filter(([, bad]) => !bad)
        .map(([name]) => ({ name, garbage: true }));
      const expected: string[] = [];
      const quarantined: string[] = [];
      for (const c of [...claimable, ...waitingGarbage].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (expected.length >= (limit ?? Number.POSITIVE_INFINITY)) break;
        if (c.garbage) quarantined.push(c.name);
        else expected.push(c.name);
      }
      const bad: string[] = [];
      const got = spool(o).claim({ ...(limit === undefined ? {} : { limit }), onBad: (f) => bad.push(f) });
      expect(got.map((c) => c.name)).toEqual(expected);
      expect(bad).toEqual(quarantined.map((n) => path.join(dir, `${n}.bad`)));
      for (const n of quarantined) garbage.set(n, true);
      for (const c of got) {
        const m = model.get(c.name);
        if (m === undefined) throw new Error(`claimed an unknown entry ${c.name}`);
        expect(c.entry).toEqual(m.entry);
        m.state = { s: 'held', owner: o, claim: c };
      }
    };

    for (const op of ops) {
      switch (op.t) {
        case 'add': {
          const entry = { at: op.at, id: nextId++, v: 0 };
          const name = path.basename(spool(op.owner).add(entry));
          model.set(name, { name, entry, state: { s: 'waiting' } });
          break;
        }
        case 'garbage': {
          const name = `job-${String(op.at).padStart(4, '0')}-0-${(garbage.size + 1).toString(16).padStart(8, '0')}.json`;
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, name), garbage.size % 2 === 0 ? '{"id": 1' : '{"other": true}');
          garbage.set(name, false);
          break;
        }
        case 'claim':
          claimAs(op.owner, op.limit);
          break;
        case 'done':
        case 'putBack': {
          const list = held();
          const m = list[op.pick % Math.max(1, list.length)];
          if (m === undefined || m.state.s !== 'held') break;
          const s = spool(m.state.owner);
          if (op.t === 'done') {
            s.done(m.state.claim);
            doneCount.set(m.entry.id, (doneCount.get(m.entry.id) ?? 0) + 1);
            m.state = { s: 'done' };
          } else {
            if (op.update) m.entry = { ...m.entry, v: m.entry.v + 1 };
            s.putBack(m.state.claim, op.update ? m.entry : undefined);
            m.state = { s: 'waiting' };
          }
          break;
        }
        case 'crash':
          for (const m of held())
            if (m.state.s === 'held' && m.state.owner === op.owner)
              m.state = { s: 'dead', stale: false, file: m.state.claim.file };
          break;
        case 'ageDead': {
          const then = new Date(Date.now() - STALE_MS - 1_000);
          for (const m of model.values())
            if (m.state.s === 'dead') {
              fs.utimesSync(m.state.file, then, then);
              m.state = { ...m.state, stale: true };
            }
          break;
        }
      }
    }

    // The end: every holder finishes or dies; time passes; one process drains what is left.
    for (const m of held())
      if (m.state.s === 'held') m.state = { s: 'dead', stale: false, file: m.state.claim.file };
    const then = new Date(Date.now() - STALE_MS - 1_000);
    for (const m of model.values())
      if (m.state.s === 'dead') {
        fs.utimesSync(m.state.file, then, then);
        m.state = { ...m.state, stale: true };
      }
    claimAs(9, undefined);
    for (const m of held()) {
      if (m.state.s !== 'held') continue;
      spool(9).done(m.state.claim);
      doneCount.set(m.entry.id, (doneCount.get(m.entry.id) ?? 0) + 1);
    }
    expect([...doneCount.entries()].sort(([a], [b]) => a - b)).toEqual(
      Array.from({ length: nextId }, (_, id) => [id, 1]),
    );
    const left = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
    expect(left).toEqual([...garbage.keys()].map((n) => `${n}.bad`).sort());
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('spool protocol (property)', () => {
  it('claims the oldest claimable entries, never one a live process holds, and ends with each done once', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => run(ops)),
      { numRuns: RUNS },
    );
  });
});
