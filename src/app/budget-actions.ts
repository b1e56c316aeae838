/**
 * Setting, listing and removing budgets: `budget set|list|rm`, with the values checked at the
 * boundary (a limit of tokens or dollars, one period, at most one scope).
 * @module
 */
import path from 'node:path';
import { checkName, parseLabels } from '../capture/context/attribution-context.js';
import type { BudgetRepository } from '../ledger/budget-repository.js';
import {
  BUDGET_PERIODS,
  type BudgetInput,
  type BudgetPeriod,
  type BudgetRow,
  type BudgetScope,
  type BudgetUnit,
} from '../ledger/budget-repository.js';
import { ExitCode, UserError } from '../util/errors.js';

/** What `budget set` was given, as text. */
export interface BudgetRequest {
  name: string;
  /** `$300`, `2M`, `40k`, `150000`. */
  limit: string;
  /** `day`, `week` or `month`. */
  per: string;
  task?: string | undefined;
  stage?: string | undefined;
  /** A directory: usage captured in it or below it. */
  project?: string | undefined;
  /** `KEY=VALUE`. */
  label?: string | undefined;
}

const MAX_TOKENS = 1e15;
const MAX_USD = 1e9;

/** `$300` → 300 USD; `2M`, `40k`, `150000` → tokens. */
export function parseBudgetLimit(value: string, what = 'the limit'): Pick<BudgetInput, 'unit' | 'limit'> {
  const v = value.trim();
  const usd = /^\$(\d+(?:\.\d+)?)$/.exec(v);
  if (usd) {
    const n = Number(usd[1]);
    if (n > 0 && n <= MAX_USD) return { unit: 'usd', limit: n };
  }
  const tokens = /^(\d+(?:\.\d+)?)([kKmMbB]?)$/.exec(v);
  if (tokens) {
    const unit = (tokens[2] ?? '').toLowerCase();
    const n = Math.round(
      Number(tokens[1]) * (unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : unit === 'b' ? 1e9 : 1),
    );
    if (n > 0 && n <= MAX_TOKENS) return { unit: 'tokens', limit: n };
  }
  throw new UserError(
    `${what} "${value}" is not a budget; use dollars ($300, $12.50) or tokens (150000, 40k, 2M, 1B), greater than 0 (quote a dollar amount in the shell: '$300').`,
    ExitCode.usage,
  );
}

function parsePeriod(value: string): BudgetPeriod {
  const p = value.trim().toLowerCase();
  if ((BUDGET_PERIODS as readonly string[]).includes(p)) return p as BudgetPeriod;
  throw new UserError(`--per "${value}" is not a period; use day, week or month.`, ExitCode.usage);
}

function parseScope(r: BudgetRequest, cwd: string): BudgetScope {
  const given = (['task', 'stage', 'project', 'label'] as const).filter((k) => r[k] !== undefined);
  if (given.length > 1)
    throw new UserError(
      `a budget counts one scope; got --${given.join(' and --')}. Set one budget per scope.`,
      ExitCode.usage,
    );
  if (r.task !== undefined) return { kind: 'task', value: checkName(r.task, '--task') };
  if (r.stage !== undefined) return { kind: 'stage', value: checkName(r.stage, '--stage') };
  if (r.project !== undefined) {
    if (r.project.trim() === '')
      throw new UserError('--project is empty; give a project directory.', ExitCode.usage);
    return { kind: 'project', value: path.resolve(cwd, r.project) };
  }
  if (r.label !== undefined) {
    const labels = Object.entries(parseLabels([r.label], '--label'));
    const [first] = labels;
    if (labels.length !== 1 || first === undefined)
      throw new UserError(`--label "${r.label}" must be one KEY=VALUE, e.g. team=web.`, ExitCode.usage);
    return { kind: 'label', value: `${first[0]}=${first[1]}` };
  }
  return { kind: 'all', value: null };
}

/** The budget a request asks for, checked; a project is resolved against `cwd`. */
export function budgetInput(r: BudgetRequest, cwd: string = process.cwd()): BudgetInput {
  return {
    name: checkName(r.name, 'the budget name'),
    ...parseBudgetLimit(r.limit),
    period: parsePeriod(r.per),
    scope: parseScope(r, cwd),
  };
}

/** Adds or replaces a budget. */
export async function setBudget(
  store: BudgetRepository,
  r: BudgetRequest,
  now: number = Date.now(),
): Promise<BudgetRow> {
  return store.saveBudget(budgetInput(r), now);
}

/** A budget as `budget set --json` and `budget list --json` print it (times as ISO strings). */
export interface BudgetJson {
  name: string;
  unit: BudgetUnit;
  limit: number;
  period: BudgetPeriod;
  scope: BudgetScope;
  createdAt: string;
  updatedAt: string;
}

export function budgetJson(b: BudgetRow): BudgetJson {
  return {
    name: b.name,
    unit: b.unit,
    limit: b.limit,
    period: b.period,
    scope: b.scope,
    createdAt: new Date(b.createdAt).toISOString(),
    updatedAt: new Date(b.updatedAt).toISOString(),
  };
}

/** Removes a budget, or says which ones there are. */
export async function removeBudget(store: BudgetRepository, name: string): Promise<void> {
  if (await store.removeBudget(name)) return;
  const names = (await store.budgets()).map((b) => b.name);
  throw new UserError(
    `there is no budget "${name}"${names.length === 0 ? ' (there are none)' : `; the budgets are: ${names.join(', ')}`}. See \`tokenledger budget list\`.`,
    ExitCode.usage,
  );
}
