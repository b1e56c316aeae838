/**
 * The valibot schema of a seed 000 §4.1 telemetry request, and the wording of its issues. Every
 * field except `mode` is nullish here: whether a missing field is tolerated (§8.2) or fatal is
 * decided afterwards in `telemetry-request.ts`, which knows the mode. Messages name the value
 * (`-5 is negative`), except for `user_request_summary`, which is user content and is never
 * echoed into errors (they end up in the error log, §6.4).
 * @module
 */
import * as v from 'valibot';

/** The modes of seed 000 §4.2, in its order. */
export const TELEMETRY_MODES = ['log_only', 'log_and_summarize', 'review_period'] as const;

/** Token counts above this are rejected as absurd (a trillion tokens per agent per task). */
export const MAX_TOKENS = 1e12;
/** Costs above this many US dollars are rejected as absurd. */
export const MAX_COST_USD = 1e9;
/** `days` above this (ten years) is rejected as absurd. */
export const MAX_DAYS = 3650;

/** A short, single-line rendering of a bad value for an error message. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The JSON type of a value, for messages that must not echo it. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

type Message = (issue: v.BaseIssue<unknown>) => string;
const says =
  (text: string): Message =>
  (issue) =>
    `${showValue(issue.input)} ${text}`;

/** A plain (non-array) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const record = (what: string) =>
  v.custom<Record<string, unknown>>(isRecord, (issue) => `expected ${what}, got ${typeName(issue.input)}`);

const text = v.nullish(v.string(says('is not a string')));

const count = v.nullish(
  v.pipe(
    v.number(says('is not a number')),
    v.finite(says('is not finite')),
    v.minValue(0, says('is negative')),
    v.integer(says('is not a whole number of tokens')),
    v.maxValue(MAX_TOKENS, says(`is absurd (more than ${MAX_TOKENS} tokens)`)),
  ),
);

const cost = v.nullish(
  v.pipe(
    v.number(says('is not a number')),
    v.finite(says('is not finite')),
    v.minValue(0, says('is negative')),
    v.maxValue(MAX_COST_USD, says(`is absurd (more than ${MAX_COST_USD} USD)`)),
  ),
);

const EntrySchema = v.pipe(
  record('an entry object {agent, model, input_tokens, output_tokens, total_tokens, estimated_cost}'),
  v.object({
    agent: text,
    model: text,
    input_tokens: count,
    output_tokens: count,
    total_tokens: count,
    estimated_cost: cost,
  }),
);

/** The keys an entry may have; others are ignored with a warning. */
export const ENTRY_KEYS: ReadonlySet<string> = new Set(Object.keys(EntrySchema.pipe[1].entries));

/** The schema of a whole request (seed 000 §4.1). */
export const TelemetrySchema = v.pipe(
  record('a JSON object'),
  v.object(
    {
      mode: v.picklist(
        TELEMETRY_MODES,
        (issue) => `${showValue(issue.input)} is not a mode; expected one of ${TELEMETRY_MODES.join(', ')}`,
      ),
      task_id: text,
      timestamp: v.nullish(v.string(says('is not a string'))),
      user_request_summary: v.nullish(
        v.string(
          (issue) => `expected a string, got ${typeName(issue.input)} (value not shown: user content)`,
        ),
      ),
      entries: v.nullish(v.array(EntrySchema, says('is not an array of entries'))),
      days: v.nullish(
        v.pipe(
          v.number(says('is not a number')),
          v.finite(says('is not finite')),
          v.integer(says('is not a whole number of days')),
          v.minValue(1, says('is not a positive number of days')),
          v.maxValue(MAX_DAYS, says(`is absurd (more than ${MAX_DAYS} days)`)),
        ),
      ),
    },
    // Only reached for a missing required key, and `mode` is the only one.
    `is missing; expected one of ${TELEMETRY_MODES.join(', ')}`,
  ),
);

/** The keys a request may have; others are ignored with a warning. */
export const REQUEST_KEYS: ReadonlySet<string> = new Set(Object.keys(TelemetrySchema.pipe[1].entries));

/** The schema's output: every field but `mode` may still be null or undefined. */
export type RawTelemetry = v.InferOutput<typeof TelemetrySchema>;

/** `entries[2].input_tokens`-style path of an issue; `(top level)` for the request itself. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  let path = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    path += typeof key === 'number' ? `[${key}]` : path === '' ? String(key) : `.${String(key)}`;
  }
  return path === '' ? '(top level)' : path;
}

/** Validates `raw`; the issues come back as `path: message` lines. */
export function validateTelemetry(
  raw: unknown,
): { ok: true; value: RawTelemetry } | { ok: false; errors: string[] } {
  const result = v.safeParse(TelemetrySchema, raw, { abortPipeEarly: true });
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, errors: result.issues.map((issue) => `${issuePath(issue)}: ${issue.message}`) };
}
