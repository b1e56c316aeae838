/**
 * The config file's schema (valibot). Kept in its own module so it is only loaded when a config file
 * exists: the hot report path stays light.
 * @module
 */
import * as v from 'valibot';
import { ExitCode, UserError } from '../util/errors.js';
import type { Config } from './config-types.js';
import { jsonValuePosition } from './json-position.js';
import { onTaskEndSchema, taskFilesSchema } from './tracker-schema.js';

const rate = v.pipe(
  v.number('expected a number'),
  v.finite('expected a finite number'),
  v.minValue(0, 'expected a number ≥ 0'),
);

const overrideRates = {
  input: rate,
  output: rate,
  cacheWrite5m: v.optional(rate),
  cacheWrite1h: v.optional(rate),
  cacheRead: v.optional(rate),
};

const RateOverrideSchema = v.strictObject(
  {
    ...overrideRates,
    fast: v.optional(
      v.strictObject(
        overrideRates,
        'expected fast-mode rates {"input", "output", and optionally "cacheWrite5m", "cacheWrite1h", "cacheRead"} in USD per million tokens',
      ),
    ),
  },
  'expected {"input", "output", and optionally "cacheWrite5m", "cacheWrite1h", "cacheRead", "fast"} in USD per million tokens',
);

const ConfigSchema = v.strictObject(
  {
    claudeDirs: v.optional(
      v.array(
        v.pipe(v.string('expected a path'), v.minLength(1, 'expected a non-empty path')),
        'expected a list of paths',
      ),
    ),
    machine: v.optional(v.pipe(v.string('expected a string'), v.minLength(1, 'expected a non-empty name'))),
    user: v.optional(v.pipe(v.string('expected a string'), v.minLength(1, 'expected a non-empty name'))),
    timezone: v.optional(v.string('expected an IANA time zone name, e.g. "Europe/Berlin"')),
    pricing: v.optional(
      v.strictObject(
        {
          overrides: v.optional(
            v.record(v.string(), RateOverrideSchema, 'expected an object of model name → rates'),
          ),
        },
        'expected {"overrides": {...}}',
      ),
    ),
    stages: v.optional(
      v.record(
        v.pipe(v.string(), v.minLength(1)),
        v.pipe(v.string('expected a stage name'), v.minLength(1, 'expected a non-empty stage name')),
        'expected an object of agent type → stage name',
      ),
    ),
    taskPattern: v.optional(
      v.pipe(v.string('expected a regular expression'), v.minLength(1, 'expected a non-empty pattern')),
    ),
    overrunMultiple: v.optional(
      v.pipe(
        v.number('expected a number'),
        v.finite('expected a finite number'),
        v.minValue(1, 'expected a number ≥ 1'),
      ),
    ),
    metricsFile: v.optional(v.pipe(v.string('expected a path'), v.minLength(1, 'expected a non-empty path'))),
    tokenUsageRoot: v.optional(
      v.pipe(v.string('expected a directory path'), v.minLength(1, 'expected a non-empty path')),
    ),
    hook: v.optional(
      v.strictObject(
        {
          timeoutMs: v.optional(
            v.pipe(
              v.number('expected a number of milliseconds'),
              v.integer('expected a whole number of milliseconds'),
              v.minValue(100, 'expected at least 100 ms'),
              v.maxValue(600_000, 'expected at most 600000 ms'),
            ),
          ),
          maxMegabytesPerFile: v.optional(
            v.pipe(
              v.number('expected a number of MiB'),
              v.finite('expected a finite number'),
              v.minValue(1, 'expected at least 1 MiB'),
            ),
          ),
          warnings: v.optional(v.boolean('expected true or false')),
        },
        'expected {"timeoutMs", "maxMegabytesPerFile", "warnings"}',
      ),
    ),
    taskFiles: v.optional(taskFilesSchema),
    workflowMetricsFile: v.optional(
      v.union(
        [v.pipe(v.string(), v.minLength(1)), v.literal(false)],
        'expected a path relative to the project, or false',
      ),
    ),
    beads: v.optional(v.boolean('expected true or false')),
    onTaskEnd: v.optional(onTaskEndSchema),
  },
  'expected an object with only these keys: claudeDirs, machine, user, timezone, pricing, stages, taskPattern, overrunMultiple, metricsFile, tokenUsageRoot, hook, taskFiles, workflowMetricsFile, beads, onTaskEnd',
);

/**
 * Validates a parsed config file. `text` (the JSON it was parsed from) lets an invalid value be
 * reported by line and column as well as by its setting.
 */
export function parseConfig(raw: unknown, file: string, text?: string): Config {
  const result = v.safeParse(ConfigSchema, raw);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const keys = (issue?.path ?? []).flatMap((p) =>
    typeof p.key === 'string' || typeof p.key === 'number' ? [p.key] : [],
  );
  const where = keys.join('.') || '(top level)';
  const pos = text === undefined ? null : jsonValuePosition(text, keys);
  const at = pos === null ? where : `${where} (line ${pos.line}, column ${pos.column})`;
  const got = issue?.input === undefined ? 'nothing' : JSON.stringify(issue.input)?.slice(0, 60);
  throw new UserError(
    `the config file ${file} is invalid at ${at}: ${issue?.message ?? 'invalid'} (got ${got}). Fix it, or move it away.`,
    ExitCode.config,
  );
}
