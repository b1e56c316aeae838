/**
 * Reading one line of a JSONL ledger export back into a record: valibot schemas built from the field
 * tables of `jsonl-format.ts`, and reasons that name the field and the bad value, so a bad line is
 * reported as `file:line: reason` and skipped. Keys a line has beyond its type's are ignored (a
 * newer tokenledger may add some).
 * @module
 */
import * as v from 'valibot';
import { BUDGET_PERIODS, BUDGET_SCOPES, BUDGET_UNITS } from '../budget-repository.js';
import { DECLARED_USAGE_SOURCE, type LedgerRecord, type LedgerRecordType } from '../ledger-records.js';
import {
  ENTRY_FIELDS,
  FIELD_TABLES,
  type FieldKind,
  TABLE_ENTRIES,
  VERSIONED_TYPES,
} from './jsonl-format.js';

/** A valid line: its record, its version (0 for types without `rev`) and its exact text. */
export interface ParsedLine {
  record: LedgerRecord;
  rev: number;
  text: string;
}

export type LineResult = { ok: true; line: ParsedLine } | { ok: false; reason: string };

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A short rendering of a bad value for a reason. */
function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type Message = (issue: v.BaseIssue<unknown>) => string;
const expected =
  (what: string): Message =>
  (issue) =>
    issue.input === undefined ? 'missing' : `expected ${what}, got ${show(issue.input)}`;

const text = v.string(expected('a string'));
const count = v.pipe(
  v.number(expected('a whole number >= 0')),
  v.safeInteger(expected('a whole number >= 0')),
  v.minValue(0, expected('a whole number >= 0')),
);
const integer = v.pipe(v.number(expected('a whole number')), v.safeInteger(expected('a whole number')));
const finite = v.pipe(v.number(expected('a number')), v.finite(expected('a finite number')));
const time = v.pipe(
  v.string(expected('an ISO 8601 UTC time like 2026-11-22T10:15:30.000Z')),
  v.regex(ISO_UTC, expected('an ISO 8601 UTC time like 2026-11-22T10:15:30.000Z')),
  v.check((s) => {
    const ms = Date.parse(s);
    return Number.isFinite(ms) && new Date(ms).toISOString() === s;
  }, expected('a real date and time')),
  v.transform((s) => Date.parse(s)),
);
const labels = v.record(
  v.string(),
  v.string(expected('a string label value')),
  expected('an object of labels'),
);
const optionalLabels = v.pipe(
  v.nullable(labels),
  v.transform((l) => (l === null || Object.keys(l).length === 0 ? null : l)),
);
const entry = v.pipe(
  v.object(
    {
      agent: text,
      model: text,
      input_tokens: v.nullable(count),
      output_tokens: v.nullable(count),
      total_tokens: v.nullable(count),
      estimated_cost: v.nullable(finite),
    },
    expected('an entry object'),
  ),
  v.transform((e) => {
    const raw = e as Record<string, unknown>;
    return Object.fromEntries(ENTRY_FIELDS.map(([to, from]) => [to, raw[from] ?? null]));
  }),
);

const SCHEMAS: Record<FieldKind, v.GenericSchema<unknown, unknown>> = {
  text,
  'text?': v.nullable(text),
  count,
  'count?': v.nullable(count),
  'int?': v.nullable(integer),
  'number?': v.nullable(finite),
  bool: v.boolean(expected('true or false')),
  time,
  'time?': v.nullable(time),
  labels,
  'labels?': optionalLabels,
  'object?': v.nullable(v.record(v.string(), v.unknown(), expected('an object'))),
  texts: v.array(text, expected('an array of strings')),
  entries: v.array(entry, expected('an array of entries')),
  scope: v.picklist(['agent', 'session', 'project'], expected('agent, session or project')),
  status: v.picklist(['open', 'active', 'paused', 'done'], expected('open, active, paused or done')),
  errorKind: v.picklist(['tracking_failure', 'anomaly'], expected('tracking_failure or anomaly')),
  'fileOp?': v.nullable(v.picklist(['read', 'edit', 'search'], expected('read, edit or search'))),
  unit: v.picklist(BUDGET_UNITS, expected(BUDGET_UNITS.join(' or '))),
  budgetPeriod: v.picklist(BUDGET_PERIODS, expected(BUDGET_PERIODS.join(', '))),
  budgetScope: v.picklist(BUDGET_SCOPES, expected(BUDGET_SCOPES.join(', '))),
  positive: v.pipe(
    v.number(expected('a number > 0')),
    v.finite(expected('a number > 0')),
    v.gtValue(0, expected('a number > 0')),
  ),
};

