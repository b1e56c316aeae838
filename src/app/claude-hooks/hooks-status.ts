/**
 * Where tokenledger's hook is installed (`tokenledger hooks status`): the user, project and local
 * Claude Code settings files (and one named explicitly), and per file whether the hook is on every
 * event it needs, with exactly the command install would write now, or stale, broken or missing.
 * @module
 */
import fs from 'node:fs';
import { HOOK_EVENTS, hooksShapeProblem } from '../../capture/claude/settings/hook-entries.js';
import { type HooksInspection, inspectHooks } from '../../capture/claude/settings/hook-inspection.js';
import { readSettings } from '../../capture/claude/settings/settings-file.js';
import { type HooksLocation, type Target, type TargetScope, targetsOf } from './hook-targets.js';
import { type SelfCommand, type SelfCommandOptions, selfCommand } from './self-command.js';

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

/** Exactly what `hooks status --json` prints. */
export interface HooksStatus {
  /** The command install would write now. */
  command: string;
  /** The command for Claude Code's `statusLine` setting (install does not write it). */
  statuslineCommand: string;
  /** HOOK_EVENTS, in order. */
  events: string[];
  files: HooksStatusFile[];
}

export interface HooksStatusOutcome {
  report: HooksStatus;
  /** Each file of the report with the scopes that name it. */
  files: { target: Target; file: HooksStatusFile }[];
  self: SelfCommand;
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

/** The hook's state in the user, project and local settings files, and in `where.settings` if given. */
export function claudeHooksStatus(where: HooksLocation & SelfCommandOptions): HooksStatusOutcome {
  const scopes: TargetScope[] = ['user', 'project', 'local'];
  if (where.settings !== undefined) scopes.push('settings');
  const targets = targetsOf(scopes, where);
  const self = selfCommand(where, where.env, where.cwd);
  const files = targets.map((target) => ({ target, file: fileStatus(target, self) }));
  return {
    report: {
      command: self.command,
      statuslineCommand: self.statuslineCommand,
      events: HOOK_EVENTS.map((s) => s.event),
      files: files.map(({ file }) => file),
    },
    files,
    self,
  };
}
