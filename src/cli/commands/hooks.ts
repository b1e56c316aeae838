/**
 * `tokenledger hooks install|uninstall|status`: registers `tokenledger hook` for the events in
 * HOOK_EVENTS in a Claude Code settings file (user, project, local, or one named with --settings),
 * removes it, and reports where it is and whether it is current.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { ExitCode, UserError } from '../../errors.js';
import {
  HOOK_EVENTS,
  type HookChange,
  type HooksInspection,
  hookHandler,
  hooksShapeProblem,
  inspectHooks,
  installHooks,
  type JsonObject,
  uninstallHooks,
} from '../claude-settings/hook-entries.js';
import {
  type SelfCommand,
  selfCommand,
  shQuote,
  transientInstallWarning,
} from '../claude-settings/self-command.js';
import {
  backupSettings,
  readSettings,
  type SettingsRead,
  type SettingsScope,
  settingsPath,
  writeSettings,
} from '../claude-settings/settings-file.js';
import { writeErr, writeJson, writeOut } from '../io.js';

export type HooksAction = 'install' | 'uninstall' | 'status';

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

/** What the command runs against; tests pass their own. */
export interface HooksContext {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

type TargetScope = SettingsScope | 'settings';

interface Target {
  /** More than one when two scopes name the same file (e.g. project settings in the home dir). */
  scopes: TargetScope[];
  file: string;
}

const SCOPE_FLAG: Record<SettingsScope, string> = { user: '--user', project: '--project', local: '--local' };

function scopeLabel(target: Target): string {
  return target.scopes.map((s) => (s === 'settings' ? '--settings' : `${s} settings`)).join(', ');
}

function installHint(target: Target): string {
  const scope = target.scopes[0]!;
  return scope === 'settings'
    ? `tokenledger hooks install --settings ${shQuote(target.file)}`
    : `tokenledger hooks install${scope === 'user' ? '' : ` ${SCOPE_FLAG[scope]}`}`;
}

function fileKey(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Targets in order, the same file listed once with all its scopes. */
function targetsOf(scopes: readonly TargetScope[], opts: HooksOptions, env: NodeJS.ProcessEnv, cwd: string) {
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

function flaggedScopes(opts: HooksOptions): TargetScope[] {
  const scopes: TargetScope[] = [];
  if (opts.user === true) scopes.push('user');
  if (opts.project === true) scopes.push('project');
  if (opts.local === true) scopes.push('local');
  if (opts.settings !== undefined) scopes.push('settings');
  return scopes;
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

/** One settings file in `hooks status --json`. */
export interface HooksStatusFile {
  scopes: TargetScope[];
  path: string;
  exists: boolean;
  /** Why the file cannot be read as settings (then the fields below are empty), else null. */
  error: string | null;
  /** Whether our hook is on all, some or none of HOOK_EVENTS; `unknown` when the file cannot be read. */
  installed: 'all' | 'some' | 'none' | 'unknown';
  /** True when installed on all events, each with exactly the command install would write now. */
  current: boolean;
  events: HooksInspection['events'];
  missingEvents: string[];
  /** Our hook on events install does not register. */
  extra: HooksInspection['extra'];
  /** Hooks that are not ours on HOOK_EVENTS. */
  otherHooks: number;
}

export interface HooksStatus {
  /** The command install would write now. */
  command: string;
  /** The command for Claude Code's `statusLine` setting (install does not write it). */
  statuslineCommand: string;
  /** HOOK_EVENTS, in order. */
  events: string[];
  files: HooksStatusFile[];
}

function fileStatus(target: Target, self: SelfCommand): HooksStatusFile {
  const read = readSettings(target.file);
  const base = { scopes: target.scopes, path: target.file };
  const shapeProblem = read.kind === 'ok' ? hooksShapeProblem(read.settings) : null;
  if (read.kind === 'invalid' || shapeProblem !== null) {
    return {
      ...base,
      exists: true,
      error: read.kind === 'invalid' ? `it ${read.problem}` : (shapeProblem ?? ''),
      installed: 'unknown',
      current: false,
      events: [],
      missingEvents: [],
      extra: [],
      otherHooks: 0,
    };
  }
  const found = inspectHooks(read.kind === 'ok' ? read.settings : {}, self.command, fs.existsSync);
  const registered = found.events.filter((e) => e.state !== 'missing').length;
  return {
    ...base,
    exists: read.kind === 'ok',
    error: null,
    installed: registered === 0 ? 'none' : registered === found.events.length ? 'all' : 'some',
    current: found.events.every((e) => e.state === 'current'),
    events: found.events,
    missingEvents: found.events.filter((e) => e.state === 'missing').map((e) => e.event),
    extra: found.extra,
    otherHooks: found.otherHooks,
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Events grouped by the command they carry, for one state: `Stop, SessionEnd: <command>`. */
function byCommand(file: HooksStatusFile, state: 'stale' | 'broken', current: string): string[] {
  const groups = new Map<string, string[]>();
  for (const e of file.events.filter((x) => x.state === state)) {
    const differing = e.commands.filter((c) => c !== current);
    const key =
      state === 'broken'
        ? e.missingPaths.join(', ')
        : differing.length > 0
          ? differing.join('  and  ')
          : 'the command is current, but not its timeout or form';
    groups.set(key, [...(groups.get(key) ?? []), e.event]);
  }
  return [...groups].map(([key, events]) =>
    state === 'broken'
      ? `broken on ${events.join(', ')}: ${key} does not exist`
      : `stale on ${events.join(', ')}: ${key}`,
  );
}

/**
 * `<file> is not valid JSON (line 3, column 13: …). Nothing will be written to it until it is
 * fixed …`: what is wrong with a file status cannot read, and what that means for install.
 */
function unreadableSentence(file: HooksStatusFile): string {
  const problem = (file.error ?? '').replace(/^it /, '');
  const what =
    problem.startsWith('is ') || problem.startsWith('cannot ') ? problem : `cannot be edited: ${problem}`;
  return (
    `${file.path} ${what}. Nothing will be written to it until it is fixed (hooks install and uninstall ` +
    'refuse to edit it), and whether the hook is in it is unknown. Fix it (or move it away) and run ' +
    'tokenledger hooks status again.'
  );
}

function statusLines(file: HooksStatusFile, target: Target, current: string): string[] {
  const head = `${scopeLabel(target)}: ${file.path}`;
  if (file.error !== null) return [head, `  cannot read it: ${file.error}`];
  const lines = [head];
  const total = HOOK_EVENTS.length;
  const registered = total - file.missingEvents.length;
  const others =
    file.otherHooks === 0
      ? 'no other hooks on these events'
      : `${plural(file.otherHooks, 'other hook')} on these events`;
  if (!file.exists) {
    lines.push('  no such file');
  } else if (file.installed === 'none') {
    lines.push(`  not installed (${others})`);
  } else {
    const state = file.current ? 'command current' : 'needs an update';
    lines.push(
      `  installed on ${registered === total ? `all ${total}` : `${registered} of ${total}`} events, ${state}; ${others}`,
    );
    if (file.missingEvents.length > 0) lines.push(`  missing on: ${file.missingEvents.join(', ')}`);
    lines.push(...byCommand(file, 'broken', current).map((l) => `  ${l}`));
    lines.push(...byCommand(file, 'stale', current).map((l) => `  ${l}`));
    const dupes = file.events.filter((e) => e.commands.length > 1).map((e) => e.event);
    if (dupes.length > 0) lines.push(`  more than one copy on: ${dupes.join(', ')}`);
    if (!file.current) lines.push(`  to fix: ${installHint(target)}`);
  }
  for (const x of file.extra) {
    lines.push(`  also on ${x.event} (not an event install registers): ${x.command}`);
  }
  return lines;
}

async function status(opts: HooksOptions, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const scopes: TargetScope[] = ['user', 'project', 'local'];
  if (opts.settings !== undefined) scopes.push('settings');
  const targets = targetsOf(scopes, opts, env, cwd);
  const self = selfCommand(opts, env, cwd);
  const files = targets.map((t) => fileStatus(t, self));
  const report: HooksStatus = {
    command: self.command,
    statuslineCommand: self.statuslineCommand,
    events: HOOK_EVENTS.map((s) => s.event),
    files,
  };
  const unreadable = files.filter((f) => f.error !== null).map(unreadableSentence);
  // A file that cannot be read is a configuration error: its hooks are unknown, and install and
  // uninstall refuse to edit it, so advice to install would only lead to that refusal.
  const code = unreadable.length > 0 ? ExitCode.config : ExitCode.ok;
  if (opts.json === true) {
    await writeJson(report);
    for (const sentence of unreadable) writeErr(`tokenledger: ${sentence}\n`);
    return code;
  }
  const lines = [`Hook command that install writes now:`, `  ${self.command}`, ''];
  files.forEach((file, i) => {
    lines.push(...statusLines(file, targets[i]!, self.command));
  });
  const installedIn = targets.filter((_, i) => files[i]!.installed !== 'none' && files[i]!.error === null);
  lines.push('');
  lines.push(...unreadable);
  if (installedIn.length === 0) {
    if (unreadable.length === 0)
      lines.push('The hook is not installed. Install it with: tokenledger hooks install');
    else lines.push('The hook is in none of the settings files that can be read.');
  } else if (installedIn.length > 1) {
    lines.push(
      `The hook is in ${installedIn.length} settings files; Claude Code merges them, so it may run more than once per event (harmless, but slower).`,
    );
  } else if (files.every((f) => f.installed === 'none' || f.installed === 'unknown' || f.current)) {
    lines.push(`The hook is installed and current (${scopeLabel(installedIn[0]!)}).`);
  }
  lines.push(
    '',
    'For the status line, put this in the same settings file ("statusLine" is not written by install):',
    `  "statusLine": ${JSON.stringify({ type: 'command', command: self.statuslineCommand })}`,
  );
  await writeOut(`${lines.join('\n')}\n`);
  return code;
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
  return status(opts, env, cwd);
}
