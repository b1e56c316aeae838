/**
 * `tokenledger hooks status`: where the hook is installed (user, project, local settings, or one
 * named with --settings) and whether each entry is current, stale or broken
 * (src/app/claude-hooks/hooks-status.ts), rendered.
 * @module
 */
import type { Target } from '../../app/claude-hooks/hook-targets.js';
import { claudeHooksStatus, type HooksStatusFile } from '../../app/claude-hooks/hooks-status.js';
import { HOOK_EVENTS } from '../../capture/claude/settings/hook-entries.js';
import { ExitCode } from '../../util/errors.js';
import { writeErr, writeJson, writeOut } from '../io.js';
import { type HooksOptions, installHint, scopeLabel } from './hooks-targets.js';

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
  const {
    report,
    files: checked,
    self,
  } = claudeHooksStatus({
    env,
    cwd,
    settings: opts.settings,
    db: opts.db,
    config: opts.config,
  });
  const files = report.files;
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
