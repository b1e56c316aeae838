/**
 * The JSON a Claude Code hook receives on stdin (FORMATS.md §2), checked at the boundary and cut
 * down to what tokenledger uses: identifiers and file paths. A `UserPromptSubmit` prompt is searched
 * for a task id here and then dropped: no prompt text goes further.
 * @module
 */
import * as v from 'valibot';
import { findTaskId } from '../context/attribution-context.js';

/** The events `tokenledger hook` acts on; any other event is accepted and ignored. */
export const HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'SubagentStart',
  'SubagentStop',
  'Stop',
  'PreCompact',
  'SessionEnd',
] as const;

export type HookEventName = (typeof HOOK_EVENTS)[number];

export interface HookInput {
  event: HookEventName | null;
  /** The event name as given (also for events tokenledger ignores). */
  eventName: string;
  sessionId: string;
  transcriptPath: string | null;
  cwd: string | null;
  /** Set when the hook fired inside a subagent, and on SubagentStart/SubagentStop. */
  agentId: string | null;
  agentType: string | null;
  agentTranscriptPath: string | null;
  /** SessionStart `source` (startup, resume, clear, compact, fork) or SessionEnd `reason`. */
  detail: string | null;
  /** The task id the prompt names (UserPromptSubmit with a task pattern), or null. */
  promptTaskId: string | null;
  /**
   * Stop and SubagentStop name the answer that ended the turn (`last_assistant_message`): the
   * transcript holds a response for it. Only whether there is one is kept, never its text.
   */
  answered: boolean;
}

const id = v.pipe(
  v.string('expected a string'),
  v.minLength(1, 'expected a non-empty string'),
  v.maxLength(300),
);
const filePath = v.pipe(
  v.string('expected a path'),
  v.maxLength(4096, 'expected a path of at most 4096 characters'),
);

const HookSchema = v.looseObject(
  {
    hook_event_name: v.pipe(v.string('expected a string'), v.minLength(1, 'expected a non-empty string')),
    session_id: id,
    transcript_path: v.optional(v.nullable(filePath)),
    cwd: v.optional(v.nullable(filePath)),
    agent_id: v.optional(v.nullable(id)),
    agent_type: v.optional(v.nullable(id)),
    agent_transcript_path: v.optional(v.nullable(filePath)),
    prompt: v.optional(v.nullable(v.string('expected a string'))),
    source: v.optional(v.nullable(v.string())),
    reason: v.optional(v.nullable(v.string())),
    last_assistant_message: v.optional(v.nullable(v.string())),
  },
  'expected a JSON object',
);

export class HookInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HookInputError';
  }
}

function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}

/** Parses a hook's stdin. Throws {@link HookInputError} with a message naming the field and value. */
export function parseHookInput(text: string, taskPattern: RegExp | null): HookInput {
  if (text.trim() === '') throw new HookInputError('hook input is empty (expected the hook JSON on stdin)');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new HookInputError(
      `hook input is not JSON (${(error as Error).message}); it starts with ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new HookInputError(
      `hook input field (top level): expected a JSON object (got ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw)?.slice(0, 40)})`,
    );
  const result = v.safeParse(HookSchema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    const where = issue?.path?.map((p) => String(p.key)).join('.') || '(top level)';
    const got = issue?.input === undefined ? 'nothing' : JSON.stringify(issue.input)?.slice(0, 60);
    throw new HookInputError(`hook input field ${where}: ${issue?.message ?? 'invalid'} (got ${got})`);
  }
  const o = result.output;
  const name = o.hook_event_name;
  const event = (HOOK_EVENTS as readonly string[]).includes(name) ? (name as HookEventName) : null;
  return {
    event,
    eventName: name,
    sessionId: o.session_id,
    transcriptPath: nonEmpty(o.transcript_path),
    cwd: nonEmpty(o.cwd),
    agentId: nonEmpty(o.agent_id),
    agentType: nonEmpty(o.agent_type),
    agentTranscriptPath: nonEmpty(o.agent_transcript_path),
    detail: nonEmpty(o.source) ?? nonEmpty(o.reason),
    promptTaskId: event === 'UserPromptSubmit' ? promptTask(o.prompt, taskPattern) : null,
    answered: nonEmpty(o.last_assistant_message) !== null,
  };
}

/**
 * The task a user's prompt names. A background agent's `<task-notification>` arrives as a prompt
 * too; it names no new task.
 */
function promptTask(prompt: string | null | undefined, pattern: RegExp | null): string | null {
  if (typeof prompt !== 'string' || prompt.trimStart().startsWith('<task-notification>')) return null;
  return findTaskId(prompt, pattern);
}
