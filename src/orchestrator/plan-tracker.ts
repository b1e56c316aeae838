/**
 * `PlanUsageTracker`: accumulates the usage of every task of one plan run, per task and
 * per section, prints a running-totals line after each task, and writes `usage-report.json`.
 *
 * Costs are Claude Code's own `total_cost_usd`, never computed from tokens. A run that did not
 * report one is not counted as $0: its task's `costUsd` is null, and every total it is part of says
 * `costComplete: false` and carries only the known part (a lower bound) in `totalCostUsd`.
 * @module
 */
import type { ClaudeRunResult } from '../capture/claude/stream/types.js';
import { addTokenCountsChecked, addUsd, showValue } from '../util/checked-numbers.js';
import { formatPercent, formatUsdPlain, groupDigits, NOT_AVAILABLE } from '../util/format.js';
import { cacheHitRate, emptyTokenCounts, type TokenCounts, totalTokens } from '../util/token-counts.js';
import { writeJsonFileAtomic } from './json-file.js';
import {
  TASK_TOKEN_NAMES,
  type TaskUsage,
  taskTokenFields,
  taskUsageCounts,
  toTaskUsage,
} from './task-usage.js';

/** Options of {@link PlanUsageTracker.record}. */
export interface RecordOptions {
  /** The plan section the task belongs to; a task keeps the first section it was recorded with. */
  section?: string | null;
}

/** Usage summed over some runs: a task's, a section's or the plan's. */
export interface UsageTotals {
  /** Runs recorded. */
  runs: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  /** Input + output + cache read + cache write tokens. */
  totalTokens: number;
  /** Sum of the reported costs; only a lower bound when `costComplete` is false. */
  totalCostUsd: number;
  /** False when at least one run reported no cost. */
  costComplete: boolean;
  /** Runs that reported no cost. */
  runsWithoutCost: number;
  /** Sum of the reported turns; null when no run reported any. */
  numTurns: number | null;
  /** Sum of the reported API times (ms); null when no run reported any. */
  durationApiMs: number | null;
  /** `cacheReadTokens / (cacheReadTokens + inputTokens)`; null when both are 0. */
  cacheHitRate: number | null;
}

/** One task's usage, every run recorded for it summed. */
export interface TaskUsageEntry {
  taskId: string;
  section: string | null;
  /** How many runs were recorded for the task (a retried task has several). */
  runs: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  totalTokens: number;
  /** Sum of the runs' costs; null when any run of the task reported none. */
  costUsd: number | null;
  numTurns: number | null;
  durationApiMs: number | null;
  cacheHitRate: number | null;
}

/** One section's subtotal. */
export interface SectionUsage extends UsageTotals {
  section: string;
  /** Tasks of the section. */
  tasks: number;
}

/** What {@link PlanUsageTracker.summary} returns. */
export interface PlanUsageSummary {
  /** Tasks recorded. */
  taskCount: number;
  /** Everything recorded, summed. */
  totals: UsageTotals;
  /** The plan's cache hit rate (the same as `totals.cacheHitRate`). */
  cacheHitRate: number | null;
  /** Per task, in the order they were first recorded. */
  tasks: TaskUsageEntry[];
  /** Per named section, in the order of their first task. Tasks without a section are only in `totals`. */
  sections: SectionUsage[];
}

/** The content of `usage-report.json`, as {@link PlanUsageTracker.writeReport} writes it. */
export interface PlanUsageReport {
  planName: string;
  /** ISO 8601 UTC. */
  completedAt: string;
  totals: UsageTotals;
  cacheHitRate: number | null;
  tasks: TaskUsageEntry[];
  sections: SectionUsage[];
}

/** Options of {@link PlanUsageTracker.writeReport}. */
export interface WriteReportOptions {
  /** Defaults to the tracker's plan name; one of them is required. */
  planName?: string;
  /** When the plan completed; defaults to now. */
  completedAt?: Date | string;
}

/** Runs summed; the internal form of {@link UsageTotals}. */
interface Sum {
  runs: number;
  tokens: TokenCounts;
  costUsd: number;
  runsWithoutCost: number;
  numTurns: number | null;
  durationApiMs: number | null;
}

const emptySum = (): Sum => ({
  runs: 0,
  tokens: emptyTokenCounts(),
  costUsd: 0,
  runsWithoutCost: 0,
  numTurns: null,
  durationApiMs: null,
});

/** `a + b`, null counting as "not reported" (null only when both are). */
const addNullable = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : a + b;

/** Adds `b` into `a` (mutates and returns `a`). */
function addSum(a: Sum, b: Sum, what: string): Sum {
  a.runs += b.runs;
  addTokenCountsChecked(a.tokens, b.tokens, TASK_TOKEN_NAMES, what);
  a.costUsd = addUsd(a.costUsd, b.costUsd);
  a.runsWithoutCost += b.runsWithoutCost;
  a.numTurns = addNullable(a.numTurns, b.numTurns);
  a.durationApiMs = addNullable(a.durationApiMs, b.durationApiMs);
  return a;
}

