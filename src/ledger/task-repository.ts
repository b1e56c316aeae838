/**
 * Tasks, attribution spans and the attribute step that gives usage its task, stage and labels, plus
 * small persistent values (`meta`).
 * @module
 */

/** Agent type → workflow stage. Types not listed are their own stage; the main thread has none. */
export type StageMap = Readonly<Record<string, string>>;

/**
 * `open`: known to the ledger (named by `run --task`, a hook, a `--parent`, `task estimate --create`)
 * but never started; `active`: started with `task start` and not stopped (its project span is open,
 * see `isActiveSpan` in task-actions); `paused`: another task was started in its project (`task
 * start` resumes it); `done`: stopped.
 */
export type TaskStatus = 'open' | 'active' | 'paused' | 'done';

/** A task: a work item, or a plan or section whose children roll up into it. */
export interface TaskRow {
  id: string;
  title: string | null;
  parentId: string | null;
  status: TaskStatus;
  estimateTokens: number | null;
  estimateUsd: number | null;
  labels: Record<string, string>;
  stage: string | null;
  project: string | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

/** Fields to set on a task; absent fields keep their value. */
export interface TaskUpdate {
  id: string;
  title?: string | null;
  parentId?: string | null;
  estimateTokens?: number | null;
  estimateUsd?: number | null;
  /** Merged into the task's labels. */
  labels?: Record<string, string>;
  stage?: string | null;
  project?: string | null;
  status?: TaskStatus;
  startedAt?: number;
  endedAt?: number | null;
}

export type SpanScope = 'agent' | 'session' | 'project';

/**
 * An attribution span: usage in its scope and time range belongs to its task, stage and labels.
 * The most specific scope wins (agent, then session, then project; the deepest project dir first),
 * then the latest declaration.
 */
export interface SpanInput {
  scope: SpanScope;
  sessionId?: string | null;
  agentId?: string | null;
  /** A directory: the span covers usage whose working directory is it or below it. */
  project?: string | null;
  fromTs: number;
  toTs?: number | null;
  taskId?: string | null;
  stage?: string | null;
  labels?: Record<string, string> | null;
  /** Who declared it: `task`, `hook`, `run`, … */
  source: string;
}

export interface SpanRow extends SpanInput {
  id: number;
  createdAt: number;
}

/** Which open spans {@link TaskRepository.closeSpans} ends. */
export type SpanMatch = Partial<
  Pick<SpanRow, 'scope' | 'sessionId' | 'agentId' | 'project' | 'taskId' | 'source'>
>;

export interface TaskRepository {
  /** Creates or updates a task. */
  saveTask(update: TaskUpdate): Promise<TaskRow>;
  task(id: string): Promise<TaskRow | null>;
  tasks(filter?: { status?: TaskStatus; project?: string }): Promise<TaskRow[]>;
  /** A task's id and all its descendants' ids. */
  taskTree(id: string): Promise<string[]>;
  /** Opens an attribution span and re-attributes the usage it covers. Returns its id. */
  openSpan(span: SpanInput): Promise<number>;
  /** Ends the open spans that match at `atTs`, and re-attributes the usage they covered. Returns how many ended. */
  closeSpans(match: SpanMatch, atTs: number): Promise<number>;
  /** Open session spans of `sessionId`, the latest first. */
  openSessionSpans(sessionId: string): Promise<SpanRow[]>;
  /**
   * Open project spans, most specific first, that cover `project` (the dir or one above it) now;
   * without `project`, every open project span.
   */
  openProjectSpans(project?: string): Promise<SpanRow[]>;
  /** Gives pending rows their task, stage and labels. Returns how many rows were attributed. */
  attributePending(stageMap: StageMap): Promise<number>;
  /** Re-applies every span to every row (e.g. after the stage map changed). */
  reattributeAll(stageMap: StageMap): Promise<number>;
  /** A small persistent value (e.g. which overrun warnings were shown), or null. */
  metaValue(key: string): Promise<string | null>;
  setMetaValue(key: string, value: string): Promise<void>;
  /**
   * Compare-and-set in one atomic step: sets `key` to `next` (null removes it) only if its value now
   * is `expected` (null: absent), and returns whether it did. Of several connections claiming the
   * same change at once, exactly one gets true.
   */
  claimMetaValue(key: string, expected: string | null, next: string | null): Promise<boolean>;
}
