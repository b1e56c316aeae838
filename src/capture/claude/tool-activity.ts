/**
 * What Claude Code's responses asked tools to do, as {@link CallActivity} rows (identifiers only,
 * never an input's content). Each `tool_use` content block of an assistant line gives one row, keyed
 * by the response's dedup key and the block's id, so the lines of one response, a fork's copy and a
 * relayed subagent progress line all give the same rows.
 *
 * Which fields a tool fills:
 * - `mcp__<server>__<tool>`: `mcpServer` and `tool` (the part after the server; the first `__` after
 *   the prefix ends the server's name);
 * - `Skill`: `skill` from its `skill` input;
 * - `Task` / `Agent`: `agentType` from `subagent_type` (`general-purpose` when absent, as Claude Code does);
 * - `Read`, `Edit`, `Write`, `MultiEdit`: `file` from `file_path`; `NotebookEdit`, `NotebookRead`:
 *   `file` from `notebook_path`; `fileOp` is `read` for Read and NotebookRead, else `edit`;
 * - `Grep`: `file` from `path` only when its last segment looks like a file name (has an extension:
 *   `src/a.ts`, not `src`), with `fileOp` `search`. `Glob`'s `path` is the directory a pattern is
 *   matched in, never a file, so it is not recorded.
 * @module
 */
import type { CallActivity, FileOp } from '../types.js';

type Obj = Record<string, unknown>;

const MCP_PREFIX = 'mcp__';

const FILE_TOOLS: Readonly<Record<string, { key: string; op: FileOp }>> = {
  Read: { key: 'file_path', op: 'read' },
  Edit: { key: 'file_path', op: 'edit' },
  Write: { key: 'file_path', op: 'edit' },
  MultiEdit: { key: 'file_path', op: 'edit' },
  NotebookEdit: { key: 'notebook_path', op: 'edit' },
  NotebookRead: { key: 'notebook_path', op: 'read' },
};

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** Whether a path's last segment has an extension (`a.ts`, not `src` nor `.git`). */
export function looksLikeFile(path: string): boolean {
  const last = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = last.lastIndexOf('.');
  return dot > 0 && dot < last.length - 1;
}

/** The activity row of one `tool_use` block (`name` a non-empty string). */
export function toolActivity(dedupKey: string, toolUseId: string, name: string, input: Obj): CallActivity {
  const row: CallActivity = {
    dedupKey,
    toolUseId,
    tool: name,
    mcpServer: null,
    skill: null,
    agentType: null,
    file: null,
    fileOp: null,
  };
  if (name.startsWith(MCP_PREFIX)) {
    const end = name.indexOf('__', MCP_PREFIX.length);
    if (end > MCP_PREFIX.length && end + 2 < name.length) {
      row.mcpServer = name.slice(MCP_PREFIX.length, end);
      row.tool = name.slice(end + 2);
    }
    return row;
  }
  const fileTool = FILE_TOOLS[name];
  if (fileTool !== undefined) {
    row.file = str(input[fileTool.key]);
    if (row.file !== null) row.fileOp = fileTool.op;
  } else if (name === 'Grep') {
    const path = str(input.path);
    if (path !== null && looksLikeFile(path)) {
      row.file = path;
      row.fileOp = 'search';
    }
  } else if (name === 'Skill') row.skill = str(input.skill);
  else if (name === 'Task' || name === 'Agent') row.agentType = str(input.subagent_type) ?? 'general-purpose';
  return row;
}

/** The row of a call that asked for no tool (see {@link CallActivity}). */
function noToolRow(dedupKey: string): CallActivity {
  return {
    dedupKey,
    toolUseId: '',
    tool: null,
    mcpServer: null,
    skill: null,
    agentType: null,
    file: null,
    fileOp: null,
  };
}

/**
 * Collects one file's activity rows. Only `tool_use` blocks allocate; a call's "no tool" row is made
 * at the end, for the calls that have no other.
 */
export class ToolActivities {
  /** dedup key → tool use id → row. */
  readonly #byCall = new Map<string, Map<string, CallActivity>>();

  /** A `tool_use` block of the response `dedupKey`. Blocks without an id or a name are skipped. */
  add(dedupKey: string, block: Obj): void {
    const id = str(block.id);
    const name = str(block.name);
    if (id === null || name === null) return;
    let calls = this.#byCall.get(dedupKey);
    if (calls === undefined) {
      calls = new Map();
      this.#byCall.set(dedupKey, calls);
    } else if (calls.has(id)) return;
    calls.set(id, toolActivity(dedupKey, id, name, isObj(block.input) ? block.input : {}));
  }

  /** The rows of every call in `keys` (the file's records), in their order. */
  rows(keys: Iterable<string>): CallActivity[] {
    const out: CallActivity[] = [];
    for (const key of keys) {
      const calls = this.#byCall.get(key);
      if (calls === undefined) out.push(noToolRow(key));
      else for (const row of calls.values()) out.push(row);
    }
    return out;
  }
}
