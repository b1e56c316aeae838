/**
 * tokenledger as a library (`import { … } from 'tokenledger'`), for orchestrators that run Claude
 * Code themselves: the stream parser, the run helper (with optional recording in the ledger), the
 * plan tracker, state-file helpers, log footers, and the usage-tracker telemetry contract
 * (`recordUsage`). The same engine as the CLI. Importing it has no side effects: nothing is read,
 * written or started until a function is called, and the ledger (SQLite) is loaded only when a run
 * is recorded. See docs/API.md.
 * @module
 */
export { type RecordUsageOptions, type RecordUsageResult, recordUsage } from './api/record-usage.js';
export { type ClaudeRun, type RecordRunOptions, type RunClaudeOptions, runClaude } from './api/run-claude.js';
export { type CommandRun, type RunCommandOptions, runClaudeCommand } from './capture/claude/run-command.js';
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
} from './capture/claude/stream/index.js';
export type { AttributionContext } from './capture/context/attribution-context.js';
export type { TelemetryResponse } from './capture/telemetry/telemetry-response.js';
export type { RecordedRun } from './ledger/run-actions.js';
export * from './orchestrator/index.js';
