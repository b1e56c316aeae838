/**
 * Usage and its rollups: writing imported API calls (merged by their dedup key, taking the maximum
 * of each field) and reading them back summed by time, dimension and pricing key.
 * @module
 */
import type { FileImport } from '../capture/types.js';
import type { StageMap } from './task-repository.js';
import type { PricingKey, UsageSums } from './usage-sums.js';

/** Where a batch of imported records came from, stamped on every record it writes. */
export interface ImportOrigin {
  machine: string;
  user: string;
}

/** One row of the 15-minute rollup. */
export interface BucketRow extends PricingKey, UsageSums {
  bucket: number;
}

/** A span of time with one UTC offset; `day` numbers count local days since 1970-01-01. */
export interface OffsetSpan {
  fromMs: number;
  toMs: number;
  /** Local time minus UTC, in ms (a multiple of 15 minutes). */
  offsetMs: number;
}

/** Rollup sums for one local day and pricing key. */
export interface DayRow extends PricingKey, UsageSums {
  day: number;
}

export type GroupDimension =
  | 'session'
  | 'project'
  | 'branch'
  | 'agent'
  | 'agentId'
  | 'machine'
  | 'user'
  | 'model'
  | 'task'
  | 'stage'
  /**
   * What drove a call: the tools, skills, MCP servers and files of the tool uses whose results its
   * input carries (see `call-activity-sql.ts`). A call driven by several values is in each one's row.
   */
  | 'tool'
  | 'skill'
  | 'mcpServer'
  | 'file'
  /** A label's value, e.g. `label:category`. */
  | `label:${string}`;

export interface UsageFilter {
  /** Inclusive, epoch ms. */
  fromMs?: number;
  /** Exclusive, epoch ms. */
  toMs?: number;
  session?: string;
  project?: string;
  /**
   * Only rows whose project (the working directory the usage was captured in, or the project a
   * declaration was made in) is this directory or inside it.
   */
  projectDir?: string;
  /** Only rows attributed to one of these tasks. */
  tasks?: readonly string[];
}

export interface GroupQuery {
  dimensions: readonly GroupDimension[];
  filter: UsageFilter;
  /**
   * How finely rows are split by time: `bucket` (15 minutes, the default: reports group by local day
   * in any zone) or `day` (UTC days: enough for dated prices, and far fewer rows for a total).
   */
  grain?: 'bucket' | 'day';
  /**
   * With the `day` grain: instants (epoch ms) that cut time into spans, such as the instants dated
   * prices change. Then each span's days are summed into one row (a day belongs to the span of the
   * last cut at or before its start), whose bucket is the start of its first day: far fewer rows
   * than one per day, and each still lies where prices are constant.
   */
  cuts?: readonly number[];
  /** For the `stage` dimension of rows the attribute step has not given a stage. */
  stageMap?: StageMap;
  /**
   * Link each call to what drove it with the window over every usage row at read time (the rule's
   * definition), instead of the links and rollup the ledger keeps. The same rows, slower: tests
   * compare the two.
   */
  linkAtRead?: boolean;
  /**
   * Group the usage rows themselves at read time, never the session rollup the ledger keeps for
   * reports at the `day` grain. The same rows, slower: tests compare the two.
   */
  groupAtRead?: boolean;
  /**
   * With no dimensions: the total of a report by an activity dimension, read from the activity
   * rollup when the filter is dates only (the same rows; that rollup is brought up to date by the
   * activity reads only, so imports, hooks and the other reports never pay for it).
   */
  activityTotal?: boolean;
}

/** An inclusive span of time, epoch ms. */
export interface TimeSpan {
  fromMs: number;
  toMs: number;
}

/** An instant with usage rows, and how many API responses it holds (see {@link UsageRepository.responseTimesBefore}). */
export interface TimeCount {
  ts: number;
  responses: number;
}

/** One group: its dimension values, pricing key, 15-minute bucket and sums. */
export interface GroupRow extends PricingKey, UsageSums {
  bucket: number;
  values: Partial<Record<GroupDimension, string>>;
  firstTs: number;
  lastTs: number;
}

/** One file's import, ready to be written atomically with its cursor. */
export type FileWrite = FileImport;

/**
 * What a write of imported usage did. Every record read is an API call new to the ledger, merged into
 * one it holds (the same call in another file or line: forks, relayed subagent progress, a response
 * split over lines, an earlier import), or skipped because the user forgot that call.
 */
export interface WriteCounts {
  /** API calls new to the ledger. */
  added: number;
  /** Records skipped: their API call was forgotten (`tokenledger forget`). */
  forgotten: number;
}

/**
 * A large import under way (see {@link UsageRepository.startBulkImport}). {@link finish} must be
 * called when it ends, also after a failure.
 */
export interface BulkImport {
  /** Puts the ledger back in shape for everyday use (what that takes depends on the backend). */
  finish(): Promise<void>;
}