/** One run as a {@link Sum}. */
function runSum(u: TaskUsage): Sum {
  return {
    runs: 1,
    tokens: taskUsageCounts(u),
    costUsd: u.totalCostUsd ?? 0,
    runsWithoutCost: u.totalCostUsd === null ? 1 : 0,
    numTurns: u.numTurns,
    durationApiMs: u.durationApiMs,
  };
}

function toTotals(s: Sum): UsageTotals {
  return {
    runs: s.runs,
    ...taskTokenFields(s.tokens),
    totalTokens: totalTokens(s.tokens),
    totalCostUsd: s.costUsd,
    costComplete: s.runsWithoutCost === 0,
    runsWithoutCost: s.runsWithoutCost,
    numTurns: s.numTurns,
    durationApiMs: s.durationApiMs,
    cacheHitRate: cacheHitRate(s.tokens.cacheRead, s.tokens.input),
  };
}

/** The cost part of a one-line summary: `$1.23`, `≥$1.23 (1 run without cost)` or `cost unknown`. */
function costText(s: Sum): string {
  if (s.runsWithoutCost === 0) return formatUsdPlain(s.costUsd);
  const runs = `${s.runsWithoutCost} run${s.runsWithoutCost === 1 ? '' : 's'} without cost`;
  return s.runsWithoutCost === s.runs ? `cost unknown (${runs})` : `≥${formatUsdPlain(s.costUsd)} (${runs})`;
}

/** `in 12,345 / out 6,789 / cache read 100,000 / cache write 2,000 · cache hit 89.0%` */
function tokenText(s: Sum): string {
  const t = s.tokens;
  return (
    `in ${groupDigits(t.input)} / out ${groupDigits(t.output)} / ` +
    `cache read ${groupDigits(t.cacheRead)} / cache write ${groupDigits(t.cacheWrite)} · ` +
    `cache hit ${formatPercent(cacheHitRate(t.cacheRead, t.input), NOT_AVAILABLE)}`
  );
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A name (task id, section, plan name) that is not empty or blank; throws naming `what` otherwise. */
function checkName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`${what} must be a non-empty string, got ${showValue(value)}`);
  }
  return value;
}

/**
 * Accumulates the usage of one plan run. Record each task run with {@link record}; print
 * {@link runningTotalsLine} after each task and {@link summaryLines} at the end; write the report with
 * {@link writeReport}. Nothing of a prompt or an answer is kept: only numbers, task ids and sections.
 */
export class PlanUsageTracker {
  readonly planName: string | null;
  readonly #tasks = new Map<string, { section: string | null; sum: Sum }>();

  /** `planName` is used in {@link runningTotalsLine} and as the report's default plan name. */
  constructor(options: { planName?: string | null } = {}) {
    this.planName =
      options.planName === undefined || options.planName === null
        ? null
        : checkName(options.planName, 'planName');
  }

  /**
   * Adds one run of `taskId`: a parser's {@link ClaudeRunResult} (tokens of every model, the CLI's
   * `total_cost_usd`) or a {@link TaskUsage}. Recording the same task again adds to it (a retry, or
   * parallel subagents of one task). Throws, recording nothing, when a number is invalid, `taskId` is
   * empty, or the task was recorded before with a different section.
   */
  record(taskId: string, usage: ClaudeRunResult | TaskUsage, options: RecordOptions = {}): void {
    const id = checkName(taskId, 'taskId');
    const section =
      options.section === undefined || options.section === null
        ? null
        : checkName(options.section, `section of task ${JSON.stringify(id)}`);
    const run = runSum(toTaskUsage(usage, `usage of task ${JSON.stringify(id)}`));
    const task = this.#tasks.get(id);
    if (task === undefined) {
      this.#tasks.set(id, { section, sum: run });
      return;
    }
    if (section !== null && task.section !== null && section !== task.section) {
      throw new Error(
        `task ${JSON.stringify(id)} was recorded in section ${JSON.stringify(task.section)}, not ${JSON.stringify(section)}`,
      );
    }
    const sum = addSum({ ...task.sum, tokens: { ...task.sum.tokens } }, run, `task ${JSON.stringify(id)}`);
    task.sum = sum;
    if (task.section === null) task.section = section;
  }

  /** Number of tasks recorded. */
  get taskCount(): number {
    return this.#tasks.size;
  }

  /** One task's usage, or null when it was not recorded. */
  task(taskId: string): TaskUsageEntry | null {
    const task = this.#tasks.get(taskId);
    return task === undefined ? null : taskEntry(taskId, task.section, task.sum);
  }

