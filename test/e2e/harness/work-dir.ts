/** The throwaway directory tree one offline Claude Code session runs in. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox } from '../../helpers/cli.js';

/** A run's directories: `home` ($HOME), `config` ($CLAUDE_CONFIG_DIR), `proj` (cwd), `tmp` ($TMPDIR). */
export interface WorkDir {
  root: string;
  home: string;
  config: string;
  proj: string;
  tmp: string;
}

/** Creates a fresh work dir under `parent` (default: the OS temp dir). */
export function createWorkDir(parent: string = os.tmpdir()): WorkDir {
  const root = fs.mkdtempSync(path.join(parent, 'tl-claude-'));
  const dir: WorkDir = {
    root,
    home: path.join(root, 'home'),
    config: path.join(root, 'config'),
    proj: path.join(root, 'proj'),
    tmp: path.join(root, 'tmp'),
  };
  for (const d of [dir.home, dir.config, dir.proj, dir.tmp]) fs.mkdirSync(d, { recursive: true });
  return dir;
}

/**
 * tokenledger in a work dir, as the hooks Claude Code runs there see it: its HOME and Claude config dir,
 * a data home of its own (`<root>/tl`, created with `dirs`, relative to the root), run in `proj`.
 */
export function tokenledgerIn(dir: WorkDir, dirs: readonly string[] = []): Sandbox {
  return new Sandbox({ claude: dir.config, cwd: dir.proj, dirs: ['tl', ...dirs] }).open(dir.root);
}

/** Every `*.jsonl` under `<config>/projects` (main and subagent transcripts), sorted. */
export function listTranscripts(dir: WorkDir): string[] {
  const base = path.join(dir.config, 'projects');
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base, { recursive: true, encoding: 'utf8' })
    .filter((rel) => rel.endsWith('.jsonl'))
    .map((rel) => path.join(base, rel))
    .sort();
}

/** The parsed lines of a JSONL file (lines that are not JSON objects are skipped). */
export function readJsonl(file: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(v as Record<string, unknown>);
    } catch {
      // a partial last line while the writer is still running
    }
  }
  return out;
}
