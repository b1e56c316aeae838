import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replaySpool, Spool, type SpoolKind } from './spool.js';

interface Item {
  at: number;
  n: number;
}

const KIND: SpoolKind<Item> = {
  prefix: 'job-',
  stamp: (item) => String(item.at).padStart(6, '0'),
  isEntry: (v): v is Item =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Item).at === 'number' &&
    typeof (v as Item).n === 'number',
  staleClaimMs: 60_000,
};

let dir = '';
beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-spool-')), 'spool');
});
afterEach(() => {
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

const spoolOf = (owner: number) => new Spool(dir, KIND, owner);
const files = () => fs.readdirSync(dir).sort();
/** Sets a file's mtime `ms` into the past. */
const age = (name: string, ms: number) => {
  const then = new Date(Date.now() - ms);
  fs.utimesSync(path.join(dir, name), then, then);
};

describe('Spool: add', () => {
  it('writes one JSON file per entry, named <prefix><stamp>-<owner>-<random>.json, creating the dir', () => {
    const file = spoolOf(7).add({ at: 42, n: 1 });
    expect(path.dirname(file)).toBe(dir);
    expect(path.basename(file)).toMatch(/^job-000042-7-[0-9a-f]{8}\.json$/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"at":42,"n":1}\n');
    expect(files()).toEqual([path.basename(file)]);
  });

  it('throws when it cannot write', () => {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.writeFileSync(dir, 'a file where the dir should be');
    expect(() => spoolOf(7).add({ at: 1, n: 1 })).toThrow();
  });
});

describe('Spool: claim', () => {
  it('claims oldest first, up to the limit, by renaming to <entry>.claimed-<owner>', () => {
    const a = spoolOf(1);
    for (const at of [30, 10, 20]) a.add({ at, n: at });
    const claimed = spoolOf(2).claim({ limit: 2 });
    expect(claimed.map((c) => c.entry.at)).toEqual([10, 20]);
    for (const c of claimed) {
      expect(c.file).toBe(path.join(dir, `${c.name}.claimed-2`));
      expect(fs.existsSync(c.file)).toBe(true);
      expect(fs.existsSync(path.join(dir, c.name))).toBe(false);
    }
    // What one process holds, another does not get.
    expect(
      spoolOf(3)
        .claim()
        .map((c) => c.entry.at),
    ).toEqual([30]);
    expect(spoolOf(4).claim()).toEqual([]);
  });

  it('a missing dir holds nothing', () => {
    expect(spoolOf(1).claim()).toEqual([]);
  });

  it('a claim is stamped with the time it was made, so an old entry just claimed is not stale', () => {
    spoolOf(1).add({ at: 1, n: 1 });
    const [name = ''] = files();
    age(name, 3_600_000);
    const [claim] = spoolOf(2).claim();
    expect(Date.now() - fs.statSync(claim?.file ?? '').mtimeMs).toBeLessThan(10_000);
    expect(spoolOf(3).claim()).toEqual([]);
  });

  it('takes over a stale claim (its owner died), in this or the earlier hook form, and not a fresh one', () => {
    const a = spoolOf(1);
    for (const at of [1, 2, 3, 4]) a.add({ at, n: at });
    const names = files();
    // Claims left by processes that died: two stale, two recent.
    fs.renameSync(path.join(dir, names[0] ?? ''), path.join(dir, `${names[0]}.claimed-91`));
    fs.renameSync(path.join(dir, names[1] ?? ''), path.join(dir, `${names[1]}.92.claimed`));
    fs.renameSync(path.join(dir, names[2] ?? ''), path.join(dir, `${names[2]}.claimed-93`));
    fs.renameSync(path.join(dir, names[3] ?? ''), path.join(dir, `${names[3]}.94.claimed`));
    age(`${names[0]}.claimed-91`, 61_000);
    age(`${names[1]}.92.claimed`, 61_000);
    age(`${names[2]}.claimed-93`, 30_000);
    const claimed = spoolOf(2).claim();
    expect(claimed.map((c) => [c.entry.at, c.name, path.basename(c.file)])).toEqual([
      [1, names[0], `${names[0]}.claimed-2`],
      [2, names[1], `${names[1]}.claimed-2`],
    ]);
    expect(files()).toEqual([
      `${names[0]}.claimed-2`,
      `${names[1]}.claimed-2`,
      `${names[2]}.claimed-93`,
      `${names[3]}.94.claimed`,
    ]);
  });

  it('moves a file that is not an entry aside as <entry>.bad, tells onBad, and never claims or deletes it', () => {
    const a = spoolOf(1);
    a.add({ at: 1, n: 1 });
    fs.writeFileSync(path.join(dir, 'job-000002-1-aaaaaaaa.json'), '{"at": 2, "n"');
    fs.writeFileSync(path.join(dir, 'job-000003-1-bbbbbbbb.json'), '{"at": "3"}\n');
    const bad: string[] = [];
    const claimed = spoolOf(2).claim({ onBad: (file) => bad.push(file) });
    expect(claimed.map((c) => c.entry.n)).toEqual([1]);
    expect(bad).toEqual([
      path.join(dir, 'job-000002-1-aaaaaaaa.json.bad'),
      path.join(dir, 'job-000003-1-bbbbbbbb.json.bad'),
    ]);
    for (const c of claimed) a.done(c);
    expect(spoolOf(3).claim()).toEqual([]);
    expect(files()).toEqual(['job-000002-1-aaaaaaaa.json.bad', 'job-000003-1-bbbbbbbb.json.bad']);
  });

  it('leaves alone temp files, other names and other kinds of files', () => {
    fs.mkdirSync(dir, { recursive: true });
    const others = [
      '.job-000001-1-aaaaaaaa.json.tokenledger-0123456789ab.tmp',
      '.job-000001-1-aaaaaaaa.json',
      'other-000001.json',
      'job-000001-1-aaaaaaaa.json.bad',
      'job-notes.txt',
      'job-.json.claimed',
    ];
    for (const name of others) fs.writeFileSync(path.join(dir, name), '{"at":1,"n":1}');
    expect(spoolOf(2).claim()).toEqual([]);
    expect(files()).toEqual([...others].sort());
  });
});

describe('Spool: done and putBack', () => {
  it('done deletes; putBack renames back (with new content when given) for a later claim', () => {
    const a = spoolOf(1);
    for (const at of [1, 2, 3]) a.add({ at, n: 0 });
    const [one, two, three] = spoolOf(2).claim();
    if (one === undefined || two === undefined || three === undefined)
      throw new Error('three claims expected');
    a.done(one);
    a.putBack(two);
    a.putBack(three, { at: 3, n: 9 });
    expect(files()).toEqual([two.name, three.name]);
    expect(fs.readFileSync(path.join(dir, three.name), 'utf8')).toBe('{"at":3,"n":9}\n');
    expect(
      spoolOf(3)
        .claim()
        .map((c) => c.entry),
    ).toEqual([
      { at: 2, n: 0 },
      { at: 3, n: 9 },
    ]);
  });

  it('neither throws when the claim is gone', () => {
    const a = spoolOf(1);
    a.add({ at: 1, n: 0 });
    const [c] = spoolOf(2).claim();
    if (c === undefined) throw new Error('a claim expected');
    fs.rmSync(c.file);
    expect(() => a.done(c)).not.toThrow();
    expect(() => a.putBack(c)).not.toThrow();
    expect(() => a.putBack(c, { at: 1, n: 2 })).not.toThrow();
  });
});

describe('replaySpool', () => {
  const fill = (ats: number[]) => {
    const a = spoolOf(1);
    for (const at of ats) a.add({ at, n: 0 });
  };

  it('replays oldest first and deletes each replayed entry', async () => {
    fill([3, 1, 2]);
    const seen: [number, string][] = [];
    const n = await replaySpool(spoolOf(2), {
      replay: async (item, name) => {
        seen.push([item.at, name]);
      },
    });
    expect(n).toBe(3);
    expect(seen.map(([at]) => at)).toEqual([1, 2, 3]);
    expect(seen.every(([, name]) => /^job-\d{6}-1-[0-9a-f]{8}\.json$/.test(name))).toBe(true);
    expect(files()).toEqual([]);
  });

  it('on a failure puts that entry back as requeue makes it, the rest unchanged, and throws', async () => {
    fill([1, 2, 3, 4]);
    const before = files();
    const error = new Error('ledger locked');
    await expect(
      replaySpool(spoolOf(2), {
        replay: async (item) => {
          if (item.at === 2) throw error;
        },
        requeue: (item, e) => ({ ...item, n: e === error ? item.n + 1 : -1 }),
      }),
    ).rejects.toBe(error);
    expect(files()).toEqual(before.slice(1));
    const read = (name: string | undefined) =>
      JSON.parse(fs.readFileSync(path.join(dir, name ?? ''), 'utf8'));
    expect(before.slice(1).map(read)).toEqual([
      { at: 2, n: 1 },
      { at: 3, n: 0 },
      { at: 4, n: 0 },
    ]);
  });

  it('puts back, untried and unchanged, what the deadline leaves; claims no more than the limit', async () => {
    fill([1, 2, 3, 4]);
    const seen: number[] = [];
    const n = await replaySpool(spoolOf(2), {
      limit: 3,
      deadline: Date.now() + 50,
      replay: async (item) => {
        seen.push(item.at);
        await new Promise((r) => setTimeout(r, 100));
      },
    });
    expect(n).toBe(1);
    expect(seen).toEqual([1]);
    expect(files().map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))).toEqual([
      { at: 2, n: 0 },
      { at: 3, n: 0 },
      { at: 4, n: 0 },
    ]);
    expect(await replaySpool(spoolOf(2), { limit: 2, replay: async () => {} })).toBe(2);
    expect(files()).toHaveLength(1);
  });

  it('stops at the deadline: nothing is replayed after it', async () => {
    fill([1, 2, 3]);
    const seen: number[] = [];
    const n = await replaySpool(spoolOf(2), {
      deadline: Date.now() - 1,
      replay: async (item) => {
        seen.push(item.at);
      },
    });
    expect(n).toBe(0);
    expect(seen).toEqual([]);
    expect(files().map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).at)).toEqual([1, 2, 3]);
  });
});
