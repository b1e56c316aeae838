/**
 * The Claude Code settings files hooks are installed in: user, project, local, or one named
 * explicitly; the same file listed once with all its scopes.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { type SettingsScope, settingsPath } from '../../capture/claude/settings/settings-file.js';

/** A settings scope, or `settings`: a file named explicitly. */
export type TargetScope = SettingsScope | 'settings';

export interface Target {
  /** More than one when two scopes name the same file (e.g. project settings in the home dir). */
  scopes: [TargetScope, ...TargetScope[]];
  file: string;
}

/** Where the settings files are, and the file the `settings` scope names. */
export interface HooksLocation {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The file of the `settings` scope (relative to `cwd`). */
  settings?: string | undefined;
}

/** A file's identity: its real path (symlinks resolved), or its absolute path when it does not exist. */
export function fileKey(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Targets in order, the same file listed once with all its scopes. */
export function targetsOf(scopes: readonly TargetScope[], where: HooksLocation): Target[] {
  const byFile = new Map<string, Target>();
  for (const scope of scopes) {
    const file =
      scope === 'settings'
        ? path.resolve(where.cwd, where.settings ?? '')
        : settingsPath(scope, where.env, where.cwd);
    const key = fileKey(file);
    const seen = byFile.get(key);
    if (seen === undefined) byFile.set(key, { scopes: [scope], file });
    else if (!seen.scopes.includes(scope)) seen.scopes.push(scope);
  }
  return [...byFile.values()];
}
