/**
 * The user's config file (JSON). Everything in it is optional. It is validated at the boundary, and
 * an invalid file is an error naming the file, the setting and the value.
 *
 * ```json
 * {
 *   "claudeDirs": ["~/.claude", "/mnt/work/claude"],
 *   "machine": "laptop",
 *   "user": "alice",
 *   "timezone": "Europe/Berlin",
 *   "pricing": { "overrides": { "my-gateway-model": { "input": 1, "output": 5, "cacheWrite5m": 1.25, "cacheWrite1h": 2, "cacheRead": 0.1 } } },
 *   "stages": { "analyst": "analysis", "planner": "planning", "implementer": "implementation", "reviewer": "review" },
 *   "taskPattern": "TASK-\\d+",
 *   "overrunMultiple": 4,
 *   "metricsFile": "~/work/.claude/metrics/tokens.jsonl"
 * }
 * ```
 * @module
 */
import fs from 'node:fs';
import { ExitCode, UserError } from '../util/errors.js';
import { locateJsonError } from '../util/json-error.js';
import type { Config } from './config-types.js';
import { configFile } from './paths.js';

export type { Config, HookConfig, OnTaskEndConfig, OverrideRates, RateOverride } from './config-types.js';

export interface LoadedConfig {
  config: Config;
  /** The file it came from, or null when there is none. */
  file: string | null;
}

export interface LoadConfigOptions {
  /**
   * A missing `explicit` file means the defaults, as a missing default file does. For `hook` and
   * `statusline`, whose `--config` was written by `hooks install` before the file may exist.
   */
  missingIsDefault?: boolean;
}

/**
 * Loads the config file, if there is one. The schema library is only loaded when a file exists. A
 * file named with `explicit` (--config) must exist, unless `missingIsDefault`.
 */
export async function loadConfig(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadConfigOptions = {},
): Promise<LoadedConfig> {
  const file = explicit ?? configFile(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && (explicit === undefined || options.missingIsDefault === true))
      return { config: {}, file: null };
    throw new UserError(
      `cannot read the config file ${file} (${code ?? 'error'}). Fix the path, or unset TOKENLEDGER_CONFIG.`,
      ExitCode.config,
    );
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    const at = locateJsonError(body);
    const where =
      at === null
        ? (error as Error).message.split('\n')[0]
        : `line ${at.line}, column ${at.column}: ${at.problem}`;
    throw new UserError(
      `the config file ${file} is not valid JSON (${where}). Fix it, or move it away.`,
      ExitCode.config,
    );
  }
  const { parseConfig } = await import('./config-schema.js');
  return { config: parseConfig(raw, file, body), file };
}
