/**
 * The task, stage and labels that usage should be attributed to, from the layers that can declare
 * them, in order: command-line flags, the environment (`TOKENLEDGER_TASK`, `TOKENLEDGER_STAGE`,
 * `TOKENLEDGER_LABELS`), a hook's payload, and the project's active task (`tokenledger task start`).
 * Every value is checked here, at the boundary.
 * @module
 */
import { ExitCode, UserError } from '../../util/errors.js';

export const TASK_ENV = 'TOKENLEDGER_TASK';
export const STAGE_ENV = 'TOKENLEDGER_STAGE';
export const LABELS_ENV = 'TOKENLEDGER_LABELS';

export interface AttributionContext {
  taskId: string | null;
  stage: string | null;
  labels: Record<string, string>;
}

export type ContextLayer = Partial<AttributionContext>;

const ID_MAX = 200;

/**
 * A task id or stage name: 1–200 printable characters, no path separators or control characters
 * (ids end up in file names and terminal output).
 */
function hasControlCharacter(v: string): boolean {
  // C0, DEL and C1 controls (U+009B starts a terminal escape sequence), and the bidirectional
  // overrides and isolates that can make text display as something else.
  return /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(v);
}

export function checkName(value: string, what: string): string {
  const v = value.trim();
  const bad =
    v.length === 0
      ? 'is empty'
      : v.length > ID_MAX
        ? `is longer than ${ID_MAX} characters`
        : /[/\\]/.test(v)
          ? 'contains a path separator'
          : hasControlCharacter(v)
            ? 'contains a control character'
            : null;
  if (bad !== null) {
    throw new UserError(
      `${what} ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} ${bad}; use letters, digits and punctuation such as - _ . : #.`,
      ExitCode.usage,
    );
  }
  return v;
}

/** Parses `k=v,k2=v2` (or repeated `--label k=v`). */
export function parseLabels(values: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    for (const part of value.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0)
        throw new UserError(`${what} "${part}" is not key=value (e.g. category=tooling).`, ExitCode.usage);
      const key = checkName(part.slice(0, eq), `${what} key`);
      if (!/^[A-Za-z0-9_.-]+$/.test(key))
        throw new UserError(`${what} key "${key}" may only hold letters, digits, _ . and -.`, ExitCode.usage);
      out[key] = checkName(part.slice(eq + 1), `${what} value for ${key}`);
    }
  }
  return out;
}

/** The layer the environment declares. */
export function contextFromEnv(env: NodeJS.ProcessEnv): ContextLayer {
  const layer: ContextLayer = {};
  const task = env[TASK_ENV];
  if (task !== undefined && task.trim() !== '') layer.taskId = checkName(task, TASK_ENV);
  const stage = env[STAGE_ENV];
  if (stage !== undefined && stage.trim() !== '') layer.stage = checkName(stage, STAGE_ENV);
  const labels = env[LABELS_ENV];
  if (labels !== undefined && labels.trim() !== '') layer.labels = parseLabels([labels], LABELS_ENV);
  return layer;
}

/** Combines layers, the first that sets a field winning; labels merge, earlier layers winning per key. */
export function resolveContext(...layers: readonly ContextLayer[]): AttributionContext {
  const out: AttributionContext = { taskId: null, stage: null, labels: {} };
  for (const layer of [...layers].reverse()) {
    if (layer.taskId !== undefined && layer.taskId !== null) out.taskId = layer.taskId;
    if (layer.stage !== undefined && layer.stage !== null) out.stage = layer.stage;
    if (layer.labels !== undefined) Object.assign(out.labels, layer.labels);
  }
  return out;
}

/** Finds a task id in text (e.g. a subagent's prompt) with the configured pattern; returns only the id. */
export function findTaskId(text: string, pattern: RegExp | null): string | null {
  if (pattern === null) return null;
  const m = pattern.exec(text);
  if (m === null) return null;
  const id = (m[1] ?? m[0]).trim();
  try {
    return checkName(id, 'task id');
  } catch {
    return null;
  }
}

/** Compiles the configured task pattern; `setting` names it in errors. */
export function compileTaskPattern(source: string | undefined, setting: string): RegExp | null {
  if (source === undefined || source === '') return null;
  try {
    return new RegExp(source);
  } catch (error) {
    throw new UserError(
      `${setting} "${source}" is not a valid regular expression (${(error as Error).message}).`,
      ExitCode.config,
    );
  }
}

/** `env` plus the context as TOKENLEDGER_TASK/_STAGE/_LABELS, for a child whose hooks must attribute the same way. */
export function envWithContext(env: NodeJS.ProcessEnv, context: AttributionContext): NodeJS.ProcessEnv {
  const out = { ...env };
  if (context.taskId !== null) out[TASK_ENV] = context.taskId;
  if (context.stage !== null) out[STAGE_ENV] = context.stage;
  const labels = Object.entries(context.labels);
  if (labels.length > 0) out[LABELS_ENV] = labels.map(([k, v]) => `${k}=${v}`).join(',');
  return out;
}
