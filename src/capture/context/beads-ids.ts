/**
 * beads ids: in a project with a `.beads/` folder, its issue ids (`<issue-prefix>-<hash>`, children
 * `.1`, `.2`) are task ids with no configuration. Here is how a directory's beads project, its
 * prefix and the id pattern are found; the capture layer uses it to read task ids in subagent
 * prompts of an import, the trackers to talk to beads.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root.js';

function readText(file: string, max = 1 << 20): string | null {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(max);
      const n = fs.readSync(fd, buf, 0, max, 0);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

const PREFIX = /^[A-Za-z0-9._]+(?:-[A-Za-z0-9._]+)*$/;

/** The project's issue prefix: `issue-prefix` in `.beads/config.yaml`, else its export's ids, else the folder name. */
export function beadsPrefix(project: string): string {
  const yaml = readText(path.join(project, '.beads', 'config.yaml'), 64 << 10);
  const m = yaml === null ? null : /^\s*issue[-_]prefix\s*:\s*["']?([^"'\s#]+)["']?/m.exec(yaml);
  if (m?.[1] && PREFIX.test(m[1])) return m[1];
  const jsonl = readText(path.join(project, '.beads', 'issues.jsonl'), 64 << 10);
  const id = jsonl === null ? null : /"id"\s*:\s*"([^"]+)-[0-9a-z]+(?:\.\d+)*"/.exec(jsonl);
  if (id?.[1] && PREFIX.test(id[1])) return id[1];
  return path.basename(project);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regular expression (source, no capture group) matching the project's beads ids, e.g. `bd-a1b2` or `bd-a1b2.1`. */
export function beadsIdPattern(prefix: string): string {
  return `(?<![\\w.-])${escapeRegExp(prefix)}-[0-9a-z]{1,12}(?:\\.\\d+)*(?![\\w-])`;
}

/** The nearest folder holding `.beads/`, from `dir` up to its project root (its git work tree), or null. */
export function findBeadsProject(dir: string | null): string | null {
  if (dir === null) return null;
  const root = projectRoot(dir);
  for (let d = path.resolve(dir); ; ) {
    if (fs.existsSync(path.join(d, '.beads'))) return d;
    const up = path.dirname(d);
    if (d === root || up === d) return null;
    d = up;
  }
}

/**
 * The task pattern for `cwd`: `configured`, and the beads ids of its project when it has one (the
 * beads part has no capture group, so the configured pattern's group numbers still hold).
 */
export function withBeadsIds(configured: string | undefined, cwd: string | null): string | undefined {
  const project = findBeadsProject(cwd);
  if (project === null) return configured;
  const beads = beadsIdPattern(beadsPrefix(project));
  return configured === undefined ? beads : `(?:${beads})|(?:${configured})`;
}
