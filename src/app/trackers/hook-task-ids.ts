/**
 * A hook call's task pattern: the configured one, plus the project's beads ids when the hook's cwd
 * uses beads. The hook input is read again with it when it differs, so a prompt naming a beads id
 * declares that task.
 * @module
 */
import { type HookInput, parseHookInput } from '../../capture/claude/hook-input.js';
import type { Config } from '../../config/config.js';
import { projectTaskPattern } from './beads.js';

/**
 * `input` read with the project's pattern, and that pattern (undefined: none). `configured` is the
 * compiled configured pattern, or null when it is absent or invalid (then only beads ids are found).
 */
export function withProjectTaskIds(
  stdin: string,
  input: HookInput,
  config: Config,
  configured: RegExp | null,
): { input: HookInput; taskPattern: string | undefined } {
  const usable = configured === null ? { ...config, taskPattern: undefined } : config;
  const taskPattern = projectTaskPattern(usable, input.cwd);
  if (taskPattern === usable.taskPattern || taskPattern === undefined) return { input, taskPattern };
  return { input: parseHookInput(stdin, new RegExp(taskPattern)), taskPattern };
}
