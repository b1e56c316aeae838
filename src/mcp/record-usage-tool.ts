/**
 * MCP tool `record_usage`: the usage-tracker telemetry contract. The arguments are a telemetry
 * request; the answer is the response JSON `recordUsage` gives (`recorded`, `report_generated`, or
 * `error` with a reason), with `isError` for an error.
 *
 * The input schema tells clients the contract's types, but accepts any value: validation is
 * `recordUsage`'s, whose messages name the field and the value (`entries[0].input_tokens: -5 is
 * negative`) and whose rejections are logged in the `.token-usage/` error log. A schema rejection by the SDK
 * would do neither.
 * @module
 */
import { z } from 'zod';
import { recordUsage } from '../app/record-usage.js';
import { errorResponse, type TelemetryResponse } from '../capture/telemetry/index.js';
import {
  MAX_COST_USD,
  MAX_DAYS,
  MAX_TOKENS,
  TELEMETRY_MODES,
} from '../capture/telemetry/telemetry-schema.js';
import type { LedgerCalls } from './ledger-calls.js';

export const RECORD_USAGE_DESCRIPTION =
  "Record a task's token usage as declared by the caller (usage-tracker telemetry, JSON): mode log_only or log_and_summarize records the entries (usage captured from transcripts for the same task wins over declared entries) and updates the .token-usage/ files; review_period analyses the last `days` days and writes a review with recommendations. Returns {status: recorded, task_id, summary?}, {status: report_generated, report_path, recommendations} or {status: error, reason}. Missing values may be null (they are logged as missing).";

/** Any value, described to clients as `schema` (JSON Schema). */
function advertised(schema: Record<string, unknown>) {
  return z.unknown().optional().meta(schema);
}

/** The telemetry request, loosely: unknown keys pass through to `recordUsage` (which warns about them). */
export const recordUsageInput = z
  .looseObject({
    mode: advertised({
      type: 'string',
      enum: [...TELEMETRY_MODES],
      description:
        'log_only: record, no summary; log_and_summarize: record and return a 1-2 sentence summary; review_period: analyse the last `days` days.',
    }),
    task_id: advertised({
      type: ['string', 'null'],
      description: 'The task id (required to record).',
    }),
    timestamp: advertised({
      type: ['string', 'null'],
      description: 'When the task ran, ISO 8601 (default: now).',
    }),
    user_request_summary: advertised({
      type: ['string', 'null'],
      description: 'A 2-4 line description of what the user asked for.',
    }),
    entries: advertised({
      type: ['array', 'null'],
      description: 'One entry per agent and model.',
      items: {
        type: 'object',
        properties: {
          agent: { type: ['string', 'null'], description: 'e.g. build-lead, ui-impl, api-impl' },
          model: { type: ['string', 'null'], description: 'e.g. opus, sonnet, haiku, or a full model id' },
          input_tokens: { type: ['integer', 'null'], minimum: 0, maximum: MAX_TOKENS },
          output_tokens: { type: ['integer', 'null'], minimum: 0, maximum: MAX_TOKENS },
          total_tokens: { type: ['integer', 'null'], minimum: 0, maximum: MAX_TOKENS },
          estimated_cost: {
            type: ['number', 'null'],
            minimum: 0,
            maximum: MAX_COST_USD,
            description: 'US dollars',
          },
        },
      },
    }),
    days: advertised({
      type: ['integer', 'null'],
      minimum: 1,
      maximum: MAX_DAYS,
      description: 'review_period only: how many days back to review (default 7).',
    }),
  })
  .meta({ required: ['mode'] });

export interface RecordUsageToolResult {
  response: TelemetryResponse;
  warnings: string[];
}

/** Records `args` through {@link recordUsage}, one call at a time with the other tools. */
export async function recordUsageTool(
  calls: LedgerCalls,
  args: Record<string, unknown>,
): Promise<RecordUsageToolResult> {
  const { db, config, root } = calls.options;
  try {
    const result = await calls.serial(() =>
      recordUsage(args, {
        ...(db === undefined ? {} : { ledger: db }),
        ...(config === undefined ? {} : { config }),
        ...(root === undefined ? {} : { root }),
      }),
    );
    return { response: result.response, warnings: result.warnings };
  } catch (error) {
    // recordUsage answers bad input and ledger failures itself; this is e.g. an unreadable config.
    return { response: errorResponse(error instanceof Error ? error.message : String(error)), warnings: [] };
  }
}
