/**
 * Usage and cost of a headless Claude Code run (`claude -p --output-format json|stream-json`).
 * @module
 */
export { parseClaudeOutput } from './parse-output.js';
export { ClaudeStreamParser, type ClaudeStreamParserOptions } from './stream-parser.js';
export type {
  ClaudeApiRetry,
  ClaudeModelUsage,
  ClaudeOutputStats,
  ClaudeRateLimitStatus,
  ClaudeRateLimits,
  ClaudeResultSummary,
  ClaudeRunResult,
  ClaudeTokenCounts,
  ClaudeUsageAfterResult,
  ClaudeUsageSource,
} from './types.js';
