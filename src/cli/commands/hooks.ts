/**
 * `tokenledger hooks install|uninstall|status`: registers `tokenledger hook` for the events in
 * HOOK_EVENTS in a Claude Code settings file (user, project, local, or one named with --settings),
 * removes it, and reports where it is and whether it is current.
 * @module
 */
import fs from 'node:fs';
import { ExitCode, UserError } from '../../util/errors.js';
import {
  HOOK_EVENTS,
  type HookChange,
  hookHandler,
  hooksShapeProblem,
  installHooks,
  type JsonObject,
  uninstallHooks,
} from '../claude-settings/hook-entries.js';
import { inspectHooks } from '../claude-settings/hook-inspection.js';
import { type SelfCommand, selfCommand, transientInstallWarning } from '../claude-settings/self-command.js';
import {
  backupSettings,
  readSettings,
  type SettingsRead,
  writeSettings,
} from '../claude-settings/settings-file.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import { hooksStatus } from './hooks-status.js';
import {
  fileKey,
  flaggedScopes,
  type HooksOptions,
  scopeLabel,
  type Target,
  type TargetScope,
  targetsOf,
} from './hooks-targets.js';

export type { HooksStatus, HooksStatusFile } from './hooks-status.js';
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

/** The settings to edit, or a config error naming the file that was left unchanged. */
function editable(read: SettingsRead, file: string): JsonObject {
  const leftAlone = 'The file was left unchanged; fix it (or move it away) and run the command again.';
  if (read.kind === 'invalid') {
    throw new UserError(`cannot edit ${file}: it ${read.problem}. ${leftAlone}`, ExitCode.config);
  }
  if (read.kind === 'missing') return {};
  const problem = hooksShapeProblem(read.settings);
  if (problem !== null) throw new UserError(`cannot edit ${file}: ${problem}. ${leftAlone}`, ExitCode.config);
  return read.settings;
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

interface FileResult {
  scopes: TargetScope[];
  path: string;
  existed: boolean;
  changed: boolean;
  backup: string | null;
  changes: HookChange[];
}

/** Applies an edit to one file (unless a dry run): backup first if the file exists, then write. */
function apply(target: Target, read: SettingsRead, edited: JsonObject, dryRun: boolean): string | null {
  if (dryRun) return null;
  let backup: string | null = null;
  if (read.kind === 'ok') backup = backupSettings(target.file);
  writeSettings(
    target.file,
    edited,
    read.kind === 'ok' ? read.text : null,
    read.kind === 'ok' ? read.mode : undefined,
  );
  return backup;
}

async function install(opts: HooksOptions, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const scopes = flaggedScopes(opts);
  const target = targetsOf(scopes.length === 0 ? ['user'] : scopes, opts, env, cwd)[0]!;
  const self = selfCommand(opts, env, cwd);
  const read = readSettings(target.file);
  const edit = installHooks(editable(read, target.file), self.command);
  const dryRun = opts.dryRun === true;
  const backup = edit.changed ? apply(target, read, edit.settings, dryRun) : null;
  const result: FileResult = {
    scopes: target.scopes,
    path: target.file,
    existed: read.kind !== 'missing',
    changed: edit.changed,
    backup,
    changes: edit.changes,
  };

  const transient = transientInstallWarning(self.script);
  if (transient !== null) writeErr(transient);
  if (edit.changed && target.scopes.includes('project') && !target.scopes.includes('user')) {
    writeErr(
      `tokenledger: note: ${target.file} is usually committed, and the hook command holds absolute paths on this machine; --local keeps it to you.\n`,
    );
  }
  if (edit.changed && !dryRun) warnIfInstalledElsewhere(target, self, env, cwd);
  if (self.config !== null && !fs.existsSync(self.config)) {
    writeErr(
      `tokenledger: note: the hook reads the config file ${self.config}, which does not exist yet; it uses the defaults until it does.\n`,
    );
  }

  if (opts.json === true) {
    await writeJson({ action: 'install', dryRun, command: self.command, files: [result] });
    return ExitCode.ok;
  }
  const where = `${target.file} (${scopeLabel(target)})`;
  if (!edit.changed) {
    await writeOut(
      `The tokenledger hook is already installed in ${where} on all ${HOOK_EVENTS.length} events; nothing changed.\nCheck it with: tokenledger hooks status\n`,
    );
    return ExitCode.ok;
  }
  const fileNote =
    read.kind === 'missing' ? (dryRun ? '; the file would be created' : '; created the file') : '';
  const lines = [
    dryRun
      ? `Dry run: installing would change ${target.file} (${scopeLabel(target)}${fileNote}) as follows. Nothing was written.`
      : `Installed the tokenledger hook in ${target.file} (${scopeLabel(target)}${fileNote}):`,
    ...changeLines(edit.changes, self),
  ];
  if (!dryRun) {
    if (backup !== null) lines.push(`Backup of the previous file: ${backup}`);
    lines.push('Check it with: tokenledger hooks status');
  }
  await writeOut(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

/** Claude Code merges settings files: a second copy of the hook elsewhere runs it again per event. */
function warnIfInstalledElsewhere(target: Target, self: SelfCommand, env: NodeJS.ProcessEnv, cwd: string) {
  const others = targetsOf(['user', 'project', 'local'], {}, env, cwd).filter(
    (t) => fileKey(t.file) !== fileKey(target.file),
  );
  for (const other of others) {
    const read = readSettings(other.file);
    if (read.kind !== 'ok') continue;
    const found = inspectHooks(read.settings, self.command, fs.existsSync);
    if (found.events.some((e) => e.state !== 'missing')) {
      writeErr(
        `tokenledger: note: the hook is also in ${other.file} (${scopeLabel(other)}). Claude Code merges settings files, so it may run more than once per event (harmless, but slower); remove one with tokenledger hooks uninstall.\n`,
      );
    }
  }
}

async function uninstall(opts: HooksOptions, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const flagged = flaggedScopes(opts);
  const scopes: TargetScope[] =
    opts.all === true
      ? ['user', 'project', 'local', ...flagged.filter((s) => s === 'settings')]
      : flagged.length === 0
        ? ['user']
        : flagged;
  const targets = targetsOf(scopes, opts, env, cwd);
  const self = selfCommand(opts, env, cwd);
  const dryRun = opts.dryRun === true;
  // Read and check every file before writing any.
  const plans = targets.map((target) => {
    const read = readSettings(target.file);
    return { target, read, edit: uninstallHooks(editable(read, target.file)) };
  });
  const results: FileResult[] = [];
  const lines: string[] = [];
  for (const { target, read, edit } of plans) {
    const backup = edit.changed ? apply(target, read, edit.settings, dryRun) : null;
    results.push({
      scopes: target.scopes,
      path: target.file,
      existed: read.kind !== 'missing',
      changed: edit.changed,
      backup,
      changes: edit.changes,
    });
    const where = `${target.file} (${scopeLabel(target)})`;
    if (read.kind === 'missing') {
      lines.push(`${where} does not exist; nothing to remove.`);
    } else if (!edit.changed) {
      lines.push(`No tokenledger hook in ${where}; nothing removed.`);
    } else {
      lines.push(
        dryRun
          ? `Dry run: uninstalling would change ${where} as follows. Nothing was written.`
          : `Removed the tokenledger hook from ${where}:`,
        ...changeLines(edit.changes, self),
      );
      if (backup !== null) lines.push(`Backup of the previous file: ${backup}`);
    }
  }
  if (opts.json === true) {
    await writeJson({ action: 'uninstall', dryRun, command: self.command, files: results });
    return ExitCode.ok;
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
