/**
 * The `review` command and its `check` subcommand (see commands/review.ts).
 * @module
 */
import { ledgerOptions, type RegisterCommand } from './command-options.js';

export const REVIEW_COMMANDS = {
  review: (program, setExit) => {
    const review = ledgerOptions(
      program
        .command('review')
        .description(
          'recommendations to spend less, each with a diff to apply yourself (imports new transcripts first)',
        ),
    )
      .option('-d, --days <n>', 'review the last n days, today included', '7')
      .option('-j, --json', 'print JSON only')
      .option(
        '-w, --write',
        'also write the review report reports/usage-review-YYYY-MM-DD.md under the .token-usage tree',
      )
      .option('--repo <dir>', 'the repository the diffs are against (default: the current directory)')
      .option('--policy-file <path>', 'the policy file new rules go into, inside the repository', 'CLAUDE.md')
      .option(
        '--root <dir>',
        'the .token-usage tree the report goes into (default: config "tokenUsageRoot", else <project>/.token-usage)',
      )
      .option(
        '-z, --timezone <tz>',
        'IANA time zone of the days (default: config "timezone", else the system zone)',
      )
      .option('--no-import', 'review the ledger as it is, without importing new transcripts first')
      .addHelpText(
        'after',
        `
Each recommendation comes with its evidence, a saving computed from the tokens used and the price
table, and a unified diff against the real file: the model: line of .claude/agents/<name>.md, a rule
in the policy file, or the model in .claude/settings.json. Nothing is applied: check a diff with
\`git apply --check\`, apply it with \`git apply\`. Each proposal has a stable id; after applying it,
\`tokenledger review check ID\` tells whether the saving happened.`,
      )
      .action(async (opts) => setExit(await (await import('./commands/review.js')).runReview(opts)));
    ledgerOptions(
      review
        .command('check')
        .description(
          'was a proposal applied, and did its saving happen? (cost and turns per task, before and after)',
        )
        .argument('<id>', 'the id `tokenledger review` showed'),
    )
      .option(
        '--applied-at <date>',
        'when you applied it, YYYY-MM-DD or an ISO time (default: found in the file)',
      )
      .option('-d, --days <n>', 'days of work before the change to compare with', '30')
      .option('--repo <dir>', 'the repository the change is in (default: the current directory)')
      .option('-j, --json', 'print JSON only')
      .option('-z, --timezone <tz>', 'IANA time zone of --applied-at dates')
      .option('--no-import', 'use the ledger as it is, without importing new transcripts first')
      .action(async (id: string, opts) =>
        setExit(await (await import('./commands/review.js')).runReviewCheck(id, opts)),
      );
  },
} satisfies Record<string, RegisterCommand>;
