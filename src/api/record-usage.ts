/**
 * The library's `recordUsage`: the usage-tracker telemetry contract in one call (src/app/record-usage.ts,
 * the same use case as `tokenledger record` and the MCP tool `record_usage`).
 * @module
 */
export { type RecordUsageOptions, type RecordUsageResult, recordUsage } from '../app/record-usage.js';
