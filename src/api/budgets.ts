/**
 * The library's budgets: their status this period (what `tokenledger budget status --json` prints),
 * and setting, listing and removing them (`budget set|list|rm`). The same use cases as the CLI
 * (app/budget-actions.ts, app/budget-status.ts); nothing is written outside the ledger.
 * @module
 */
import type { BudgetJson } from '../app/budget-actions.js';
import type { BudgetReport } from '../app/budget-status.js';
import { checkedOptions, type LedgerOptions, stringOption, withLedger } from './ledger-options.js';

/** Options of {@link budgetStatus}. */
export interface BudgetStatusOptions extends LedgerOptions {
  /** IANA time zone of the periods (default: the config's `timezone`, else the system's). */
  timezone?: string;
}

/** Every budget against what its scope spent this period: what `budget status --json` prints. */
export async function budgetStatus(options?: BudgetStatusOptions): Promise<BudgetReport> {
  const o = checkedOptions(options, 'budgetStatus');
  const timezone = stringOption(o.timezone, 'timezone');
  const { sessionBudgetReport } = await import('../app/budget-notices.js');
  return withLedger(o, (session) => sessionBudgetReport(session, timezone));
}

/** Options of {@link setBudget}: `budget set NAME LIMIT --per PERIOD [scope]`. */
export interface SetBudgetOptions extends Omit<LedgerOptions, 'import'> {
  name: string;
  /** Dollars (`'$300'`, `'$12.50'`) or tokens (`'150000'`, `'40k'`, `'2M'`, `'1B'`). */
  limit: string;
  /** `day`, `week` or `month`. */
  per: string;
  /** At most one scope; none counts everything. */
  task?: string;
  stage?: string;
  /** A project directory (relative to the current directory): usage in it or below it. */
  project?: string;
  /** `KEY=VALUE`. */
  label?: string;
}

/** Adds or replaces a budget; returns it as `budget set --json` prints it. */
export async function setBudget(options: SetBudgetOptions): Promise<BudgetJson> {
  const o = checkedOptions(options, 'setBudget');
  const request = {
    name: stringOption(o.name, 'name') ?? '',
    limit: stringOption(o.limit, 'limit') ?? '',
    per: stringOption(o.per, 'per') ?? '',
    task: stringOption(o.task, 'task'),
    stage: stringOption(o.stage, 'stage'),
    project: stringOption(o.project, 'project'),
    label: stringOption(o.label, 'label'),
  };
  const actions = await import('../app/budget-actions.js');
  // Checked before the ledger is opened: a bad budget leaves no ledger file behind.
  actions.budgetInput(request);
  return withLedger({ ...o, import: false }, async (session) =>
    actions.budgetJson(await actions.setBudget(session.store, request)),
  );
}

/** The budgets as `budget list --json` prints them. */
export async function listBudgets(
  options?: Omit<LedgerOptions, 'import'>,
): Promise<{ budgets: BudgetJson[] }> {
  const o = checkedOptions(options, 'listBudgets');
  const { budgetJson } = await import('../app/budget-actions.js');
  return withLedger({ ...o, import: false }, async (session) => ({
    budgets: (await session.store.budgets()).map(budgetJson),
  }));
}

/** Removes a budget (`budget rm NAME`); rejects naming the budgets there are when it is unknown. */
export async function removeBudget(name: string, options?: Omit<LedgerOptions, 'import'>): Promise<void> {
  const o = checkedOptions(options, 'removeBudget');
  const checked = stringOption(name, 'name') ?? '';
  const { removeBudget: remove } = await import('../app/budget-actions.js');
  await withLedger({ ...o, import: false }, (session) => remove(session.store, checked));
}
