/**
 * Editing a Claude Code settings file's hooks: the settings read are checked before any edit (a file
 * that is not valid JSON, or whose `hooks` has the wrong shape, is a config error naming the file,
 * which is left unchanged), and an edit is written after a one-time backup.
 * @module
 */
import { ExitCode, UserError } from '../../../util/errors.js';
import { hooksShapeProblem } from './hook-entries.js';
import { backupSettings, type SettingsRead, writeSettings } from './settings-file.js';
import type { JsonObject } from './settings-json.js';

/** The settings to edit (`{}` for a missing file), or a config error naming the file that was left unchanged. */
export function editableSettings(read: SettingsRead, file: string): JsonObject {
  const leftAlone = 'The file was left unchanged; fix it (or move it away) and run the command again.';
  if (read.kind === 'invalid') {
    throw new UserError(`cannot edit ${file}: it ${read.problem}. ${leftAlone}`, ExitCode.config);
  }
  if (read.kind === 'missing') return {};
  const problem = hooksShapeProblem(read.settings);
  if (problem !== null) throw new UserError(`cannot edit ${file}: ${problem}. ${leftAlone}`, ExitCode.config);
  return read.settings;
}

/**
 * Writes `edited` over the file that was read as `read`: a backup first if the file exists (once:
 * an older backup is kept), then the new text, unless the file changed meanwhile. Returns the
 * backup's path when one was written, else null.
 */
export function writeSettingsEdit(file: string, read: SettingsRead, edited: JsonObject): string | null {
  let backup: string | null = null;
  if (read.kind === 'ok') backup = backupSettings(file);
  writeSettings(
    file,
    edited,
    read.kind === 'ok' ? read.text : null,
    read.kind === 'ok' ? read.mode : undefined,
  );
  return backup;
}
