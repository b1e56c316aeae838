/**
 * The validated boundary of seed 000's telemetry contract: a §4.1 request, read from JSON text or
 * from an already-parsed value. Pure: nothing is written, nothing is read from disk or the clock.
 *
 * Bad input and incomplete input are told apart, following seed 000:
 * - §6.4 lists "Tracking failures (missing telemetry, malformed data)", and §8.1 answers a tracking
 *   failure with an error status. So **malformed** data (a wrong type, a negative, fractional,
 *   absurd or non-finite number, `total_tokens` ≠ `input_tokens + output_tokens`, an unknown
 *   `mode`, an unreadable `timestamp`, JSON that does not parse, an oversized payload) and
 *   **missing telemetry** (no `mode`; in the logging modes no `entries`, an empty `entries`, or an
 *   entry with none of its four numbers) are fatal: `{ok: false, errors}`, and nothing is recorded.
 * - §8.2 "If telemetry is incomplete: Log what is available; Mark missing fields as `null` or
 *   `"unavailable"`; Note in error log for later reconciliation". So in the logging modes a missing
 *   (absent, `null`, or blank-string) `task_id`, `user_request_summary`, `agent` or `model` becomes
 *   `"unavailable"`, and a missing `timestamp`, token count or `estimated_cost` becomes `null`; each
 *   gives a warning and its path in {@link TelemetryRequest.missing}, which the caller notes in the
 *   error log.
 *
 * Unknown keys are ignored with a warning (the seed's `"agent": … | ...` shows the format grows).
 * @module
 */
import { Buffer } from 'node:buffer';
import { locateJsonError } from '../../util/json-error.js';
import { parseIsoTimestamp } from './iso-timestamp.js';
import {
  ENTRY_KEYS,
  isRecord,
  type RawTelemetry,
  REQUEST_KEYS,
  showValue,
  type TELEMETRY_MODES,
  validateTelemetry,
} from './telemetry-schema.js';

/** A §4.2 mode: `log_only`, `log_and_summarize` or `review_period`. */
export type TelemetryMode = (typeof TELEMETRY_MODES)[number];

/** The marker the usage-tracker telemetry format puts in a missing text field. */
export const UNAVAILABLE = 'unavailable';
/** `days` of a `review_period` request that has none (the value in the telemetry format's own example). */
export const DEFAULT_REVIEW_DAYS = 7;
/** Default {@link ParseTelemetryTextOptions.maxBytes}: 1 MiB. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** One §4.1 entry: one agent's usage on one model. Missing fields are marked as §8.2 says. */
export interface TelemetryEntry {
  /** The agent, e.g. `"build-lead"`; {@link UNAVAILABLE} when missing. */
  agent: string;
  /** The model, e.g. `"opus"`; {@link UNAVAILABLE} when missing. */
  model: string;
  /** Whole tokens, 0…1e12; null when missing. */
  input_tokens: number | null;
  /** Whole tokens, 0…1e12; null when missing. */
  output_tokens: number | null;
  /** Whole tokens, 0…1e12, equal to input + output when all three are given; null when missing. */
  total_tokens: number | null;
  /** US dollars, finite and ≥ 0; null when missing. */
  estimated_cost: number | null;
}

/** A valid §4.1 request. Keys keep the seed's snake_case so §6.1 records can be written from it. */
export interface TelemetryRequest {
  mode: TelemetryMode;
  /** The task id as sent (it may hold any characters: see `taskFileStem` for file names); {@link UNAVAILABLE} when missing. */
  task_id: string;
  /** The ISO 8601 text as sent; null when missing. */
  timestamp: string | null;
  /** {@link timestamp} in epoch ms (offset-less text is read as UTC); null when missing. */
  timestampMs: number | null;
  /**
   * USER CONTENT: the user's request, as sent. Carry it only into the per-task record (§6.1) where
   * the seed puts it; never into error logs, warnings, summaries or metrics. {@link UNAVAILABLE}
   * when missing.
   */
  user_request_summary: string;
  /** The entries to record; always empty for `review_period`, which records nothing (§4.2). */
  entries: TelemetryEntry[];
  /** Days to review (1…3650) for `review_period`, {@link DEFAULT_REVIEW_DAYS} when not given; null for the logging modes. */
  days: number | null;
  /** Paths of the fields §8.2 marks as missing (e.g. `entries[0].model`), for the error log. */
  missing: string[];
}

