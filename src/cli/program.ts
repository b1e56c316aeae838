/**
 * The `tokenledger` command tree (commander): the bare command, every command from
 * report-commands.ts, agent-commands.ts and cohort-commands.ts, and the help. Each command's code is loaded only when
 * that command runs, so the common report path stays fast to start.
 * @module
 */
import { Command } from 'commander';
import { AGENT_COMMANDS } from './agent-commands.js';
import { registerBudget } from './budget-command.js';
import { COHORT_COMMANDS } from './cohort-commands.js';
import { ledgerOptions, offlineOption, type RegisterCommand, VERSION } from './command-options.js';
import { writeErr, writeOut } from './io.js';
import { REPORT_COMMANDS } from './report-commands.js';
import { REVIEW_COMMANDS } from './review-commands.js';

const COMMANDS = {
  ...REPORT_COMMANDS,
  ...AGENT_COMMANDS,
  budget: registerBudget,
  ...COHORT_COMMANDS,
  ...REVIEW_COMMANDS,
} satisfies Record<string, RegisterCommand>;

export type CommandName = keyof typeof COMMANDS;

/** The top-level commands, in the order of the help. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/**
 * The command line's parser. With `only` (the command about to run), just that command is built:
 * building all of them costs a few milliseconds of a report that takes under 100. Help, the bare
 * command and unknown words get the whole tree.
 */
export function buildProgram(setExit: (code: number) => void, only?: CommandName): Command {
  const program = new Command('tokenledger')
    .description(
      'A durable, attributable ledger of what AI coding agents spend in tokens and dollars.\nRun without a command to import new Claude Code history and see today and this month.',
    )
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    // Options before a command belong to the bare command; after it, to that command.
    .enablePositionalOptions()
    .exitOverride()
    // Help goes through writeOut, which ends quietly when the reader went away (`--help | head`).
    .configureOutput({ writeOut: (s) => void writeOut(s), writeErr: (s) => writeErr(s) })
    .helpCommand('help [command...]', 'help for a command, e.g. `help blocks` or `help task start`');

  offlineOption(ledgerOptions(program))
    .option('--no-import', 'do not import new transcripts first')
    .option('-j, --json', 'print JSON only')
    .option('-z, --timezone <tz>', 'IANA time zone (default: config "timezone", else the system zone)')
    .option('--color', 'force colours')
    .option('--no-color', 'no colours')
    .option('--compact', 'short model names and abbreviated numbers')
    .action(async (opts) => setExit(await (await import('./commands/summary.js')).runSummary(opts)));

  for (const name of only === undefined ? COMMAND_NAMES : [only]) COMMANDS[name](program, setExit);

  program.addHelpText(
    'after',
    `
Examples:
  tokenledger                              import, then today's and this month's summary
  tokenledger daily --since 2026-11-01     one row per day
  tokenledger report --by project,branch   where the money goes
  tokenledger session --json | jq '.sessions[] | {sessionId, totalCost}'
  tokenledger demo                         try every report on generated history
  tokenledger export --jsonl DIR           keep the ledger in git (CI); import-jsonl DIR reads it back

Data: the ledger lives in $TOKENLEDGER_HOME (default ~/.local/share/tokenledger); see \`tokenledger status\`.
Exit codes: 0 ok, 1 bad usage, 2 configuration, 3 ledger, 4 over budget (budget status --fail-over), 70 internal error.`,
  );
  return program;
}
