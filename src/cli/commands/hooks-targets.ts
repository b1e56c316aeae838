/**
 * The flags of `tokenledger hooks` and the settings files they name: user, project, local, or one
 * given with --settings; the same file listed once with all its scopes.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { shQuote } from '../claude-settings/self-command.js';
import { type SettingsScope, settingsPath } from '../claude-settings/settings-file.js';

export interface HooksOptions {
  /** User settings (the default for install and uninstall). */
  user?: boolean;
  /** `<project>/.claude/settings.json`. */
  project?: boolean;
  /** `<project>/.claude/settings.local.json`. */
  local?: boolean;
  /** A settings file named explicitly. */
  settings?: string;
  /** uninstall: user, project and local. */
  all?: boolean;
  json?: boolean;
  /** install/uninstall: show what would change, write nothing. */
  dryRun?: boolean;
  /** install/status: the ledger the hook writes to (added to the hook command). */
  db?: string;
  /** install/status: the config file the hook reads (added to the hook command). */
  config?: string;
}

export type TargetScope = SettingsScope | 'settings';

export interface Target {
  /** More than one when two scopes name the same file (e.g. project settings in the home dir). */
  scopes: [TargetScope, ...TargetScope[]];
  file: string;
}

const SCOPE_FLAG: Record<SettingsScope, string> = { user: '--user', project: '--project', local: '--local' };

export function scopeLabel(target: Target): string {
  return target.scopes.map((s) => (s === 'settings' ? '--settings' : `${s} settings`)).join(', ');
}

export function installHint(target: Target): string {
  const [scope] = target.scopes;
  return scope === 'settings'
    ? `tokenledger hooks install --settings ${shQuote(target.file)}`
    : `tokenledger hooks install${scope === 'user' ? '' : ` ${SCOPE_FLAG[scope]}`}`;
}

export function fileKey(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Targets in order, the same file listed once with all its scopes. */
export function targetsOf(
  scopes: readonly TargetScope[],
  opts: HooksOptions,
  env: NodeJS.ProcessEnv,
  cwd: string,
) {
  const byFile = new Map<string, Target>();
  for (const scope of scopes) {
    const file =
      scope === 'settings' ? path.resolve(cwd, opts.settings ?? '') : settingsPath(scope, env, cwd);
    const key = fileKey(file);
    const seen = byFile.get(key);
    if (seen === undefined) byFile.set(key, { scopes: [scope], file });
    else if (!seen.scopes.includes(scope)) seen.scopes.push(scope);
  }
  return [...byFile.values()];
}

export function flaggedScopes(opts: HooksOptions): TargetScope[] {
  const scopes: TargetScope[] = [];
  if (opts.user === true) scopes.push('user');
  if (opts.project === true) scopes.push('project');
  if (opts.local === true) scopes.push('local');
  if (opts.settings !== undefined) scopes.push('settings');
  return scopes;
}