/** The result of reading a request: the request and non-fatal warnings, or the errors. */
export type TelemetryParseResult =
  | { ok: true; request: TelemetryRequest; warnings: string[] }
  | { ok: false; errors: string[] };

/** Options of {@link parseTelemetryText}. */
export interface ParseTelemetryTextOptions {
  /** Largest accepted payload in UTF-8 bytes, checked before parsing; default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
}

const MAX_LISTED_KEYS = 10;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1e12;
}

/** `total_tokens` must equal `input_tokens + output_tokens` when all three are valid counts. */
function totalErrors(raw: unknown): string[] {
  if (!isRecord(raw) || !Array.isArray(raw.entries)) return [];
  const errors: string[] = [];
  raw.entries.forEach((entry: unknown, i) => {
    if (!isRecord(entry)) return;
    const { input_tokens: input, output_tokens: output, total_tokens: total } = entry;
    if (isCount(input) && isCount(output) && isCount(total) && input + output !== total) {
      errors.push(
        `entries[${i}].total_tokens: ${total} does not equal input_tokens + output_tokens (${input} + ${output} = ${input + output})`,
      );
    }
  });
  return errors;
}

function unknownKeyWarnings(
  raw: Record<string, unknown>,
  known: ReadonlySet<string>,
  prefix: string,
): string[] {
  const extra = Object.keys(raw).filter((key) => !known.has(key));
  if (extra.length === 0) return [];
  const listed = extra.slice(0, MAX_LISTED_KEYS).map(showValue).join(', ');
  const more = extra.length > MAX_LISTED_KEYS ? ` and ${extra.length - MAX_LISTED_KEYS} more` : '';
  const noun = extra.length === 1 ? 'unknown key' : 'unknown keys';
  return [`${prefix}: ${noun} ${listed}${more} ignored`];
}

function isBlank(value: string | null | undefined): value is null | undefined {
  return value === null || value === undefined || value.trim() === '';
}

/** Fills §8.2 markers in; records each as missing when `note` is set. */
class MissingMarker {
  readonly missing: string[] = [];
  readonly warnings: string[] = [];
  constructor(private readonly note: boolean) {}

  text(value: string | null | undefined, path: string): string {
    if (!isBlank(value)) return value;
    this.mark(path, `"${UNAVAILABLE}"`);
    return UNAVAILABLE;
  }

  value<T>(value: T | null | undefined, path: string): T | null {
    if (value !== null && value !== undefined) return value;
    this.mark(path, 'null');
    return null;
  }

