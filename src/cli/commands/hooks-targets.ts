/**
 * The flags of `tokenledger hooks`, the scopes they name, and how a settings file is named to the
 * user (src/app/claude-hooks/hook-targets.ts finds the files).
 * @module
 */
import type { Target, TargetScope } from '../../app/claude-hooks/hook-targets.js';
import { shQuote } from '../../app/claude-hooks/self-command.js';
import type { SettingsScope } from '../../capture/claude/settings/settings-file.js';

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

export function flaggedScopes(opts: HooksOptions): TargetScope[] {
  const scopes: TargetScope[] = [];
  if (opts.user === true) scopes.push('user');
  if (opts.project === true) scopes.push('project');
  if (opts.local === true) scopes.push('local');
  if (opts.settings !== undefined) scopes.push('settings');
  return scopes;
}
