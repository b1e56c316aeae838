/**
 * `tokenledger hooks install|uninstall|status`: registers `tokenledger hook` for the events in
 * HOOK_EVENTS in a Claude Code settings file (user, project, local, or one named with --settings),
 * removes it, and reports where it is and whether it is current. The use cases are in
 * src/app/claude-hooks/; this parses the flags and renders what they did.
 * @module
 */
import type { TargetScope } from '../../app/claude-hooks/hook-targets.js';
import { installClaudeHooks, uninstallClaudeHooks } from '../../app/claude-hooks/install-hooks.js';
import { type SelfCommand, transientInstallWarning } from '../../app/claude-hooks/self-command.js';
import { HOOK_EVENTS, type HookChange, hookHandler } from '../../capture/claude/settings/hook-entries.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import { hooksStatus } from './hooks-status.js';
import { flaggedScopes, type HooksOptions, scopeLabel } from './hooks-targets.js';

export type { HooksStatus, HooksStatusFile } from '../../app/claude-hooks/hooks-status.js';
export type { HooksOptions } from './hooks-targets.js';

export type HooksAction = 'install' | 'uninstall' | 'status';

/** What the command runs against; tests pass their own. */
export interface HooksContext {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function checkOptions(action: string, opts: HooksOptions): void {
  if (action !== 'install' && action !== 'uninstall' && action !== 'status') {
    throw new UserError(`unknown hooks action "${action}"; use install, uninstall or status.`);
  }
  for (const key of ['settings', 'db', 'config'] as const) {
    const value = opts[key];
    if (value !== undefined && (typeof value !== 'string' || value.trim().length === 0)) {
      throw new UserError(`--${key} needs a file path.`);
    }
  }
  if (action === 'install' && flaggedScopes(opts).length > 1) {
    throw new UserError(
      'hooks install writes one settings file: give one of --user, --project, --local, --settings.',
    );
  }
  if (action !== 'uninstall' && opts.all === true) {
    throw new UserError('--all is for hooks uninstall only.');
  }
}

const SYMBOL: Record<HookChange['action'], string> = {
  added: '+',
  updated: '~',
  unchanged: '=',
  removed: '-',
};

/**
 * Change lines, `  + hooks.Stop[0]  {"hooks":[HOOK]}`, then a line saying what HOOK (our handler)
 * stands for, if a line uses it.
 */
function changeLines(changes: readonly HookChange[], self: SelfCommand): string[] {
  const hook = JSON.stringify(hookHandler(self.command));
  const width = Math.max(...changes.map((c) => c.path.length));
  const lines = changes.map((c) => {
    let detail: string;
    if (c.action === 'added') {
      const spec = HOOK_EVENTS.find((s) => s.event === c.event);
      detail =
        spec?.matcher === undefined ? '{"hooks":[HOOK]}' : `{"matcher":"${spec.matcher}","hooks":[HOOK]}`;
    } else if (c.action === 'updated') {
      detail = `was ${c.before ?? '?'}, now HOOK`;
    } else if (c.action === 'unchanged') {
      detail = 'HOOK, already there';
    } else {
      detail = c.before === self.command ? "HOOK's command" : (c.before ?? '');
    }
    const note = c.note === undefined ? '' : `  (${c.note})`;
    return `  ${SYMBOL[c.action]} ${c.path.padEnd(width)}  ${detail.replaceAll(hook, 'HOOK')}${note}`;
  });
  return lines.some((l) => l.includes('HOOK')) ? [...lines, `  where HOOK = ${hook}`] : lines;
}

async function install(opts: HooksOptions, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const [scope] = flaggedScopes(opts);
  const dryRun = opts.dryRun === true;
  const outcome = installClaudeHooks({
    scope,
    env,
    cwd,
    settings: opts.settings,
    db: opts.db,
    config: opts.config,
    dryRun,
  });
  const { self } = outcome;
  const { target, file } = outcome.edited;

  const transient = transientInstallWarning(self.script);
  if (transient !== null) writeErr(transient);
  if (file.changed && target.scopes.includes('project') && !target.scopes.includes('user')) {
    writeErr(
      `tokenledger: note: ${target.file} is usually committed, and the hook command holds absolute paths on this machine; --local keeps it to you.\n`,
    );
  }
  // Claude Code merges settings files: a second copy of the hook elsewhere runs it again per event.
  for (const other of outcome.alsoIn) {
    writeErr(
      `tokenledger: note: the hook is also in ${other.file} (${scopeLabel(other)}). Claude Code merges settings files, so it may run more than once per event (harmless, but slower); remove one with tokenledger hooks uninstall.\n`,
    );
  }
  if (outcome.missingConfig !== null) {
    writeErr(
      `tokenledger: note: the hook reads the config file ${outcome.missingConfig}, which does not exist yet; it uses the defaults until it does.\n`,
    );
  }

  if (opts.json === true) {
    await writeJson(outcome.report);
    return ExitCode.ok;
  }
  const where = `${target.file} (${scopeLabel(target)})`;
  if (!file.changed) {
    await writeOut(
      `The tokenledger hook is already installed in ${where} on all ${HOOK_EVENTS.length} events; nothing changed.\nCheck it with: tokenledger hooks status\n`,
    );
    return ExitCode.ok;
  }
  const fileNote = !file.existed ? (dryRun ? '; the file would be created' : '; created the file') : '';
  const lines = [
    dryRun
      ? `Dry run: installing would change ${target.file} (${scopeLabel(target)}${fileNote}) as follows. Nothing was written.`
      : `Installed the tokenledger hook in ${target.file} (${scopeLabel(target)}${fileNote}):`,
    ...changeLines(file.changes, self),
  ];
  if (!dryRun) {
    if (file.backup !== null) lines.push(`Backup of the previous file: ${file.backup}`);
    lines.push('Check it with: tokenledger hooks status');
  }
  await writeOut(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

async function uninstall(opts: HooksOptions, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const dryRun = opts.dryRun === true;
  const scopes: TargetScope[] = flaggedScopes(opts);
  const outcome = uninstallClaudeHooks({
    scopes,
    all: opts.all,
    env,
    cwd,
    settings: opts.settings,
    db: opts.db,
    config: opts.config,
    dryRun,
  });
  if (opts.json === true) {
    await writeJson(outcome.report);
    return ExitCode.ok;
  }
  const lines: string[] = [];
  for (const { target, file } of outcome.files) {
    const where = `${target.file} (${scopeLabel(target)})`;
    if (!file.existed) {
      lines.push(`${where} does not exist; nothing to remove.`);
    } else if (!file.changed) {
      lines.push(`No tokenledger hook in ${where}; nothing removed.`);
    } else {
      lines.push(
        dryRun
          ? `Dry run: uninstalling would change ${where} as follows. Nothing was written.`
          : `Removed the tokenledger hook from ${where}:`,
        ...changeLines(file.changes, outcome.self),
      );
      if (file.backup !== null) lines.push(`Backup of the previous file: ${file.backup}`);
    }
  }
  await writeOut(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

/** Runs `tokenledger hooks <action>` and returns the exit code. */
export async function runHooks(
  action: HooksAction,
  opts: HooksOptions,
  context: HooksContext = {},
): Promise<number> {
  checkOptions(action, opts);
  const env = context.env ?? process.env;
  const cwd = context.cwd ?? process.cwd();
  if (action === 'install') return install(opts, env, cwd);
  if (action === 'uninstall') return uninstall(opts, env, cwd);
  return hooksStatus(opts, env, cwd);
}
