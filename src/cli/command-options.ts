/**
 * What the command modules share: the version, the options every ledger command and every report
 * takes, and the shape of a command's registration.
 * @module
 */
import { type Command, Option } from 'commander';

export const VERSION = '0.1.0';

/** Adds one top-level command (and its subcommands) to the program; `setExit` takes its exit code. */
export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;

/** Options every ledger-reading command accepts. */
export function ledgerOptions(cmd: Command): Command {
  return cmd
    .option('--db <path>', 'ledger file to use (default: $TOKENLEDGER_DB, else <data dir>/ledger.db)')
    .option(
      '--config <path>',
      'config file (default: $TOKENLEDGER_CONFIG, else ~/.config/tokenledger/config.json)',
    );
}

/** ccusage's `-O/--offline`, accepted so its users' aliases keep working; nothing to turn off here. */
export function offlineOption(cmd: Command): Command {
  return cmd
    .option(
      '-O, --offline',
      'accepted for ccusage compatibility and changes nothing: tokenledger never fetches prices (it uses its built-in price table and your overrides)',
    )
    .addOption(new Option('--no-offline').hideHelp());
}

/** `-m/--mode`: where costs come from. */
export function modeOption(): Option {
  return new Option('-m, --mode <mode>', 'cost: auto (reported if any, else calculated), calculate, display')
    .choices(['auto', 'calculate', 'display'])
    .default('auto');
}

/** Options every usage report accepts. */
export function reportOptions(cmd: Command): Command {
  const c = ledgerOptions(cmd)
    .option('--no-import', 'report from the ledger as it is, without importing new transcripts first')
    .option('-j, --json', 'print JSON only (ccusage-compatible field names, plus ours)')
    .option('--csv', 'print CSV')
    .option('--md', 'print a Markdown table')
    .option('-s, --since <date>', 'first day to include, YYYY-MM-DD or YYYYMMDD (local time)')
    .option('-u, --until <date>', 'last day to include, YYYY-MM-DD or YYYYMMDD (local time)')
    .option(
      '-z, --timezone <tz>',
      'IANA time zone for grouping dates (default: config "timezone", else the system zone)',
    )
    .addOption(modeOption())
    .addOption(new Option('-o, --order <order>', 'sort order').choices(['asc', 'desc']))
    .option('-b, --breakdown', 'show a row per model under each row')
    .option('--compact', 'compact table: short names, abbreviated numbers, fewer columns')
    .option('-p, --project <path>', 'only this project (its working directory)')
    .option('--session <id>', 'only this session')
    .option('--color', 'force colours')
    .option('--no-color', 'no colours (NO_COLOR=1 does the same)');
  return offlineOption(c);
}
