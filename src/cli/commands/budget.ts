/**
 * `tokenledger budget set|list|status|rm`: parsing and rendering only; the use cases are in
 * app/budget-actions.ts and app/budget-status.ts.
 * @module
 */
import { budgetJson, removeBudget, setBudget } from '../../app/budget-actions.js';
import { sessionBudgetReport } from '../../app/budget-notices.js';
import type { BudgetStatus } from '../../app/budget-status.js';
import type { BudgetRow } from '../../ledger/budget-repository.js';
import { budgetAmount, budgetPercent, budgetScopeText, forecastText } from '../../outputs/budget-message.js';
import { ExitCode } from '../../util/errors.js';
import { type CommonOptions, importNow, openSession } from '../context.js';
import { writeJson, writeOut } from '../io.js';

export interface BudgetOptions extends CommonOptions {
  per?: string;
  task?: string;
  stage?: string;
  project?: string;
  label?: string;
  failOver?: boolean;
}

const PER = { day: 'per day', week: 'per week', month: 'per month' } as const;

function rowText(b: BudgetRow): string {
  return `${b.name}: ${budgetAmount(b.unit, b.limit)} ${PER[b.period]}, ${budgetScopeText(b)}`;
}

function statusText(s: BudgetStatus): string {
  const reached =
    s.reached.length === 0 ? '' : s.over ? ' — over its limit' : ` — passed ${s.reached.at(-1)}%`;
  const unpriced =
    s.unpricedModels.length === 0 ? '' : `\n  not counted (no price): ${s.unpricedModels.join(', ')}`;
  const rate = `${budgetAmount(s.unit, s.forecast.basis.perDay)}/day`;
  return `${s.name} (${budgetScopeText(s)}, ${s.period} ${s.periodKey}): ${budgetAmount(s.unit, s.spent)} of ${budgetAmount(s.unit, s.limit)}, ${budgetPercent(s.percent)}${reached}
  forecast: ${forecastText(s)}; the rate: ${rate}${unpriced}`;
}

export async function runBudget(
  what: 'set' | 'list' | 'status' | 'rm',
  args: string[],
  opts: BudgetOptions,
): Promise<number> {
  const session = await openSession(opts);
  try {
    const store = session.store;
    if (what === 'set') {
      const saved = await setBudget(store, {
        name: args[0] ?? '',
        limit: args[1] ?? '',
        per: opts.per ?? '',
        task: opts.task,
        stage: opts.stage,
        project: opts.project,
        label: opts.label,
      });
      if (opts.json) await writeJson(budgetJson(saved));
      else await writeOut(`Budget set: ${rowText(saved)}\n`);
      return ExitCode.ok;
    }
    if (what === 'rm') {
      await removeBudget(store, args[0] ?? '');
      await writeOut(`Budget ${args[0]} removed.\n`);
      return ExitCode.ok;
    }
    if (what === 'list') {
      const rows = await store.budgets();
      if (opts.json) await writeJson({ budgets: rows.map(budgetJson) });
      else
        await writeOut(
          rows.length === 0
            ? "No budgets. Set one with e.g. `tokenledger budget set team-month '$300' --per month`.\n"
            : `${rows.map(rowText).join('\n')}\n`,
        );
      return ExitCode.ok;
    }
    if (opts.import !== false) await importNow(session, opts);
    const report = await sessionBudgetReport(session, opts.timezone);
    if (opts.json) await writeJson(report);
    else
      await writeOut(
        report.budgets.length === 0
          ? "No budgets. Set one with e.g. `tokenledger budget set team-month '$300' --per month`.\n"
          : `${report.budgets.map(statusText).join('\n')}\n`,
      );
    return opts.failOver === true && report.budgets.some((b) => b.over) ? ExitCode.overBudget : ExitCode.ok;
  } finally {
    await session.store.close();
  }
}
