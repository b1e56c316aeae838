/**
 * Library helpers for orchestrators that run `claude -p` tasks (issue 4): per-model token usage in
 * task and sequence state files (seed 002), the usage footer and header of log files (seeds 002 and
 * 003), and a plan-level usage tracker that writes `usage-report.json` (seed 003). Pure functions
 * and atomic file writes; no prompt or answer text is ever stored.
 * @module
 */
export {
  DEFAULT_SERVICE_TIER,
  FOOTER_RULE,
  formatLogFooter,
  formatLogHeaderUsage,
  formatTokenFooter,
  type LogFooterInput,
  type LogHeaderOptions,
  type TokenFooterOptions,
} from './log-footer.js';
export { cacheHitRate } from './numbers.js';
export {
  type PlanUsageReport,
  type PlanUsageSummary,
  PlanUsageTracker,
  type RecordOptions,
  type SectionUsage,
  type TaskUsageEntry,
  type UsageTotals,
  type WriteReportOptions,
} from './plan-tracker.js';
export {
  addModelUsage,
  checkModelUsage,
  type ModelTokenUsage,
  mergeSequenceTokenUsage,
  mergeTaskTokenUsage,
  TOKEN_USAGE_FIELDS,
  type TokenUsage,
  usageFromRun,
  zeroTokenUsage,
} from './state-files.js';
export { isClaudeRunResult, type TaskUsage, taskUsageFromRun, toTaskUsage } from './task-usage.js';
