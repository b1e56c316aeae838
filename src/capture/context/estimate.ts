/**
 * Parses task estimates: tokens (`40000`, `40k`, `1.2M`) or dollars (`$2.50`).
 * @module
 */
import { ExitCode, UserError } from '../../util/errors.js';

export interface Estimate {
  tokens?: number;
  usd?: number;
}

/** More than this is a typo, not an estimate. */
const MAX_TOKENS = 1e12;
const MAX_USD = 1e7;

/** Parses one estimate value; `what` names it in errors (e.g. `--estimate`). */
export function parseEstimate(value: string, what = '--estimate'): Estimate {
  const v = value.trim();
  const usd = /^\$(\d+(?:\.\d+)?)$/.exec(v);
  if (usd) {
    const n = Number(usd[1]);
    if (n > 0 && n <= MAX_USD) return { usd: n };
  }
  const tokens = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(v);
  if (tokens) {
    const unit = (tokens[2] ?? '').toLowerCase();
    const n = Math.round(Number(tokens[1]) * (unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : 1));
    if (n > 0 && n <= MAX_TOKENS) return { tokens: n };
  }
  throw new UserError(
    `${what} "${value}" is not an estimate; use tokens (40000, 40k, 1.2M) or dollars ($2.50), greater than 0 and at most 1T tokens or $10M.`,
    ExitCode.usage,
  );
}

/** Parses several estimate values and merges them (one of each kind at most). */
export function parseEstimates(values: readonly string[], what = '--estimate'): Estimate {
  const out: Estimate = {};
  for (const v of values) {
    const e = parseEstimate(v, what);
    if (
      (e.tokens !== undefined && out.tokens !== undefined) ||
      (e.usd !== undefined && out.usd !== undefined)
    ) {
      throw new UserError(
        `${what}: give at most one token estimate and one dollar estimate (got "${values.join('", "')}").`,
        ExitCode.usage,
      );
    }
    Object.assign(out, e);
  }
  return out;
}
