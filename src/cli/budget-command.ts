/**
 * `tokenledger budget set|list|status|rm`: its options and help. The code runs from
 * commands/budget.ts, loaded only when the command runs.
 * @module
 */
import { ledgerOptions, type RegisterCommand } from './command-options.js';

export const registerBudget: RegisterCommand = (program, setExit) => {
  const budget = program
    .command('budget')
    .description('spending limits per day, week or month, with warnings at 50, 75, 90 and 100%');
  const run = async (what: 'set' | 'list' | 'status' | 'rm', args: string[], opts: object) =>
    setExit(await (await import('./commands/budget.js')).runBudget(what, args, opts));
  ledgerOptions(
    budget
      .command('set')
      .description('add or replace a budget')
      .argument('<name>', 'the budget name, e.g. team-month')
      .argument('<limit>', "dollars ('$300', quoted in the shell) or tokens (2M, 40k, 150000)"),
  )
    .requiredOption('--per <period>', 'day, week (from Sunday) or month, in the configured time zone')
    .option('--task <id>', 'only this task and its subtasks')
    .option('--stage <stage>', 'only this workflow stage')
    .option('--project <dir>', 'only usage captured in this directory or below it')
    .option('--label <key=value>', 'only usage with this label')
    .option('-j, --json', 'print the saved budget as JSON')
    .addHelpText(
      'after',
      `
Without --task, --stage, --project or --label a budget counts everything. Setting a budget again
with another limit, period or scope starts its warnings over.

Examples:
  tokenledger budget set team-month '$300' --per month
  tokenledger budget set review-week 2M --per week --stage review`,
    )
    .action((name: string, limit: string, opts) => run('set', [name, limit], opts));
  ledgerOptions(budget.command('list').description('the budgets'))
    .option('-j, --json', 'print JSON')
    .action((opts) => run('list', [], opts));
  ledgerOptions(
    budget
      .command('status', { isDefault: true })
      .description('each budget against its spend this period, with a forecast (the default)'),
  )
    .option('--fail-over', 'exit 4 when a budget has reached its limit (for CI)')
    .option('--no-import', 'read the ledger as it is, without importing new transcripts first')
    .option(
      '-z, --timezone <tz>',
      'IANA time zone of the periods (default: config "timezone", else the system zone)',
    )
    .option('-j, --json', 'print JSON')
    .action((opts) => run('status', [], opts));
  ledgerOptions(
    budget.command('rm').description('remove a budget').argument('<name>', 'the budget name'),
  ).action((name: string, opts) => run('rm', [name], opts));
};