const rev = v.pipe(
  v.number(expected('a version number >= 0')),
  v.safeInteger(expected('a version number >= 0')),
  v.minValue(0, expected('a version number >= 0')),
);

function lineSchema(type: LedgerRecordType): v.GenericSchema<unknown, Record<string, unknown>> {
  const entries: Record<string, v.GenericSchema<unknown, unknown>> = {};
  for (const [json, kind] of Object.values(FIELD_TABLES[type])) entries[json] = SCHEMAS[kind];
  if (VERSIONED_TYPES.has(type)) entries.rev = rev;
  // The object's own message is the one a missing key gets.
  return v.object(entries, expected('an object')) as v.GenericSchema<unknown, Record<string, unknown>>;
}

const LINE_SCHEMAS = new Map(
  (Object.keys(FIELD_TABLES) as LedgerRecordType[]).map((t) => [t, lineSchema(t)] as const),
);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reasonOf(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (first === undefined) return 'invalid';
  const where = (first.path ?? []).map((p) => String(p.key)).join('.');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem(s))` : '';
  return `${where === '' ? '' : `${where}: `}${first.message}${more}`;
}

/** A budget's or warning's scope: a value for every kind but `all`, none for `all`. */
function scopeProblem(record: Record<string, unknown>): string | null {
  if (record.type !== 'budget' && record.type !== 'budget_warning') return null;
  if (record.scopeKind === 'all') {
    return record.scopeValue === null
      ? null
      : `scope_value: expected null for scope_kind "all", got ${show(record.scopeValue)}`;
  }
  return typeof record.scopeValue === 'string' && record.scopeValue !== ''
    ? null
    : `scope_value: expected the ${String(record.scopeKind)} the budget counts, got ${show(record.scopeValue)}`;
}

/** Parses and checks one line (without its newline). */
export function parseLine(lineText: string): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(lineText);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  if (!isObject(value)) return { ok: false, reason: `expected a JSON object, got ${show(value)}` };
  const type = value.type;
  const schema = typeof type === 'string' ? LINE_SCHEMAS.get(type as LedgerRecordType) : undefined;
  if (schema === undefined) {
    return {
      ok: false,
      reason: `type: unknown record type ${show(type)} (expected one of ${[...LINE_SCHEMAS.keys()].join(', ')})`,
    };
  }
  const parsed = v.safeParse(schema, value);
  if (!parsed.success) return { ok: false, reason: `${String(type)} ${reasonOf(parsed.issues)}` };
  const out = parsed.output;
  const record: Record<string, unknown> = { type };
  for (const [name, json] of TABLE_ENTRIES[type as LedgerRecordType]) record[name] = out[json];
  if (type === 'usage' && record.source === DECLARED_USAGE_SOURCE) {
    return {
      ok: false,
      reason: `usage source "${DECLARED_USAGE_SOURCE}" is derived from declared_task lines, not imported (declaring the task again re-derives it)`,
    };
  }
  const scope = scopeProblem(record);
  if (scope !== null) return { ok: false, reason: `${String(type)} ${scope}` };
  return {
    ok: true,
    line: {
      record: record as unknown as LedgerRecord,
      rev: typeof out.rev === 'number' ? out.rev : 0,
      text: lineText,
    },
  };
}
