/**
 * Which Claude Code config dirs to read: `CLAUDE_CONFIG_DIR` (comma-separated), or the dirs the user
 * configured, or else the defaults `~/.config/claude` and `~/.claude`.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, UserError } from '../../util/errors.js';
import type { SourceRoots } from '../source-adapter.js';

export const CLAUDE_CONFIG_DIR_ENV = 'CLAUDE_CONFIG_DIR';

/** The Claude dirs to read; `warnings` name a dir without a `projects/` folder. */
export type ClaudeRoots = SourceRoots;

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME !== undefined && env.HOME.length > 0 ? env.HOME : os.homedir();
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p === '~' || p.startsWith('~/') ? path.join(homeOf(env), p.slice(1)) : p;
}

/** The default dirs: `$XDG_CONFIG_HOME/claude` (Claude Code 1.0.30–1.0.31) and `~/.claude`. */
export function defaultClaudeDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const xdg =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0
      ? env.XDG_CONFIG_HOME
      : path.join(homeOf(env), '.config');
  return [path.join(xdg, 'claude'), path.join(homeOf(env), '.claude')];
}

/**
 * Resolves the Claude dirs. A dir the user named (env or config) that is missing or unreadable is an
 * error that names it and says what to set; a default dir that does not exist is simply skipped.
 */
export function resolveClaudeRoots(
  configured: readonly string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ClaudeRoots {
  const fromEnv = env[CLAUDE_CONFIG_DIR_ENV]?.trim();
  let origin: ClaudeRoots['origin'] = 'default';
  let dirs: string[];
  if (fromEnv !== undefined && fromEnv.length > 0) {
    origin = 'env';
    dirs = fromEnv
      .split(',')
      .map((d) => d.trim())
      .filter((d) => d.length > 0);
  } else if (configured !== undefined && configured.length > 0) {
    origin = 'config';
    dirs = [...configured];
  } else {
    dirs = defaultClaudeDirs(env);
  }
  const roots: string[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const raw of dirs) {
    const dir = path.resolve(expandHome(raw, env));
    let real: string;
    try {
      real = fs.realpathSync(dir);
      if (!fs.statSync(real).isDirectory())
        throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      fs.accessSync(real, fs.constants.R_OK | fs.constants.X_OK);
    } catch (error) {
      if (origin === 'default') continue;
      const code = (error as NodeJS.ErrnoException).code;
      const what =
        code === 'ENOENT'
          ? 'does not exist'
          : code === 'ENOTDIR'
            ? 'is not a directory'
            : `is not readable (${code ?? 'error'})`;
      const fix =
        origin === 'env'
          ? `Set ${CLAUDE_CONFIG_DIR_ENV} to your Claude config dir(s), comma-separated, or unset it to use ~/.claude.`
          : 'Fix "claudeDirs" in the tokenledger config file, or remove it to use ~/.claude.';
      throw new UserError(
        `Claude dir ${dir} (from ${origin === 'env' ? CLAUDE_CONFIG_DIR_ENV : 'the config file'}) ${what}. ${fix}`,
        ExitCode.config,
      );
    }
    if (seen.has(real)) continue;
    seen.add(real);
    roots.push(real);
    if (origin !== 'default') {
      const warning = projectsWarning(dir, real, origin);
      if (warning !== null) warnings.push(warning);
    }
  }
  return { roots, searched: dirs.map((d) => path.resolve(expandHome(d, env))), origin, warnings };
}

/**
 * A named Claude dir without a `projects/` folder holds no transcripts: null when it has one, else a
 * warning; a hint to use the parent when the dir is a `projects/` folder itself.
 */
function projectsWarning(dir: string, real: string, origin: 'env' | 'config'): string | null {
  if (isDirectory(path.join(real, 'projects'))) return null;
  const named =
    origin === 'env'
      ? `${CLAUDE_CONFIG_DIR_ENV} names ${dir}`
      : `"claudeDirs" in the config file names ${dir}`;
  const setting = origin === 'env' ? CLAUDE_CONFIG_DIR_ENV : 'that entry of "claudeDirs"';
  if (path.basename(real) === 'projects') {
    return `${named}, a projects/ folder: Claude Code keeps transcripts in <Claude config dir>/projects/, so set ${setting} to its parent, ${path.dirname(dir)}.`;
  }
  return `${named}, which has no projects/ folder, so no Claude Code history is read from it. Set ${setting} to the dir that holds projects/ (e.g. ~/.claude).`;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
