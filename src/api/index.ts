/**
 * The library API (`import { … } from 'tokenledger'`), besides the orchestrator helpers: recording
 * usage-tracker telemetry, running Claude Code with optional recording, and the stream parser. Each
 * function is a use case of src/app, or a capture helper, with the options a library user passes.
 * @module
 */

export type { RecordedRun } from '../app/run-actions.js';
export type { RunSummary, RunTaskStanding, RunUsageSummary } from '../app/run-summary.js';
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
export { type RecordUsageOptions, type RecordUsageResult, recordUsage } from './record-usage.js';
export { type ClaudeRun, type RecordRunOptions, type RunClaudeOptions, runClaude } from './run-claude.js';