  /** The plan's and each named section's sums. */
  #aggregate(): { plan: Sum; sections: Map<string, { tasks: number; sum: Sum }> } {
    const plan = emptySum();
    const sections = new Map<string, { tasks: number; sum: Sum }>();
    for (const task of this.#tasks.values()) {
      addSum(plan, task.sum, 'plan');
      if (task.section === null) continue;
      const s = sections.get(task.section) ?? { tasks: 0, sum: emptySum() };
      s.tasks += 1;
      addSum(s.sum, task.sum, `section ${JSON.stringify(task.section)}`);
      sections.set(task.section, s);
    }
    return { plan, sections };
  }

  /** Every task, each section and the plan, summed. */
  summary(): PlanUsageSummary {
    const { plan, sections } = this.#aggregate();
    const totals = toTotals(plan);
    return {
      taskCount: this.#tasks.size,
      totals,
      cacheHitRate: totals.cacheHitRate,
      tasks: [...this.#tasks].map(([id, task]) => taskEntry(id, task.section, task.sum)),
      sections: [...sections].map(([section, s]) => ({ section, tasks: s.tasks, ...toTotals(s.sum) })),
    };
  }

  /**
   * The running totals, one line, to print after each task:
   * `plan my-plan: 3 tasks · $1.23 · in 12,345 / out 6,789 / cache read 100,000 / cache write 2,000 · cache hit 89.0%`.
   * Without a plan name it starts `plan:`; an incomplete cost reads `≥$1.23 (1 run without cost)`,
   * and `cost unknown (2 runs without cost)` when no run reported one; `cache hit n/a` when there was
   * no input.
   */
  runningTotalsLine(): string {
    return this.#planLine(this.#aggregate().plan);
  }

  #planLine(plan: Sum): string {
    const name = this.planName === null ? 'plan:' : `plan ${this.planName}:`;
    return `${name} ${plural(this.#tasks.size, 'task')} · ${costText(plan)} · ${tokenText(plan)}`;
  }

  /**
   * The final summary to print when the plan completes: the {@link runningTotalsLine}, then one
   * indented line per section (`  section Build: 2 tasks · $0.80 · in …`) and per task
   * (`  task 1.2 [Build]: 2 runs · $0.40 · in … · 7 turns`).
   */
  summaryLines(): string[] {
    const { plan, sections } = this.#aggregate();
    const lines = [this.#planLine(plan)];
    for (const [name, s] of sections) {
      lines.push(`  section ${name}: ${plural(s.tasks, 'task')} · ${costText(s.sum)} · ${tokenText(s.sum)}`);
    }
    for (const [id, task] of this.#tasks) {
      const where = task.section === null ? '' : ` [${task.section}]`;
      const turns = task.sum.numTurns === null ? '' : ` · ${plural(task.sum.numTurns, 'turn')}`;
      lines.push(
        `  task ${id}${where}: ${plural(task.sum.runs, 'run')} · ${costText(task.sum)} · ${tokenText(task.sum)}${turns}`,
      );
    }
    return lines;
  }

  /**
   * The `usage-report.json` content: plan name, completion time and {@link summary} (without
   * `taskCount`). Throws when there is no plan name or `completedAt` is not a valid date.
   */
  report(options: WriteReportOptions = {}): PlanUsageReport {
    const planName = checkName(options.planName ?? this.planName, 'planName');
    const at = options.completedAt ?? new Date();
    const date = at instanceof Date ? at : new Date(at);
    if (Number.isNaN(date.getTime())) throw new Error(`completedAt is not a valid date: ${showValue(at)}`);
    const s = this.summary();
    return {
      planName,
      completedAt: date.toISOString(),
      totals: s.totals,
      cacheHitRate: s.cacheHitRate,
      tasks: s.tasks,
      sections: s.sections,
    };
  }

  /**
   * Writes {@link report} to `file` (`usage-report.json` beside the plan YAML) atomically,
   * as 2-space JSON with a trailing newline, and returns it. Throws an Error naming the file when it
   * cannot be written (the old file, if any, is then unchanged).
   */
  writeReport(file: string, options: WriteReportOptions = {}): PlanUsageReport {
    const report = this.report(options);
    writeJsonFileAtomic(file, report, 2);
    return report;
  }
}

function taskEntry(taskId: string, section: string | null, s: Sum): TaskUsageEntry {
  return {
    taskId,
    section,
    runs: s.runs,
    ...taskTokenFields(s.tokens),
    totalTokens: totalTokens(s.tokens),
    costUsd: s.runsWithoutCost === 0 ? s.costUsd : null,
    numTurns: s.numTurns,
    durationApiMs: s.durationApiMs,
    cacheHitRate: cacheHitRate(s.tokens.cacheRead, s.tokens.input),
  };
}