  private mark(path: string, as: string): void {
    if (!this.note) return;
    this.missing.push(path);
    this.warnings.push(`${path}: missing, recorded as ${as}`);
  }
}

function readEntries(value: RawTelemetry, marker: MissingMarker, errors: string[]): TelemetryEntry[] {
  if (value.entries === null || value.entries === undefined) {
    errors.push('entries: missing; there is no telemetry to record');
    return [];
  }
  if (value.entries.length === 0) errors.push('entries: empty; there is no telemetry to record');
  return value.entries.map((e, i) => {
    const at = `entries[${i}]`;
    const numbers = [e.input_tokens, e.output_tokens, e.total_tokens, e.estimated_cost];
    if (numbers.every((n) => n === null || n === undefined)) {
      errors.push(`${at}: has no token counts and no estimated_cost; there is no telemetry to record`);
    }
    return {
      agent: marker.text(e.agent, `${at}.agent`),
      model: marker.text(e.model, `${at}.model`),
      input_tokens: marker.value(e.input_tokens, `${at}.input_tokens`),
      output_tokens: marker.value(e.output_tokens, `${at}.output_tokens`),
      total_tokens: marker.value(e.total_tokens, `${at}.total_tokens`),
      estimated_cost: marker.value(e.estimated_cost, `${at}.estimated_cost`),
    };
  });
}

/**
 * Validates a seed 000 §4.1 telemetry request that is already parsed (see the module comment for
 * what is fatal and what is marked missing). All problems are reported, each as
 * `path: problem`, e.g. `entries[2].input_tokens: -5 is negative`.
 *
 * `days`: a positive whole number ≤ 3650, validated whenever present. `review_period` without it
 * reviews {@link DEFAULT_REVIEW_DAYS} days, with a warning; the logging modes ignore it, with a
 * warning, and return `days: null`. `review_period` records nothing, so its `entries` are validated
 * and then dropped with a warning, and its missing `task_id`, `timestamp` and summary are marked
 * without warnings. A `timestamp` without offset is read as UTC, with a warning.
 * @param raw - the request, e.g. from `JSON.parse`
 */
export function parseTelemetryRequest(raw: unknown): TelemetryParseResult {
  const checked = validateTelemetry(raw);
  const sums = totalErrors(raw);
  if (!checked.ok) return { ok: false, errors: [...checked.errors, ...sums] };
  const value = checked.value;
  const errors = [...sums];
  const logging = value.mode !== 'review_period';
  const marker = new MissingMarker(logging);
  const warnings: string[] = [];

  const task_id = marker.text(value.task_id, 'task_id');
  let timestampMs: number | null = null;
  if (!isBlank(value.timestamp)) {
    const parsed = parseIsoTimestamp(value.timestamp);
    if (parsed === null) {
      errors.push(
        `timestamp: ${showValue(value.timestamp)} is not an ISO 8601 date-time such as "2025-11-28T14:30:00Z"`,
      );
    } else {
      timestampMs = parsed.ms;
      if (!parsed.hasOffset)
        warnings.push(`timestamp: ${showValue(value.timestamp)} has no time zone offset; read as UTC`);
    }
  }
  const timestamp = marker.value(isBlank(value.timestamp) ? null : value.timestamp, 'timestamp');
  const user_request_summary = marker.text(value.user_request_summary, 'user_request_summary');

  let entries: TelemetryEntry[] = [];
  let days: number | null = null;
  if (logging) {
    entries = readEntries(value, marker, errors);
    if (value.days !== null && value.days !== undefined) {
      warnings.push(`days: ${value.days} ignored; only review_period uses it`);
    }
  } else {
    days = value.days ?? DEFAULT_REVIEW_DAYS;
    if (value.days === null || value.days === undefined) {
      warnings.push(`days: missing; reviewing the default ${DEFAULT_REVIEW_DAYS} days`);
    }
    const n = value.entries?.length ?? 0;
    if (n > 0)
      warnings.push(`entries: ${n} ${n === 1 ? 'entry' : 'entries'} ignored; review_period records nothing`);
  }
  if (errors.length > 0) return { ok: false, errors };

  if (isRecord(raw)) {
    warnings.push(...unknownKeyWarnings(raw, REQUEST_KEYS, '(top level)'));
    const rawEntries: unknown = raw.entries;
    if (Array.isArray(rawEntries)) {
      rawEntries.forEach((e: unknown, i) => {
        if (isRecord(e)) warnings.push(...unknownKeyWarnings(e, ENTRY_KEYS, `entries[${i}]`));
      });
    }
  }
  return {
    ok: true,
    request: {
      mode: value.mode,
      task_id,
      timestamp,
      timestampMs,
      user_request_summary,
      entries,
      days,
      missing: marker.missing,
    },
    warnings: [...marker.warnings, ...warnings],
  };
}

/**
 * Reads a request from JSON text (a file or stdin): checks the size in UTF-8 bytes before parsing,
 * skips a leading byte-order mark, reports invalid JSON with its line, column and offset, then
 * validates with {@link parseTelemetryRequest}.
 * @param text - the whole payload
 */
export function parseTelemetryText(text: string, opts: ParseTelemetryTextOptions = {}): TelemetryParseResult {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  // A string's UTF-8 length is at least its UTF-16 length, so the cheap test can answer first.
  const cheap = text.length > maxBytes;
  const bytes = cheap ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    const size = cheap ? `at least ${bytes}` : String(bytes);
    return { ok: false, errors: [`(payload): ${size} bytes, over the limit of ${maxBytes} bytes`] };
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return { ok: false, errors: ['(payload): empty; expected a JSON object'] };
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    const at = locateJsonError(body);
    const detail =
      at === null
        ? String(error instanceof Error ? error.message : error)
        : `${at.problem} at line ${at.line}, column ${at.column} (offset ${at.offset})`;
    return { ok: false, errors: [`(payload): invalid JSON: ${detail}`] };
  }
  return parseTelemetryRequest(raw);
}
