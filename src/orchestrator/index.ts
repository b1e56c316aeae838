/**
 * Library helpers for orchestrators that run `claude -p` tasks: per-model token usage in
 * task and sequence state files, the usage footer and header of log files, and a plan-level usage
 * tracker that writes `usage-report.json`. Pure functions
 * and atomic file writes; no prompt or answer text is ever stored.
 * @module
 */

export { cacheHitRate } from '../util/token-counts.js';
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
