/**
 * The commands that compare cohorts of tasks and calibrate estimates from them: `compare` (an A/B
 * verdict) and `estimate` (what similar finished tasks used). Each command's code is loaded only
 * when it runs.
 * @module
 */
import { ledgerOptions, type RegisterCommand } from './command-options.js';

/** In the order of the help. */
export const COHORT_COMMANDS = {
  compare: (program, setExit) => {
    ledgerOptions(
      program
        .command('compare')
        .description('A/B: is one cohort of finished tasks cheaper per task than another? (with a verdict)'),
    )
      .option('--a <filter>', 'cohort A, e.g. "label:workflow=v1"')
      .option('--b <filter>', 'cohort B, e.g. "label:workflow=v2"')
      .option('--seed <n>', 'seed of the bootstrap intervals (the same seed gives the same intervals)', '1')
      .option('--resamples <n>', 'bootstrap resamples', '2000')
      .option(
        '-z, --timezone <tz>',
        'IANA time zone of since:/until: days (default: config, else the system)',
      )
      .option('-j, --json', 'print JSON')
      .option('--no-import', 'do not import new transcripts first')
      .addHelpText(
        'after',
        `
A filter is "all" or comma-separated parts: label:KEY=VALUE (the task's labels), stage:NAME (its
stage), model:TEXT (the model of most of its API calls contains TEXT, e.g. model:opus), branch:NAME
(the git branch of most of its API calls), project:DIR (its project dir or below), since:DAY and
until:DAY (its first API call, local days, YYYY-MM-DD). Parts with the same key are alternatives;
different keys must all match.

The unit is a finished task (not active or paused) with usage: its own API calls, not its children's.
Per metric (cost, tokens, API calls, duration from first to last API call) it compares the medians:
the change of B's median against A's, with a 95% percentile-bootstrap interval (seeded). A verdict
needs at least 5 tasks per cohort and an interval that excludes 0. Without one it says how many tasks
per cohort would be needed: enough that the interval's half-width (shrinking with the square root of
the task counts) falls below the observed difference.

Examples:
  tokenledger compare --a "label:workflow=v1" --b "label:workflow=v2"
  tokenledger compare --a "model:opus" --b "model:sonnet,since:2026-11-01"`,
      )
      .action(async (opts) => setExit(await (await import('./commands/compare.js')).runCompare(opts)));
  },
  estimate: (program, setExit) => {
    ledgerOptions(
      program
        .command('estimate')
        .description(
          'what similar finished tasks used (p50/p80 per task) and how far off their estimates were',
        ),
    )
      .option('--label <k=v...>', 'similar tasks have these labels, e.g. category=tooling')
      .option('--stage <stage>', 'similar tasks have this stage')
      .option('--by <group>', 'one row per label:KEY value, or per stage')
      .option('-j, --json', 'print JSON')
      .option('--no-import', 'do not import new transcripts first')
      .addHelpText(
        'after',
        `
A finished task is one not active or paused, with usage; what it used is its whole subtree's (what an
estimate covers). The multiplier is the median of actual ÷ estimate over those of them with an
estimate, as in \`tokenledger variance\`. \`task start ID --estimate auto\` sets the p50 of the finished
tasks with the new task's stage and labels.`,
      )
      .action(async (opts) => setExit(await (await import('./commands/estimate.js')).runEstimate(opts)));
  },
} satisfies Record<string, RegisterCommand>;
