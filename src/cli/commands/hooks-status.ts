/**
 * `tokenledger hooks status`: where the hook is installed (user, project, local settings, or one
 * named with --settings) and whether each entry is current, stale or broken.
 * @module
 */
import fs from 'node:fs';
import { ExitCode } from '../../util/errors.js';
import { HOOK_EVENTS, hooksShapeProblem } from '../claude-settings/hook-entries.js';
import { type HooksInspection, inspectHooks } from '../claude-settings/hook-inspection.js';
import { type SelfCommand, selfCommand } from '../claude-settings/self-command.js';
import { readSettings } from '../claude-settings/settings-file.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import {
  type HooksOptions,
  installHint,
  scopeLabel,
  type Target,
  type TargetScope,
  targetsOf,
} from './hooks-targets.js';

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

export async function hooksStatus(opts: HooksOptions, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const scopes: TargetScope[] = ['user', 'project', 'local'];
  if (opts.settings !== undefined) scopes.push('settings');
  const targets = targetsOf(scopes, opts, env, cwd);
  const self = selfCommand(opts, env, cwd);
  const checked = targets.map((target) => ({ target, file: fileStatus(target, self) }));
  const files = checked.map(({ file }) => file);
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
  for (const { target, file } of checked) lines.push(...statusLines(file, target, self.command));
  const installedIn = checked
    .filter(({ file }) => file.installed !== 'none' && file.error === null)
    .map(({ target }) => target);
  const [onlyIn] = installedIn;
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
  } else if (
    onlyIn !== undefined &&
    files.every((f) => f.installed === 'none' || f.installed === 'unknown' || f.current)
  ) {
    lines.push(`The hook is installed and current (${scopeLabel(onlyIn)}).`);
  }
  lines.push(
    '',
    'For the status line, put this in the same settings file ("statusLine" is not written by install):',
    `  "statusLine": ${JSON.stringify({ type: 'command', command: self.statuslineCommand })}`,
  );
  await writeOut(`${lines.join('\n')}\n`);
  return code;
}
