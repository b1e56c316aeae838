/**
 * Installing and removing tokenledger's hook in Claude Code settings files (`tokenledger hooks
 * install|uninstall`): every file is read and checked before any is written; an edit is written
 * after a one-time backup (unless a dry run). The result says, per file, what changed and where, in
 * the shape `--json` prints.
 * @module
 */
import fs from 'node:fs';
import { type HookChange, installHooks, uninstallHooks } from '../../capture/claude/settings/hook-entries.js';
import { inspectHooks } from '../../capture/claude/settings/hook-inspection.js';
import { editableSettings, writeSettingsEdit } from '../../capture/claude/settings/settings-edit.js';
import { readSettings } from '../../capture/claude/settings/settings-file.js';
import { fileKey, type HooksLocation, type Target, type TargetScope, targetsOf } from './hook-targets.js';
import { type SelfCommand, type SelfCommandOptions, selfCommand } from './self-command.js';

/** What happened to one settings file. */
export interface HooksFileResult {
  scopes: TargetScope[];
  path: string;
  existed: boolean;
  changed: boolean;
  /** The backup written before the change, or null (none needed, one existed already, or a dry run). */
  backup: string | null;
  changes: HookChange[];
}

/** Exactly what `hooks install|uninstall --json` prints. */
export interface HooksChangeReport {
  action: 'install' | 'uninstall';
  dryRun: boolean;
  /** The hook command install writes now. */
  command: string;
  files: HooksFileResult[];
}

/** A settings file and what happened to it. */
export interface HooksFileOutcome {
  target: Target;
  file: HooksFileResult;
}

export interface HooksRequest extends HooksLocation, SelfCommandOptions {
  /** Show what would change, write nothing. */
  dryRun?: boolean | undefined;
}

export interface InstallHooksRequest extends HooksRequest {
  /** The settings file to write (default: the user's). */
  scope?: TargetScope | undefined;
}

export interface InstallHooksOutcome {
  report: HooksChangeReport;
  edited: HooksFileOutcome;
  self: SelfCommand;
  /** Other settings files (user, project, local) that hold the hook too; looked at only after a write. */
  alsoIn: Target[];
  /** The config file the hook command names, when it does not exist (yet). */
  missingConfig: string | null;
}

/** Reads, edits and (unless a dry run) writes one file. */
function edit(
  target: Target,
  change: (settings: ReturnType<typeof editableSettings>) => ReturnType<typeof installHooks>,
  dryRun: boolean,
): () => HooksFileOutcome {
  const read = readSettings(target.file);
  const edited = change(editableSettings(read, target.file));
  return () => {
    const backup = edited.changed && !dryRun ? writeSettingsEdit(target.file, read, edited.settings) : null;
    return {
      target,
      file: {
        scopes: target.scopes,
        path: target.file,
        existed: read.kind !== 'missing',
        changed: edited.changed,
        backup,
        changes: edited.changes,
      },
    };
  };
}

/** Settings files other than `target` that carry the hook (Claude Code merges them: it would run twice). */
function installedElsewhere(target: Target, self: SelfCommand, where: HooksLocation): Target[] {
  const others = targetsOf(['user', 'project', 'local'], { env: where.env, cwd: where.cwd }).filter(
    (t) => fileKey(t.file) !== fileKey(target.file),
  );
  return others.filter((other) => {
    const read = readSettings(other.file);
    if (read.kind !== 'ok') return false;
    const found = inspectHooks(read.settings, self.command, fs.existsSync);
    return found.events.some((e) => e.state !== 'missing');
  });
}

/** Registers the hook on every event it needs in one settings file, keeping everything else in it. */
export function installClaudeHooks(request: InstallHooksRequest): InstallHooksOutcome {
  const [target] = targetsOf([request.scope ?? 'user'], request);
  if (target === undefined) throw new Error('unreachable: one scope gives one target');
  const self = selfCommand(request, request.env, request.cwd);
  const dryRun = request.dryRun === true;
  const edited = edit(target, (s) => installHooks(s, self.command), dryRun)();
  return {
    report: { action: 'install', dryRun, command: self.command, files: [edited.file] },
    edited,
    self,
    alsoIn: edited.file.changed && !dryRun ? installedElsewhere(target, self, request) : [],
    missingConfig: self.config !== null && !fs.existsSync(self.config) ? self.config : null,
  };
}

export interface UninstallHooksRequest extends HooksRequest {
  /** The settings files to clean (default: the user's). */
  scopes: readonly TargetScope[];
  /** The user, project and local files, besides a `settings` file in `scopes`. */
  all?: boolean | undefined;
}

export interface UninstallHooksOutcome {
  report: HooksChangeReport;
  files: HooksFileOutcome[];
  self: SelfCommand;
}

/** Removes every tokenledger hook from the settings files, after checking that all can be edited. */
export function uninstallClaudeHooks(request: UninstallHooksRequest): UninstallHooksOutcome {
  const scopes: TargetScope[] =
    request.all === true
      ? ['user', 'project', 'local', ...request.scopes.filter((s) => s === 'settings')]
      : request.scopes.length === 0
        ? ['user']
        : [...request.scopes];
  const self = selfCommand(request, request.env, request.cwd);
  const dryRun = request.dryRun === true;
  // Read and check every file before writing any.
  const writes = targetsOf(scopes, request).map((target) => edit(target, uninstallHooks, dryRun));
  const files = writes.map((write) => write());
  return {
    report: { action: 'uninstall', dryRun, command: self.command, files: files.map((f) => f.file) },
    files,
    self,
  };
}
