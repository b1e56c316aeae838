/**
 * What `tokenledger forget` can remove, and what it tells about it. Backend-neutral: the store
 * (`LedgerStore.forget`) does the work in one transaction, and, for a dry run, rolls it back, so a dry
 * run shows exactly what the real run does.
 * @module
 */

import type { StageMap, TaskRow } from './task-repository.js';
import type { GroupRow } from './usage-repository.js';

/**
 * The sources a time range can be forgotten of:
 * - `claude`: API calls imported from Claude Code transcripts (by `import`, a report, a hook or `run`);
 * - `run`: what `tokenledger run` recorded: its results (Claude Code's own figures) and the
 *   attribution of its sessions to its task;
 * - `hook`: the attribution hooks declared (a session's task from the environment or a prompt);
 * - `telemetry`: declared telemetry (`tokenledger record`, MCP `record_usage`).
 */
export const FORGET_SOURCES = ['claude', 'run', 'hook', 'telemetry'] as const;
export type ForgetSource = (typeof FORGET_SOURCES)[number];

/**
 * What to forget. With a task and no source: the task itself and everything added for it. With a
 * source: what that source added in [fromMs, toMs) (by the time of the usage, the run's start, the
 * span's start or the declared timestamp), only for the task when one is given.
 */
export interface ForgetSelection {
  taskId?: string;
  source?: ForgetSource;
  /** Inclusive, epoch ms. */
  fromMs?: number;
  /** Exclusive, epoch ms. */
  toMs?: number;
}

export interface ForgetOptions {
  /** False: a dry run, which changes nothing. */
  apply: boolean;
  /** For the attribute step that re-attributes what the forgotten spans and task held. */
  stageMap: StageMap;
}

/** A move of usage that stays in the ledger from one task to another (or to none). */
export interface Reattributed {
  from: string | null;
  to: string | null;
  /** The rows that moved, grouped for pricing (day grain). */
  usage: GroupRow[];
}

export interface ForgetOutcome {
  /** False for a dry run: nothing was changed. */
  applied: boolean;
  /** Tasks removed. */
  tasks: TaskRow[];
  /** Children of a removed task, which move up to its parent. */
  children: { id: string; parentId: string | null }[];
  /** Attribution spans removed, by who declared them (`task`, `hook`, `prompt`, `run`). */
  spans: Record<string, number>;
  /** `tokenledger run` results removed, and the cost Claude Code reported for them. */
  runs: { count: number; claudeCostUsd: number };
  /** Declared telemetry removed: the tasks it was declared for and their agent × model entries. */
  declared: { taskIds: string[]; entries: number };
  /** Entries of the telemetry error log removed with their declarations or tasks. */
  errorLogEntries: number;
  /** API calls from transcripts removed (day grain, for pricing). */
  removedCalls: GroupRow[];
  /** Usage derived from declared telemetry, removed with its declaration. */
  removedDeclared: GroupRow[];
  /**
   * Every change of the ledger's counted usage, before and after (day grain, for pricing): the rows
   * removed, and declared telemetry that counts again (or no longer) because the captured usage of
   * its task changed. The ledger's totals change by `after − before`.
   */
  before: GroupRow[];
  after: GroupRow[];
  /** Usage that stays but moves from one task to another, or to none. */
  reattributed: Reattributed[];
  /** API calls now remembered as forgotten, so that no import brings them back. */
  remembered: number;
}

/** True when the outcome removes or changes nothing. */
export function isEmptyOutcome(o: ForgetOutcome): boolean {
  return (
    o.tasks.length === 0 &&
    Object.keys(o.spans).length === 0 &&
    o.runs.count === 0 &&
    o.declared.taskIds.length === 0 &&
    o.errorLogEntries === 0 &&
    o.removedCalls.length === 0 &&
    o.removedDeclared.length === 0 &&
    o.reattributed.length === 0
  );
}
