/**
 * The folders of src/ import one way, along the pipeline capture → ledger → pricing → analysis →
 * outputs → app → front ends: each folder only from the folders below it, the front ends (cli, mcp,
 * api, orchestrator) never from each other, and no two folders import each other through any path.
 * Type-only imports count too: a type is a dependency.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Lowest first. A folder may import from its own level or lower, except between front ends. */
const LEVEL: Record<string, number> = {
  util: 0,
  errors: 0,
  config: 1,
  capture: 2,
  synthetic: 2,
  ledger: 3,
  pricing: 4,
  analysis: 5,
  outputs: 6,
  app: 7,
  cli: 8,
  mcp: 8,
  api: 8,
  orchestrator: 8,
  index: 9,
};
const FRONT_ENDS = new Set(['cli', 'mcp', 'api', 'orchestrator']);

/**
 * Imports against the direction that are still to be removed, as `from -> to` folder pairs:
 * config/config.ts locates a JSON syntax error with capture/telemetry/json-error.ts.
 */
const KNOWN: ReadonlySet<string> = new Set(['config -> capture']);

/** The folders of one source agent under capture/, which only capture and app may know. */
const AGENT_FOLDERS = ['capture/claude/'];

/** Files below app/ that still name an agent: analysis/reports.ts tells Claude Code's sessions by its source name. */
const KNOWN_AGENT_IMPORTS: ReadonlySet<string> = new Set(['analysis/reports.ts']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

/** `util`, `cli`, …; `errors` for src/errors.ts, `index` for the package entry. */
function folderOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel.length === 1) return (rel[0] ?? '').replace(/\.ts$/, '');
  return rel[0] ?? '';
}

interface Edge {
  from: string;
  to: string;
  file: string;
  target: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts'));
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to)
        out.push({ from, to, file: path.relative(SRC, file), target: path.relative(SRC, target) });
    }
  }
  return out;
}

/** Folder groups that import each other (strongly connected components of two or more). */
function cycles(all: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of all) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        group.push(w);
        if (w === v) break;
      }
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('import direction of src/', () => {
  const all = edges();

  it('knows every folder', () => {
    const unknown = [...new Set(all.flatMap((e) => [e.from, e.to]))].filter((f) => !(f in LEVEL));
    expect(unknown, 'give each new folder of src/ its level in LEVEL').toEqual([]);
  });

  it('imports only downwards, and no front end imports another', () => {
    const wrong = all
      .filter((e) => !KNOWN.has(`${e.from} -> ${e.to}`))
      .filter((e) => {
        if (FRONT_ENDS.has(e.from) && FRONT_ENDS.has(e.to)) return true;
        return (LEVEL[e.to] ?? 0) > (LEVEL[e.from] ?? 0);
      })
      .map((e) => `${e.file} imports ${e.target} (${e.from} -> ${e.to})`);
    expect(wrong).toEqual([]);
  });

  it('keeps agent folders out of the ledger and everything below the application layer', () => {
    const wrong = all
      .filter((e) => AGENT_FOLDERS.some((a) => e.target.startsWith(a)))
      .filter(
        (e) => (LEVEL[e.from] ?? 0) < (LEVEL.app ?? 0) && e.from !== 'capture' && e.from !== 'synthetic',
      )
      .filter((e) => !KNOWN_AGENT_IMPORTS.has(e.file))
      .map((e) => `${e.file} imports ${e.target}`);
    expect(wrong).toEqual([]);
  });

  it('has no folder cycle', () => {
    expect(cycles(all.filter((e) => !KNOWN.has(`${e.from} -> ${e.to}`)))).toEqual([]);
  });
});
