/**
 * What the config file may hold, as types (src/config/config-schema.ts validates a file against them).
 * @module
 */

/** USD per million tokens; the cache rates default to 1.25×, 2× and 0.1× the input rate. */
export interface OverrideRates {
  input: number;
  output: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  cacheRead?: number;
}

export interface RateOverride extends OverrideRates {
  /** The rates of fast-mode requests (`usage.speed` "fast"); without them such requests are unpriced. */
  fast?: OverrideRates;
}

export interface Config {
  claudeDirs?: string[];
  machine?: string;
  user?: string;
  timezone?: string;
  pricing?: { overrides?: Record<string, RateOverride> };
  /** Agent type → workflow stage, e.g. {"analyst": "analysis", "code-reviewer": "review"}. Unlisted types are their own stage. */
  stages?: Record<string, string>;
  /** A regular expression finding a task id in a subagent's prompt, e.g. "TASK-\\d+" (a capture group, if any, is the id). */
  taskPattern?: string;
  /** Warn when a task's actual usage passes this multiple of its estimate (default 4). */
  overrunMultiple?: number;
  /** The append-only metrics JSONL (default <data dir>/metrics.jsonl). */
  metricsFile?: string;
  /** Root of the `.token-usage/` tree of usage-tracker telemetry; relative to the project (default `.token-usage`). */
  tokenUsageRoot?: string;
  /** `tokenledger hook`: its time cap, per-file read budget, and whether it may show overrun and budget warnings. */
  hook?: HookConfig;
  /**
   * Where a task's Markdown file is, relative to the project: a path template with `{id}`
   * (`.claude/plans/tasks/{id}.md`), or a folder searched for the file that names the id. When a
   * task ends its actuals section is written there.
   */
  taskFiles?: string;
  /** One JSON line per stage per task when a stage ends (default `.claude/workflow-metrics.jsonl` in the project); `false` turns it off. */
  workflowMetricsFile?: string | false;
  /** beads (`.beads/` in the project): `false` turns off its task ids, titles and comments (default on). */
  beads?: boolean;
  /** A command run when a task ends, e.g. `gh issue comment {id} --body-file {summaryFile}`. */
  onTaskEnd?: string | OnTaskEndConfig;
}

export interface OnTaskEndConfig {
  /** The program and its arguments (or one string, split into words as a shell would quote them). */
  command: string | string[];
  /** Run the command with `/bin/sh -c` (placeholders become quoted variables); default false. */
  shell?: boolean;
  /** Its time cap in ms (default 10000). */
  timeoutMs?: number;
}

export interface HookConfig {
  /** Hard cap on one hook call, in ms (default 10000); what is left is done by the next call. */
  timeoutMs?: number;
  /** Read at most this many MiB of a transcript per call (default 64). */
  maxMegabytesPerFile?: number;
  /** Show an overrun warning in Claude Code (a hook `systemMessage`) when a task passes its multiple, and budget warnings (default true). */
  warnings?: boolean;
}
