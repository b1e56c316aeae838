/**
 * Where Claude Code says what type a subagent is, and how much each place is trusted (the ledger
 * keeps the type of the lowest priority), and the `agent-<id>.meta.json` sidecar that says it.
 * @module
 */
import fs from 'node:fs';
import type { SidecarRead, SourceFile } from '../source-adapter.js';
import { type IngestProblem, SPAWN_FACT_PRIORITY } from '../types.js';

/** Agent-fact priorities, lower wins. */
export const CLAUDE_FACT_PRIORITY = {
  /** A line's own `attributionAgent`, or a SubagentStart/Stop hook's `agent_type`. */
  line: 1,
  /** The agent's `.meta.json`. */
  meta: 2,
  /** A progress line relaying the agent's messages. */
  progress: 3,
  /** The parent's Agent/Task tool_use (or its tool_result). */
  spawn: SPAWN_FACT_PRIORITY,
} as const;

/** Reads an `agent-<id>.meta.json`: the agent's type and the tool_use that spawned it. */
export function readClaudeMeta(f: SourceFile): SidecarRead {
  const problem = (reason: string): IngestProblem => ({
    file: f.path,
    line: null,
    offset: null,
    severity: 'warning',
    reason,
  });
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(f.path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      facts: [],
      problem: problem(code ? `cannot read the file (${code})` : 'not valid JSON; agent type unknown'),
    };
  }
  // A meta file outside a session dir cannot say which session its agent belongs to: no fact, no problem.
  if (f.sessionHint === null || f.agentHint === null) return { facts: [], problem: null };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { facts: [], problem: problem('not a JSON object; agent type unknown') };
  }
  const o = raw as Record<string, unknown>;
  const agentType = typeof o.agentType === 'string' && o.agentType.length > 0 ? o.agentType : null;
  const toolUseId = typeof o.toolUseId === 'string' && o.toolUseId.length > 0 ? o.toolUseId : null;
  if (agentType === null && toolUseId === null) return { facts: [], problem: null };
  return {
    facts: [
      {
        sessionId: f.sessionHint,
        agentId: f.agentHint,
        toolUseId,
        agentType,
        priority: CLAUDE_FACT_PRIORITY.meta,
      },
    ],
    problem: null,
  };
}
