/**
 * The config settings that write a finished task's numbers into other tools: `taskFiles` (the task's
 * Markdown file) and `onTaskEnd` (a command). Their templates are checked here, at the boundary, so a
 * hook never meets an unusable one.
 * @module
 */
import * as v from 'valibot';
import { splitWords, unknownPlaceholders } from '../util/command-template.js';

/** Why a command template cannot be used, or null. */
function templateProblem(parts: readonly string[], split: boolean): string | null {
  let words: string[] = [...parts];
  if (split) {
    try {
      words = parts.flatMap((p) => splitWords(p));
    } catch (error) {
      return `cannot split the command into words (${(error as Error).message})`;
    }
  }
  if (words.length === 0 || words[0] === '') return 'expected a program to run';
  const unknown = unknownPlaceholders(parts);
  return unknown.length === 0
    ? null
    : `unknown placeholder ${unknown.join(', ')}; use {id}, {title}, {summaryFile}, {tokens}, {cost}, {apiCalls}, {estimate}, {variance}, {project} or {event}`;
}

const commandString = v.pipe(
  v.string('expected a command'),
  v.check(
    (s) => templateProblem([s], true) === null,
    (issue) => templateProblem([String(issue.input)], true) ?? 'invalid command',
  ),
);

const commandArray = v.pipe(
  v.array(v.string('expected a string'), 'expected a list of strings'),
  v.check(
    (a) => templateProblem(a, false) === null,
    (issue) =>
      templateProblem(Array.isArray(issue.input) ? issue.input.map(String) : [], false) ?? 'invalid command',
  ),
);

export const onTaskEndSchema = v.union(
  [
    commandString,
    v.strictObject(
      {
        command: v.union([commandString, commandArray], 'expected a command string or a list of strings'),
        shell: v.optional(v.boolean('expected true or false')),
        timeoutMs: v.optional(
          v.pipe(
            v.number('expected a number of milliseconds'),
            v.integer('expected a whole number of milliseconds'),
            v.minValue(100, 'expected at least 100 ms'),
            v.maxValue(600_000, 'expected at most 600000 ms'),
          ),
        ),
      },
      'expected {"command", and optionally "shell", "timeoutMs"}',
    ),
  ],
  'expected a command string, or {"command": [...], "shell": false, "timeoutMs": 10000}',
);

/** Why a task file template cannot be used, or null. */
export function taskFilesProblem(t: string): string | null {
  if (t.trim() === '') return 'expected a path relative to the project';
  if (t.startsWith('/') || /^[A-Za-z]:[\\/]/.test(t)) return 'expected a path relative to the project';
  if (t.split(/[\\/]/).includes('..')) return 'expected a path inside the project (no "..")';
  const other = [...t.matchAll(/\{([^}]*)\}/g)].map((m) => m[0]).filter((p) => p !== '{id}');
  return other.length > 0 ? `unknown placeholder ${other.join(', ')}; only {id} is known` : null;
}

export const taskFilesSchema = v.pipe(
  v.string('expected a path relative to the project'),
  v.check(
    (t) => taskFilesProblem(t) === null,
    (issue) => taskFilesProblem(String(issue.input)) ?? 'invalid path',
  ),
);
