/**
 * Renderers of the usage tracker's `.token-usage/` tree: per-task JSON logs, daily
 * summaries, error logs and periodic reviews, each turned from an in-memory model into the exact
 * bytes of its file, plus the files' relative paths and an atomic writer. The renderers are pure and
 * deterministic: no clock, no ledger, no disk, and the same input in any order gives the same bytes.
 * No prompt text is written, only a task's `user_request_summary`, in its task file.
 * @module
 */
export { agentModelRows, renderDailySummary, TOP_TASKS } from './daily-summary.js';
export { compareErrorEntries, renderErrorLog } from './error-log.js';
export { formatCost, formatCostSum, partialNote } from './format.js';
export type {
  AgentModelMix,
  AgentShare,
  CostLine,
  DayUsage,
  ErrorEntry,
  ErrorKind,
  EstimateOverrun,
  ExpensiveTask,
  ModelShare,
  Recommendation,
  RecommendationType,
  ReviewModel,
  TaskUsageRecord,
  UnpricedUsage,
  UsageEntry,
  UsageSource,
} from './model.js';
export { countedTotal } from './model.js';
export {
  checkTaskFileStem,
  dailySummaryPath,
  errorLogPath,
  REPORTS_DIR,
  reviewPath,
  SAFE_STEM,
  TASKS_DIR,
  taskFileMinute,
  taskFilePath,
} from './paths.js';
export { DEFAULT_TARGET, renderReview } from './review.js';
export { renderTaskFile, type TaskTotals, taskTotals } from './task-file.js';
export { writeTokenUsageFile } from './write.js';
