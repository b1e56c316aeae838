/**
 * {@link parseClaudeOutput}: the usage of one whole `claude -p` output.
 * @module
 */
import { ClaudeStreamParser } from './stream-parser.js';
import type { ClaudeRunResult } from './types.js';

/**
 * Reads a whole `claude -p` output, `--output-format stream-json` (NDJSON) or `json` (one object,
 * on one line or pretty-printed; or an array of events), and returns what the run spent.
 *
 * The last `result` event wins: its `modelUsage` and `total_cost_usd` are cumulative, so several
 * results are never added up. Without a result event the totals are rebuilt from the `assistant`
 * events, once per `message.id` (`source: 'assistant-events'`). Never throws on input.
 *
 * @example
 * ```ts
 * import { execFileSync } from 'node:child_process';
 * import { parseClaudeOutput } from './index.js';
 *
 * const out = execFileSync('claude', ['-p', 'hello', '--output-format', 'json'], { encoding: 'utf8' });
 * const run = parseClaudeOutput(out);
 * for (const [model, u] of Object.entries(run.models)) console.log(model, u.inputTokens, u.outputTokens);
 * console.log(run.totalCostUsd, run.isError ? run.errors : run.subtype, run.warnings);
 * ```
 */
export function parseClaudeOutput(text: string | Uint8Array): ClaudeRunResult {
  const parser = new ClaudeStreamParser();
  parser.write(text);
  return parser.end();
}
