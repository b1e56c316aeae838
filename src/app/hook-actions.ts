/**
 * What one Claude Code hook event does to the ledger: declare attribution (the session's task from
 * the environment or the prompt, a subagent's type), import the transcripts the event points to
 * (never a discovery walk), and attribute. Hooks are triggers and pointers: the token numbers always
 * come from the transcripts (FORMATS.md §2).
 * @module
 */
import path from 'node:path';
import { importClaudeFiles, type TargetedImportSummary } from '../app/import/import-claude.js';
import { CLAUDE_FACT_PRIORITY } from '../capture/claude/agent-facts.js';
import { sessionSubagentFiles } from '../capture/claude/discover.js';
import type { HookInput } from '../capture/claude/hook-input.js';
import type { AttributionContext } from '../capture/context/attribution-context.js';
import { projectRoot } from '../capture/context/project-root.js';
import type { LedgerStore } from '../ledger/store.js';
import type { StageMap } from '../ledger/task-repository.js';
import type { ImportOrigin } from '../ledger/usage-repository.js';
import { awaitAnswer } from './hook/await-answer.js';
import { isActiveSpan } from './task-actions.js';

export interface HookActionOptions {
  /** The context the environment declares (`TOKENLEDGER_TASK`, …), checked. */
  context: AttributionContext;
  stageMap: StageMap;
  taskPattern?: string;
  origin: ImportOrigin;
  /** Per-file read budget; the rest waits for the next hook or import. */
  maxBytesPerFile?: number;
  now: number;
  /**
   * Until when (ms since epoch) a Stop or SubagentStop may wait for Claude Code to write the answer
   * it names (see {@link awaitAnswer}); without it the call reads what is there and goes on.
   */
  answerWaitUntil?: number;
}

export interface HookOutcome {
  import: TargetedImportSummary;
  /** The task the session's usage goes to now (a session span, else the project's active task), if any. */
  taskId: string | null;
  /** Spans opened or closed. */
  spans: number;
}

/** Session spans a hook declares: from the environment at SessionStart, from a prompt's task id. */
const ENV_SOURCE = 'hook';
const PROMPT_SOURCE = 'prompt';
/** A session span ends a little after SessionEnd, so lines stamped just before it are inside. */
const END_SLACK_MS = 2_000;

function hasContext(c: AttributionContext): boolean {
  return c.taskId !== null || c.stage !== null || Object.keys(c.labels).length > 0;
}

/** The transcripts an event points to. */
function transcriptsOf(input: HookInput): string[] {
  const main = input.transcriptPath;
  switch (input.event) {
    case 'SubagentStop': {
      const files: string[] = [];
      const agentFile = input.agentTranscriptPath;
      if (agentFile !== null) {
        files.push(agentFile);
        if (agentFile.endsWith('.jsonl')) files.push(`${agentFile.slice(0, -'.jsonl'.length)}.meta.json`);
      }
      // The main transcript holds the spawn (agent type, a task id in the prompt).
      if (main !== null) files.push(main);
      return files;
    }
    case 'Stop':
    case 'PreCompact':
    case 'SessionEnd':
      return main === null ? [] : [main, ...sessionSubagentFiles(main)];
    case 'SessionStart':
    case 'UserPromptSubmit':
      return main === null ? [] : [main];
    default:
      return [];
  }
}

/** A task first named by a hook is known (open), not active: only `task start` makes a task active. */
async function ensureTask(store: LedgerStore, id: string, project: string | null): Promise<void> {
  if ((await store.task(id)) === null) await store.saveTask({ id, ...(project ? { project } : {}) });
}

export async function applyHook(
  store: LedgerStore,
  input: HookInput,
  options: HookActionOptions,
): Promise<HookOutcome> {
  const { context, now } = options;
  const project = input.cwd === null ? null : projectRoot(path.resolve(input.cwd));
  let spans = 0;

  if (input.event === 'SessionStart' && hasContext(context)) {
    // A resumed session may run under another task: the new declaration starts here.
    spans += await store.closeSpans(
      { scope: 'session', sessionId: input.sessionId, source: ENV_SOURCE },
      now,
    );
    if (context.taskId !== null) await ensureTask(store, context.taskId, project);
    await store.openSpan({
      scope: 'session',
      sessionId: input.sessionId,
      fromTs: now,
      taskId: context.taskId,
      stage: context.stage,
      labels: context.labels,
      source: ENV_SOURCE,
    });
    spans++;
  }
  // The environment outranks the payload: a prompt's task applies only when no task is declared there.
  if (input.event === 'UserPromptSubmit' && input.promptTaskId !== null && context.taskId === null) {
    const open = await store.openSessionSpans(input.sessionId);
    const current = open.find((s) => s.source === PROMPT_SOURCE);
    if (current?.taskId !== input.promptTaskId) {
      spans += await store.closeSpans(
        { scope: 'session', sessionId: input.sessionId, source: PROMPT_SOURCE },
        now,
      );
      await ensureTask(store, input.promptTaskId, project);
      await store.openSpan({
        scope: 'session',
        sessionId: input.sessionId,
        fromTs: now,
        taskId: input.promptTaskId,
        source: PROMPT_SOURCE,
      });
      spans++;
    }
  }
  if ((input.event === 'SubagentStart' || input.event === 'SubagentStop') && input.agentId !== null) {
    // Claude Code's own word on the agent type outranks meta files and spawn inputs.
    if (input.agentType !== null) {
      await store.writeAgentFacts(
        [
          {
            sessionId: input.sessionId,
            agentId: input.agentId,
            agentType: input.agentType,
            toolUseId: null,
            priority: CLAUDE_FACT_PRIORITY.line,
          },
        ],
        [],
      );
    }
  }

  // With no files this still runs the attribute step for the spans declared above.
  const importOptions = {
    ...options,
    // Early in a session the transcript may not exist yet: that is no problem.
    quietMissing: input.event === 'SessionStart' || input.event === 'UserPromptSubmit',
  };
  let imported = await importClaudeFiles(store, transcriptsOf(input), importOptions);
  const answerFile = input.event === 'SubagentStop' ? input.agentTranscriptPath : input.transcriptPath;
  if (
    (input.event === 'Stop' || input.event === 'SubagentStop') &&
    input.answered === true &&
    answerFile !== null &&
    options.answerWaitUntil !== undefined
  ) {
    imported = await awaitAnswer(answerFile, options.answerWaitUntil, imported, () =>
      importClaudeFiles(store, [answerFile], importOptions),
    );
  }

  const taskId = await currentTask(store, input.sessionId, project);
  if (input.event === 'SessionEnd') {
    const end = now + END_SLACK_MS;
    spans += await store.closeSpans(
      { scope: 'session', sessionId: input.sessionId, source: ENV_SOURCE },
      end,
    );
    spans += await store.closeSpans(
      { scope: 'session', sessionId: input.sessionId, source: PROMPT_SOURCE },
      end,
    );
  }

  return { import: imported, taskId, spans };
}

/**
 * The task the session's usage goes to now: its latest session span with a task (declared for the
 * session by the environment or a prompt), else the project's active task.
 */
export async function currentTask(
  store: LedgerStore,
  sessionId: string,
  project: string | null,
): Promise<string | null> {
  const session = (await store.openSessionSpans(sessionId)).find((s) => s.taskId !== null);
  if (session?.taskId) return session.taskId;
  if (project === null) return null;
  const active = (await store.openProjectSpans(project)).find(isActiveSpan);
  return active?.taskId ?? null;
}