export interface UsageRepository extends RequestSeriesRepository, UsageTotalsRepository {
  /**
   * Writes files' records, totals, agent facts, problems and cursors in one transaction, and marks
   * the affected time buckets for a rollup refresh. Safe to call from many processes at once:
   * the merge is idempotent and commutative, so the result is the same in any order.
   */
  writeFiles(files: readonly FileWrite[], origin: ImportOrigin): Promise<WriteCounts>;
  /**
   * Before a large import (of many files, possibly from other connections or processes): the store
   * may prepare for it, e.g. stop maintaining some secondary indexes row by row on a ledger with no
   * usage yet and build them once at the end. The import calls the result's `finish()` when it ends,
   * also after a failure; a store that was cut off before it could still works (and repairs itself
   * when it opens).
   */
  startBulkImport(): Promise<BulkImport>;
  /** Refreshes the rollup for buckets written since the last refresh (reads of the rollup do it too). */
  refreshRollup(): Promise<void>;
  /** Rollup rows in [fromMs, toMs). */
  buckets(fromMs: number | null, toMs: number | null): Promise<BucketRow[]>;
  /** Rollup sums grouped by local day, computed in the database, span by span. */
  days(spans: readonly OffsetSpan[]): Promise<DayRow[]>;
  /** First and last instant the rollup covers, or null when it is empty. */
  rollupRange(): Promise<{ fromMs: number; toMs: number } | null>;
  groups(query: GroupQuery): Promise<GroupRow[]>;
  /**
   * The usage of each of `tasks` (its own rows, not its subtree) by task and UTC day: the rows
   * `groups({dimensions: ['task'], grain: 'day', filter: {tasks}})` gives, from a per-task rollup.
   */
  taskDayGroups(tasks: readonly string[]): Promise<GroupRow[]>;
  /**
   * The time of every API response, oldest first: what billing blocks are drawn from. Rows derived
   * from declared telemetry are left out (they carry a task's total, not a response's time).
   */
  responseTimes(): Promise<number[]>;
  /**
   * The usage of the API responses in each span (bounds included; spans do not overlap), as rollup
   * rows: per 15-minute bucket and pricing key. Declared-telemetry rows are left out.
   */
  usageInSpans(spans: readonly TimeSpan[]): Promise<BucketRow[][]>;
  /**
   * The times of responses read backwards, a chunk at a time: up to `limit` distinct instants with
   * usage rows before `beforeMs` (any when null), newest first, each with its number of responses.
   * Rows derived from declared telemetry are not counted (an instant with only those has 0). Fewer
   * than `limit` instants: there are no more.
   */
  responseTimesBefore(beforeMs: number | null, limit: number): Promise<TimeCount[]>;
}

/**
 * One API call of a request series (see {@link RequestSeriesRepository.requestSeries}): what a leak
 * detector needs and what prices it, its usage numbers and identifiers only.
 */
export interface RequestPoint {
  sessionId: string;
  /** The subagent's id; '' for the main thread. Each thread has its own context. */
  agentId: string;
  dedupKey: string;
  ts: number;
  model: string;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  /** What its price also depends on: 1-hour cache writes (part of `cacheWrite`), web searches, speed and geo. */
  cacheWrite1h: number;
  webSearch: number;
  /** `fast` or ''. */
  speed: string;
  /** `inference_geo` or ''. */
  geo: string;
  /** The cost its source reported (USD), or null. */
  reportedCost: number | null;
}

export interface RequestSeriesRepository {
  /**
   * The API calls of the given sessions in [fromMs, toMs) (either bound may be absent), ordered by
   * session, thread (agent id, '' first), time and dedup key. Rows derived from declared telemetry
   * are left out (they are a task's total, not a request). Meant for a few candidate sessions chosen
   * from grouped usage, not for the whole ledger.
   */
  requestSeries(
    sessionIds: readonly string[],
    span?: { fromMs?: number; toMs?: number },
  ): Promise<RequestPoint[]>;
}

/** Usage of one (task, session, stage, model): summed API calls, without pricing keys or time grain. */
export interface UsageTotalRow {
  /** '' when no task. */
  task: string;
  session: string;
  /** '' when no stage (see the `stage` dimension of {@link GroupQuery}). */
  stage: string;
  model: string;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  /** API calls. */
  responses: number;
  firstTs: number;
  lastTs: number;
}

export interface UsageTotalsRepository {
  /**
   * Usage summed per task, session, stage and model, in one pass over the filtered rows (the stage as
   * `groups` gives it, through `stageMap` for subagents the attribute step gave none). Leaner than
   * `groups` with those dimensions: no pricing keys, no time grain, so far fewer groups.
   */
  usageTotals(filter: UsageFilter, stageMap?: StageMap): Promise<UsageTotalRow[]>;
}
