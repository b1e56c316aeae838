/**
 * The library API (`import { … } from 'tokenledger'`), besides the orchestrator helpers: recording
 * usage-tracker telemetry, running Claude Code with optional recording, the stream parser, and the
 * ledger's analyses (anomalies, budgets, review, compare, estimate: what the CLI's `--json` prints).
 * Each function is a use case of src/app, or a capture helper, with the options a library user passes.
 * @module
 */

export type { Anomaly, AnomalyThresholds } from '../analysis/anomalies/anomaly.js';
export type { AnomaliesReport } from '../app/anomalies.js';
export type { BudgetJson } from '../app/budget-actions.js';
export type { BudgetReport, BudgetStatus } from '../app/budget-status.js';
export type { CheckProposalResult } from '../app/check-proposal.js';
export type { CompareResult } from '../app/compare-cohorts.js';
export type { ReviewItem, ReviewResult } from '../app/review-proposals.js';
export type { RecordedRun } from '../app/run-actions.js';
export type { RunSummary, RunTaskStanding, RunUsageSummary } from '../app/run-summary.js';
export type { TaskJson, TaskListJson, TaskShowJson } from '../app/task-reports.js';
export type { EstimateResult } from '../app/usage-estimates.js';
export type { DimensionUsageJson } from '../app/usage-reports.js';
export type { VarianceJson, VarianceTaskJson } from '../app/variance-report.js';
export { type CommandRun, type RunCommandOptions, runClaudeCommand } from '../capture/claude/run-command.js';
export {
  type ClaudeApiRetry,
  type ClaudeModelUsage,
  type ClaudeOutputStats,
  type ClaudeRateLimitStatus,
  type ClaudeRateLimits,
  type ClaudeResultSummary,
  type ClaudeRunResult,
  ClaudeStreamParser,
  type ClaudeStreamParserOptions,
  type ClaudeTokenCounts,
  type ClaudeUsageAfterResult,
  type ClaudeUsageSource,
  parseClaudeOutput,
} from '../capture/claude/stream/index.js';
export type { AttributionContext } from '../capture/context/attribution-context.js';
export type { TelemetryResponse } from '../capture/telemetry/telemetry-response.js';
export {
  type BudgetStatusOptions,
  budgetStatus,
  listBudgets,
  removeBudget,
  type SetBudgetOptions,
  setBudget,
} from './budgets.js';
export { type CheckProposalOptions, checkProposal } from './check-proposal.js';
export type { LedgerOptions } from './ledger-options.js';
export { type RecordUsageOptions, type RecordUsageResult, recordUsage } from './record-usage.js';
export { type ClaudeRun, type RecordRunOptions, type RunClaudeOptions, runClaude } from './run-claude.js';
export { type ListTasksOptions, listTasks, type ShowTaskOptions, showTask } from './tasks.js';
export {
  type CompareCohortsOptions,
  compareCohorts,
  type EstimateUsageOptions,
  estimateUsage,
  type FindAnomaliesOptions,
  findAnomalies,
  type ReviewUsageOptions,
  reviewUsage,
} from './usage-analyses.js';
export { type UsageReportOptions, usageReport } from './usage-report.js';
export { type VarianceReportOptions, varianceReport } from './variance-report.js';
