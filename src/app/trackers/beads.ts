/**
 * beads (the `bd` issue tracker) in a project with a `.beads/` folder: its ids are task ids without
 * any configuration, its titles, parents (epic → task) and labels come from `bd show ID --json` (or
 * the `.beads/issues.jsonl` export when `bd` is not on PATH), and a finished task gets one comment
 * with its actuals (`bd comments add ID TEXT`).
 *
 * The JSON read here is the format of bd 0.24 and later: `bd show --json` prints an array of issues
 * (`id`, `title`, `labels`, and `dependencies` as issues carrying a `dependency_type`), the export
 * holds one issue a line with `dependencies` as `{issue_id, depends_on_id, type}`. Newer versions'
 * `parent` field is read when present.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  beadsIdPattern,
  beadsPrefix,
  findBeadsProject,
  withBeadsIds,
} from '../../capture/context/beads-ids.js';
import type { Config } from '../../config/config.js';
import { failureText, type ProgramResult, runProgram } from './run-program.js';

export { beadsIdPattern, beadsPrefix, findBeadsProject };

export interface BeadsIssue {
  id: string;
  title: string | null;
  parentId: string | null;
  labels: string[];
}

/**
 * The task pattern for a project: the configured one, and beads ids when the project uses beads
 * (the beads part has no capture group, so the configured pattern's group numbers still hold).
 */
export function projectTaskPattern(config: Config, cwd: string | null): string | undefined {
  return config.beads === false ? config.taskPattern : withBeadsIds(config.taskPattern, cwd);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** An issue from `bd show --json` or the export, or null when it is not one. */
export function issueFrom(raw: unknown): BeadsIssue | null {
  if (!isRecord(raw)) return null;
  const id = str(raw.id);
  if (id === null) return null;
  let parentId = str(raw.parent);
  const deps = Array.isArray(raw.dependencies) ? raw.dependencies : [];
  for (const d of deps) {
    if (parentId !== null || !isRecord(d)) continue;
    if (d.dependency_type === 'parent-child') parentId = str(d.id) ?? str(d.depends_on_id);
    else if (d.type === 'parent-child' && (d.issue_id === undefined || d.issue_id === id))
      parentId = str(d.depends_on_id);
  }
  // Hierarchical ids name their parent: bd-a3f8.1 is a child of bd-a3f8.
  if (parentId === null && /\.\d+$/.test(id)) parentId = id.replace(/\.\d+$/, '');
  const labels = Array.isArray(raw.labels)
    ? raw.labels.flatMap((l) => (typeof l === 'string' ? [l] : []))
    : [];
  return { id, title: str(raw.title), parentId: parentId === id ? null : parentId, labels };
}

/** The issue `id` in `bd show --json` output (an array of issues, or one issue). */
export function issueFromShow(stdout: string, id: string): BeadsIssue | null {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    return null;
  }
  const list = Array.isArray(raw) ? raw : [raw];
  for (const item of list) {
    const issue = issueFrom(item);
    if (issue?.id === id) return issue;
  }
  return null;
}

/** The issue `id` in the `.beads/issues.jsonl` export (its last line for the id wins), or null. */
export function issueFromExport(project: string, id: string): BeadsIssue | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(project, '.beads', 'issues.jsonl'), 'utf8');
  } catch {
    return null;
  }
  let found: BeadsIssue | null = null;
  const needle = JSON.stringify(id);
  for (const line of text.split('\n')) {
    if (!line.includes(needle)) continue;
    try {
      const issue = issueFrom(JSON.parse(line));
      if (issue?.id === id) found = issue;
    } catch {
      // a line being written, or not JSON: skip it
    }
  }
  return found;
}

export interface BeadsCall {
  project: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** The issue from `bd show ID --json`, or from the export when `bd` is not on PATH or fails. */
export async function beadsIssue(id: string, call: BeadsCall): Promise<BeadsIssue | null> {
  const r = await runProgram(['bd', 'show', id, '--json'], {
    cwd: call.project,
    timeoutMs: call.timeoutMs,
    ...(call.env === undefined ? {} : { env: call.env }),
  });
  if (r.ok) {
    const issue = issueFromShow(r.stdout, id);
    if (issue !== null) return issue;
  }
  return issueFromExport(call.project, id);
}

/** Adds one comment; returns null, or why it failed. */
export async function addBeadsComment(id: string, text: string, call: BeadsCall): Promise<string | null> {
  const r: ProgramResult = await runProgram(['bd', 'comments', 'add', id, text], {
    cwd: call.project,
    timeoutMs: call.timeoutMs,
    ...(call.env === undefined ? {} : { env: call.env }),
  });
  return r.ok ? null : `bd comments add ${id}: ${failureText('bd', r, call.timeoutMs)}`;
}
