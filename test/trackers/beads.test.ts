/**
 * beads: ids found in prompts by the project's prefix, and issues read from `bd show --json` output
 * and from the `.beads/issues.jsonl` export (fixtures in test/fixtures/beads, bd 0.24's format).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  beadsIdPattern,
  beadsPrefix,
  findBeadsProject,
  issueFromExport,
  issueFromShow,
  projectTaskPattern,
} from '../../src/app/trackers/beads.js';
import { findTaskId } from '../../src/capture/context/attribution-context.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/beads/', import.meta.url));
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A project with a `.beads/` folder holding the given fixture files. */
function beadsProject(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-beads-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, '.git'));
  fs.mkdirSync(path.join(dir, '.beads'));
  for (const f of files) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, '.beads', f));
  return dir;
}

describe('beads ids', () => {
  it('the prefix comes from config.yaml, else from the export, else the folder name', () => {
    expect(beadsPrefix(beadsProject(['config.yaml']))).toBe('tl');
    expect(beadsPrefix(beadsProject(['issues.jsonl']))).toBe('tl');
    const bare = beadsProject([]);
    expect(beadsPrefix(bare)).toBe(path.basename(bare));
  });

  it('finds ids (and hierarchical child ids) in text, never inside other words', () => {
    const re = new RegExp(beadsIdPattern('tl'));
    const find = (text: string) => findTaskId(text, re);
    expect(find('tl-a1b2: greet after bash')).toBe('tl-a1b2');
    expect(find('work on tl-a1b2.1 next.')).toBe('tl-a1b2.1');
    expect(find('see (tl-9)')).toBe('tl-9');
    expect(find('xtl-a1b2 and atl-a1b2')).toBeNull();
    expect(find('tl-a1b2-draft')).toBeNull();
    expect(find('the tl- prefix')).toBeNull();
    // A prefix with regex characters is taken literally.
    expect(findTaskId('.claude-l0a validated', new RegExp(beadsIdPattern('.claude')))).toBe('.claude-l0a');
    expect(findTaskId('xclaude-l0a', new RegExp(beadsIdPattern('.claude')))).toBeNull();
  });

  it('a project with .beads/ recognises its ids with no configuration; the configured pattern still works', () => {
    const dir = beadsProject(['config.yaml']);
    const sub = path.join(dir, 'src', 'deep');
    fs.mkdirSync(sub, { recursive: true });
    expect(findBeadsProject(sub)).toBe(dir);
    const only = projectTaskPattern({}, sub);
    expect(only).toBeDefined();
    expect(findTaskId('do tl-a1b2 now', new RegExp(only ?? ''))).toBe('tl-a1b2');
    const both = new RegExp(projectTaskPattern({ taskPattern: '\\b(TASK-\\d+)\\b' }, dir) ?? '');
    expect(findTaskId('do TASK-12 now', both)).toBe('TASK-12');
    expect(findTaskId('do tl-a1b2 now', both)).toBe('tl-a1b2');
    // Turned off, or no .beads/: only the configured pattern.
    expect(projectTaskPattern({ beads: false, taskPattern: 'X' }, dir)).toBe('X');
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-nobeads-'));
    dirs.push(plain);
    fs.mkdirSync(path.join(plain, '.git'));
    expect(projectTaskPattern({}, plain)).toBeUndefined();
  });
});

describe('beads issues', () => {
  it('bd show --json: title, the parent epic (a parent-child dependency) and labels', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'show-tl-a1b2.json'), 'utf8');
    expect(issueFromShow(text, 'tl-a1b2')).toEqual({
      id: 'tl-a1b2',
      title: 'Greet after bash',
      parentId: 'tl-e9f0',
      labels: ['backend', 'tokens'],
    });
    // The epic lists the task as a dependent, not a parent.
    const epic = fs.readFileSync(path.join(FIXTURES, 'show-tl-e9f0.json'), 'utf8');
    expect(issueFromShow(epic, 'tl-e9f0')).toEqual({
      id: 'tl-e9f0',
      title: 'Token tracking',
      parentId: null,
      labels: [],
    });
    expect(issueFromShow(text, 'tl-zzzz')).toBeNull();
    expect(issueFromShow('not json', 'tl-a1b2')).toBeNull();
    // Newer versions' `parent` field, and a single object.
    expect(issueFromShow('{"id":"tl-x1","title":"T","parent":"tl-p1"}', 'tl-x1')?.parentId).toBe('tl-p1');
  });

  it('the issues.jsonl export: the same issue, the parent from {issue_id, depends_on_id, type}', () => {
    const dir = beadsProject(['issues.jsonl']);
    expect(issueFromExport(dir, 'tl-a1b2')).toEqual({
      id: 'tl-a1b2',
      title: 'Greet after bash',
      parentId: 'tl-e9f0',
      labels: ['backend', 'tokens'],
    });
    // A hierarchical id names its parent.
    expect(issueFromExport(dir, 'tl-a1b2.1')?.parentId).toBe('tl-a1b2');
    expect(issueFromExport(dir, 'tl-nope')).toBeNull();
    expect(issueFromExport(beadsProject([]), 'tl-a1b2')).toBeNull();
  });
});
