/**
 * The commands that report on, and keep, the ledger: their options and help. Each command's code is
 * loaded only when it runs.
 * @module
 */
import { type Command, Option } from 'commander';
import {
  ledgerOptions,
  modeOption,
  offlineOption,
  type RegisterCommand,
  reportOptions,
} from './command-options.js';

/** daily, weekly and monthly: one command per period. */
function periodCommand(name: string, period: 'day' | 'week' | 'month', about: string): RegisterCommand {
  return (program, setExit) => {
    const cmd = reportOptions(program.command(name).description(`${about} (imports new transcripts first)`));
    cmd
      .option(
        '-i, --instances',
        `a row per project and ${period} (JSON: {"projects": {project: [rows]}, "totals"}, as ccusage)`,
      )
      .option(
        '--last <n>',
        `only the last n ${period}s, this one included (1 = ${period === 'day' ? 'today' : `this ${period}`})`,
      );
    if (period === 'week') {
      cmd.addOption(
        new Option('-w, --start-of-week <day>', 'first day of the week')
          .choices(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'])
          .default('sunday'),
      );
    }
    cmd.action(async (opts) => setExit(await (await import('./commands/period.js')).runPeriod(period, opts)));
  };
}

/**
 * `task list` and `task show`: count only some days' and one project's usage. The estimate covers
 * the whole task, so the comparison with it stays the whole task's.
 */
function taskFilters(cmd: Command): Command {
  return cmd
    .option('-s, --since <date>', 'first day of usage to count, YYYY-MM-DD or YYYYMMDD (local time)')
    .option('-u, --until <date>', 'last day of usage to count, YYYY-MM-DD or YYYYMMDD (local time)')
    .option('-p, --project <path>', "count only this project's usage (its working directory)")
    .option(
      '-z, --timezone <tz>',
      'IANA time zone of the dates (default: config "timezone", else the system zone)',
    )
    .addHelpText(
      'after',
      `
With --since, --until or --project, a task's tokens and cost are its usage (and its subtree's) in
those days and that project; the list shows the tasks with such usage, and those of that project
open during those days. The comparison with the estimate stays the whole task's.`,
    );
}

/** In the order of the help. */
export const REPORT_COMMANDS = {
  daily: periodCommand('daily', 'day', 'usage by day'),
  weekly: periodCommand('weekly', 'week', 'usage by week'),
  monthly: periodCommand('monthly', 'month', 'usage by month'),
  session: (program, setExit) => {
    reportOptions(program.command('session').description('usage by session (imports new transcripts first)'))
      // ccusage's name for --session, kept working.
      .addOption(new Option('-i, --id <session>').hideHelp())
      .action(async (opts) => setExit(await (await import('./commands/session.js')).runSession(opts)));
  },
  report: (program, setExit) => {
    reportOptions(
      program
        .command('report')
        .description(
          'usage grouped by any dimensions, e.g. --by project,branch (imports new transcripts first)',
        )
        .requiredOption(
          '--by <dims>',
          'comma-separated: day, week, month, session, project, branch, agent, agent-id, model, machine, user; tool, skill, mcp-server, file: what drove each request (the tool uses of the previous request in its session or subagent, whose results it carried). A request driven by several counts under each, so those rows can add up to more than the total, which counts it once',
        ),
    )
      .addOption(
        new Option('-w, --start-of-week <day>', 'first day of the week, for --by week')
          .choices(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'])
          .default('sunday'),
      )
      .action(async (opts) => setExit(await (await import('./commands/report.js')).runReport(opts)));
  },
  blocks: (program, setExit) => {
    const cmd = ledgerOptions(
      program
        .command('blocks')
        .description(
          "usage by billing block (the 5-hour windows of a Claude subscription's limits), with the active block's burn rate and projection (imports new transcripts first)",
        ),
    )
      .option('--no-import', 'report from the ledger as it is, without importing new transcripts first')
      .option('-j, --json', 'print JSON only (ccusage-compatible field names, plus ours)')
      .option('-a, --active', 'only the active block: time left, burn rate, projection')
      .option('-r, --recent', 'only blocks of the last 3 days, and the active one')
      .option(
        '-t, --token-limit <tokens>',
        'tokens per block (500000, 500k, 1.2M) or "max" (the largest completed block): shows each block\'s share, warns above 80%',
      )
      .option('-n, --session-length <hours>', 'block length in hours', '5')
      .option(
        '--live',
        'redraw the active block on the terminal until Ctrl-C (reads only what is new each time)',
      )
      .option('--refresh-interval <seconds>', 'with --live: seconds between refreshes', '5')
      .option(
        '-s, --since <date>',
        'only blocks starting on or after this day, YYYY-MM-DD or YYYYMMDD (local time)',
      )
      .option(
        '-u, --until <date>',
        'only blocks starting on or before this day, YYYY-MM-DD or YYYYMMDD (local time)',
      )
      .option(
        '-z, --timezone <tz>',
        'IANA time zone for dates and times (default: config "timezone", else the system zone)',
      )
      .addOption(modeOption())
      .addOption(new Option('-o, --order <order>', 'sort order').choices(['asc', 'desc']))
      .option('-b, --breakdown', 'show a row per model under each block')
      .option('--compact', 'compact table: short names, abbreviated numbers, fewer columns')
      .option('--color', 'force colours')
      .option('--no-color', 'no colours (NO_COLOR=1 does the same)');
    offlineOption(cmd).action(async (opts) =>
      setExit(await (await import('./commands/blocks.js')).runBlocks(opts)),
    );
  },
  task: (program, setExit) => {
    const task = program
      .command('task')
      .description('tasks: plans, sections and work items, their estimates and what they cost');
    const taskOpts = (cmd: Command) => ledgerOptions(cmd).option('-j, --json', 'print JSON');
    taskOpts(
      task
        .command('start')
        .description("start a task: this project's usage is attributed to it until it stops")
        .argument('<id>', 'task id, e.g. TASK-42'),
    )
      .option('--title <title>', 'a short title')
      .option('--stage <stage>', 'workflow stage of the work done now (analysis, implementation, review, …)')
      .option(
        '--estimate <value...>',
        'tokens (40k, 1.2M) and/or dollars ($2.50), or auto: the median of similar finished tasks (same stage and labels)',
      )
      .option('--parent <id>', 'the plan or section this task belongs to (created if new)')
      .option('--label <k=v...>', 'labels, e.g. category=tooling')
      .option('--project <dir>', 'the project dir (default: the git work tree of the current dir)')
      .action(async (id, opts) => setExit(await (await import('./commands/task.js')).runTaskStart(id, opts)));
    taskOpts(
      task.command('stop').description("stop a task (default: the project's active task)").argument('[id]'),
    )
      .option('--no-import', 'do not import new transcripts first')
      .option('--project <dir>', 'the project dir (default: the git work tree of the current dir)')
      .action(async (id, opts) => setExit(await (await import('./commands/task.js')).runTaskStop(id, opts)));
    taskFilters(
      taskOpts(
        task
          .command('show')
          .description('what a task (and its subtree) cost, by stage, agent and model, against its estimate')
          .argument('<id>'),
      ),
    )
      .option('--no-import', 'do not import new transcripts first')
      .option('--compact', 'compact table: short names, abbreviated numbers, fewer columns')
      .action(async (id, opts) => setExit(await (await import('./commands/task.js')).runTaskShow(id, opts)));
    taskFilters(
      taskOpts(
        task.command('list').description('tasks with their actual usage and estimates (● marks active ones)'),
      ),
    )
      .option('--active', 'only active tasks: started with `task start` and not stopped or replaced since')
      .option('--no-import', 'do not import new transcripts first')
      .option('--compact', 'compact table: short names, abbreviated numbers, fewer columns')
      .action(async (opts) => setExit(await (await import('./commands/task.js')).runTaskList(opts)));
    taskOpts(
      task
        .command('estimate')
        .description('set a task estimate: tokens (40k) and/or dollars ($2.50)')
        .argument('<id>')
        .argument('<values...>'),
    )
      .option('--create', 'create the task if it is new (it is not started: `task start` does that)')
      .action(async (id, values, opts) =>
        setExit(await (await import('./commands/task.js')).runTaskEstimate(id, values, opts)),
      );
    taskOpts(
      task
        .command('annotate')
        .description("write or update the actuals section in a task's Markdown file")
        .argument('<id>')
        .argument('<file>'),
    )
      .option('--no-import', 'do not import new transcripts first')
      .action(async (id, file, opts) =>
        setExit(await (await import('./commands/task.js')).runTaskAnnotate(id, file, opts)),
      );
  },
  variance: (program, setExit) => {
    ledgerOptions(
      program
        .command('variance')
        .description('estimates against actuals, per task and per group (e.g. --by label:category)'),
    )
      .option('--by <group>', 'label:KEY or parent (default: one group of all tasks)')
      .option('-j, --json', 'print JSON')
      .option('--no-import', 'do not import new transcripts first')
      .addHelpText(
        'after',
        `
Each task's row compares its estimate with the usage of the task and everything under it (a plan's
estimate covers its parts). In the group totals no token counts twice: each token counts once, for
the nearest task with a token estimate above it (the task it was used in, else its parent, …). A
plan whose parts have estimates of their own thus counts only the usage that is not theirs, against
its estimate less theirs (never below 0); its row still shows its whole subtree. A task with an
estimate but no usage yet shows "no usage yet" (null in --json) and is left out of the totals and
the median.`,
      )
      .option('--compact', 'compact table: short names, abbreviated numbers, fewer columns')
      .action(async (opts) => setExit(await (await import('./commands/variance.js')).runVariance(opts)));
  },
  attribute: (program, setExit) => {
    ledgerOptions(
      program
        .command('attribute')
        .description('re-apply every attribution span to all usage (e.g. after changing "stages")'),
    )
      .option('-j, --json', 'print JSON')
      .action(async (opts) => setExit(await (await import('./commands/attribute.js')).runAttribute(opts)));
  },
  import: (program, setExit) => {
    ledgerOptions(program.command('import').description('import new Claude Code history into the ledger now'))
      .option('-j, --json', 'print the import summary as JSON')
      .option('--threads <n>', 'worker threads (default: by the amount to read and the CPU count; 0 = none)')
      .action(async (opts) => setExit(await (await import('./commands/import.js')).runImport(opts)));
  },
  export: (program, setExit) => {
    ledgerOptions(
      program
        .command('export')
        .description('append the ledger to a folder of JSONL files that git can merge (--jsonl DIR)'),
    )
      .option(
        '--jsonl <dir>',
        'the folder to append to: <dir>/<YYYY-MM-DD>/<machine>.jsonl (created if missing)',
      )
      .option('-s, --since <date>', 'first UTC day to export, YYYY-MM-DD or YYYYMMDD')
      .option('-u, --until <date>', 'last UTC day to export, YYYY-MM-DD or YYYYMMDD')
      .option('--no-import', 'export the ledger as it is, without importing new transcripts first')
      .option('-j, --json', 'print the summary as JSON')
      .action(async (opts) => setExit(await (await import('./commands/export-jsonl.js')).runExport(opts)));
  },
  'import-jsonl': (program, setExit) => {
    ledgerOptions(
      program
        .command('import-jsonl')
        .description(
          'merge a folder written by `export --jsonl` into the ledger (importing it again changes nothing)',
        )
        .argument('<dir>', 'the folder `export --jsonl` wrote'),
    )
      .option('-j, --json', 'print the summary and every bad line as JSON')
      .action(async (dir: string, opts) =>
        setExit(await (await import('./commands/import-jsonl.js')).runImportJsonl(dir, opts)),
      );
  },
  problems: (program, setExit) => {
    ledgerOptions(
      program
        .command('problems')
        .description('list what could not be read from transcripts, as file:line: reason'),
    )
      .option('-j, --json', 'print JSON')
      .option('-n, --limit <n>', 'show at most n problems', '50')
      .action(async (opts) => setExit(await (await import('./commands/problems.js')).runProblems(opts)));
  },
  forget: (program, setExit) => {
    ledgerOptions(
      program
        .command('forget')
        .description(
          'remove what you added by hand (a task, declared telemetry, runs) or a time range of a source',
        ),
    )
      .option('--task <id>', 'a task: it, its spans, estimate, runs and declared telemetry (its usage stays)')
      .addOption(
        new Option('--source <source>', 'only what this source added (with --task: for that task)').choices([
          'claude',
          'run',
          'hook',
          'telemetry',
        ]),
      )
      .option('-s, --since <date>', 'with --source: first day, YYYY-MM-DD or YYYYMMDD (local time)')
      .option('-u, --until <date>', 'with --source: last day, YYYY-MM-DD or YYYYMMDD (local time)')
      .option(
        '-z, --timezone <tz>',
        'IANA time zone of the days (default: config "timezone", else the system zone)',
      )
      .option('--dry-run', 'show what would go, change nothing (the default)')
      .option('-y, --yes', 'forget it')
      .option('--no-import', 'do not import new transcripts first')
      .option('-j, --json', 'print JSON only')
      .addHelpText(
        'after',
        `
Sources: claude = API calls imported from Claude Code transcripts (by import, reports, hooks or run);
run = what \`tokenledger run\` recorded (Claude Code's own figures, and its sessions' task); hook = the
task and stage hooks gave sessions; telemetry = usage declared with \`tokenledger record\` or MCP.

A forgotten task's captured usage stays in the ledger, attributed to whatever else covers it (often
no task); its declared telemetry goes. Forgotten API calls are remembered, so neither a later import
(a rewritten transcript) nor import-jsonl brings them back; forgotten tasks, spans, runs and
declarations are skipped by import-jsonl too, until you declare the task again by hand.

Examples:
  tokenledger forget --task T-12                       what would go (a dry run)
  tokenledger forget --task T-12 --yes                 forget the task
  tokenledger forget --source telemetry --yes          all declared telemetry
  tokenledger forget --source claude --since 2026-11-01 --until 2026-11-02 --yes`,
      )
      .action(async (opts) => setExit(await (await import('./commands/forget.js')).runForget(opts)));
  },
  status: (program, setExit) => {
    ledgerOptions(
      program
        .command('status')
        .description('where tokenledger reads and keeps data, and what the ledger holds'),
    )
      .option('-j, --json', 'print JSON')
      .action(async (opts) => setExit(await (await import('./commands/status.js')).runStatus(opts)));
  },
  anomalies: (program, setExit) => {
    ledgerOptions(
      program
        .command('anomalies')
        .description(
          'usage far above its baseline (tasks, stages, sessions, days, turn counts) and leaks (growing context, a cache that keeps expiring), with evidence (imports new transcripts first)',
        ),
    )
      .option('-j, --json', 'print JSON only')
      .option('--no-import', 'do not import new transcripts first')
      .option('-s, --since <date>', 'first day to flag, YYYY-MM-DD or YYYYMMDD (local time)')
      .option('-u, --until <date>', 'last day to flag (default: today)')
      .option('-d, --days <n>', 'flag the last n days, today included (default 7; ignored with --since)')
      .option('--baseline-days <n>', 'days before those the baselines also draw on (default 28)')
      .option('-p, --project <dir>', 'only usage of this project (its directory, or inside it)')
      .option('--task <id>', 'only flags about this task (its own, its stages, its sessions)')
      .option(
        '-z, --timezone <tz>',
        'IANA time zone of the days (default: config "timezone", else the system zone)',
      )
      .option(
        '--min-score <n>',
        'robust score (MADs × 1.4826 above the median) a value must reach (default 3.5)',
      )
      .option('--min-ratio <n>', 'multiple of the baseline median a value must reach (default 2)')
      .option(
        '--min-baseline <n>',
        'values a baseline needs before anything is judged against it (default 5)',
      )
      .option('--min-requests <n>', 'API calls a session or subagent needs for the leak rules (default 8)')
      .option('--leak-growth <n>', 'context leak: growth of the context from start to end (default 3)')
      .option(
        '--leak-read-share <n>',
        'context leak: cache reads at most this share of the context (default 0.2)',
      )
      .option('--min-rewrites <n>', 'expiring cache: large cache writes of similar size (default 3)')
      .option('--compact', 'compact table: abbreviated numbers, fewer columns')
      .option('--color', 'force colours')
      .option('--no-color', 'no colours')
      .addHelpText(
        'after',
        `
Baselines are robust: the median and the median absolute deviation (MAD) of the same measure over
the flagged days and the baseline days before them. A task is compared with tasks of the same labels
(else all tasks), in tokens per estimated token when it has a token estimate; a stage of a task with
the same stage of other tasks; a session with sessions of its main model (else all); a day with the
other days that had usage. A value is flagged when it is both --min-ratio times the median and
--min-score robust deviations above it. Runaway turns compare API calls per task and per session.
Leaks are read from the API calls of each session and subagent: a context that grows call over call
(--leak-growth) while cache reads stay a small share of it (--leak-read-share), and large cache
writes of similar size made again and again (--min-rewrites) with at least as much written to the
cache as read from it. Each flag lists its evidence: the records (dedup keys, times, token counts),
sessions and tasks, the baseline (median, MAD, n, what it was grouped by) and how far off it is.

Examples:
  tokenledger anomalies                        the last 7 days
  tokenledger anomalies --days 30 --json
  tokenledger anomalies --task T-12 --since 2026-11-01`,
      )
      .action(async (opts) => setExit(await (await import('./commands/anomalies.js')).runAnomalies(opts)));
  },
} satisfies Record<string, RegisterCommand>;
