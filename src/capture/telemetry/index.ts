/**
 * Seed 000's telemetry contract, validated and pure: reading a §4.1 request, building the §5
 * answers, and naming §6.1 per-task files safely. Writing the ledger is left to the callers.
 * @module
 */
export { type JsonErrorLocation, locateJsonError } from '../../util/json-error.js';
export { fileTimestamp, MAX_STEM_LENGTH, taskFileStem, taskUsageFileName } from './task-file-name.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_REVIEW_DAYS,
  type ParseTelemetryTextOptions,
  parseTelemetryRequest,
  parseTelemetryText,
  type TelemetryEntry,
  type TelemetryMode,
  type TelemetryParseResult,
  type TelemetryRequest,
  UNAVAILABLE,
} from './telemetry-request.js';
export {
  type ErrorResponse,
  errorResponse,
  invalidRequestResponse,
  type Recommendation,
  type RecommendationType,
  type RecordedResponse,
  type ReviewResponse,
  recordedResponse,
  responseForRecorded,
  reviewResponse,
  summarizeEntries,
  type TelemetryResponse,
} from './telemetry-response.js';
export { MAX_COST_USD, MAX_DAYS, MAX_TOKENS, TELEMETRY_MODES } from './telemetry-schema.js';
