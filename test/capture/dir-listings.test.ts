/**
 * The directory-listing cache of discovery: a dir whose mtime has not changed is not listed again,
 * yet every new file or directory is still found, including on filesystems with coarse mtimes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverClaudeFiles } from '../../src/capture/claude/discover.js';
import type { DirListing } from '../../src/capture/types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const HOUR_AGO = (Date.now() - 3_600_000) / 1000;

function tree(): { root: string; slug: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-dirs-'));
  dirs.push(root);
  const slug = path.join(root, 'projects', '-home-dev-app');
  fs.mkdirSync(path.join(slug, 'sess-1', 'subagents'), { recursive: true });
  fs.writeFileSync(path.join(slug, 'sess-1.jsonl'), '{}\n');
  fs.writeFileSync(path.join(slug, 'sess-1', 'subagents', 'agent-a1.jsonl'), '{}\n');
  return { root, slug };
}

/** Makes every directory look last changed an hour ago, as an old history does. */
function age(root: string): void {
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory()) walk(path.join(d, e.name));
    fs.utimesSync(d, HOUR_AGO, HOUR_AGO);
  };
  walk(root);
}

const names = (files: { path: string }[]) => files.map((f) => path.basename(f.path)).sort();

describe('directory listings', () => {
  it('reuses the listing of an unchanged dir and lists nothing again', () => {
    const { root } = tree();
    age(root);
    const first = discoverClaudeFiles([root]);
    expect(first.listings.size).toBe(4); // projects, the slug, the session dir, subagents
    const second = discoverClaudeFiles([root], first.listings);
    expect(second.listings.size).toBe(0);
    expect(names(second.files)).toEqual(names(first.files));
  });

  it.each([
    [
      'a new session file',
      (slug: string) => fs.writeFileSync(path.join(slug, 'sess-2.jsonl'), '{}\n'),
      'sess-2.jsonl',
    ],
    [
      'a new subagent file',
      (slug: string) => fs.writeFileSync(path.join(slug, 'sess-1', 'subagents', 'agent-a2.jsonl'), '{}\n'),
      'agent-a2.jsonl',
    ],
    [
      'a new subagents dir in a new session dir',
      (slug: string) => {
        fs.mkdirSync(path.join(slug, 'sess-3', 'subagents'), { recursive: true });
        fs.writeFileSync(path.join(slug, 'sess-3', 'subagents', 'agent-b1.jsonl'), '{}\n');
      },
      'agent-b1.jsonl',
    ],
  ])('finds %s in a cached dir (its mtime changes)', (_name, change, expected) => {
    const { root, slug } = tree();
    age(root);
    const first = discoverClaudeFiles([root]);
    change(slug);
    const second = discoverClaudeFiles([root], first.listings);
    expect(names(second.files)).toContain(expected);
    expect(second.files.length).toBe(first.files.length + 1);
  });

  it('does not trust a listing taken right after the dir changed (coarse mtimes): a same-second addition is found', () => {
    const { root, slug } = tree();
    const coarse = Math.floor(Date.now() / 1000); // a filesystem with 1-second mtimes
    fs.utimesSync(slug, coarse, coarse);
    const first = discoverClaudeFiles([root]);
    // A file is added within the same second: on such a filesystem the dir mtime would not change.
    fs.writeFileSync(path.join(slug, 'sess-9.jsonl'), '{}\n');
    fs.utimesSync(slug, coarse, coarse);
    const second = discoverClaudeFiles([root], first.listings);
    expect(names(second.files)).toContain('sess-9.jsonl');
  });

  it('a stale known listing for a dir that is gone does no harm', () => {
    const { root, slug } = tree();
    age(root);
    const first = discoverClaudeFiles([root]);
    fs.rmSync(path.join(slug, 'sess-1'), { recursive: true });
    const known = new Map<string, DirListing>(first.listings);
    const second = discoverClaudeFiles([root], known);
    expect(names(second.files)).toEqual(['sess-1.jsonl']);
    expect(second.problems).toEqual([]);
  });
});
