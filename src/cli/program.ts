/**
 * The `tokenledger` command tree (commander): every command, its options and help. Each command's
 * code is loaded only when that command runs, so the common report path stays fast to start.
 * @module
 */
import { Command, Option } from 'commander';
import { writeErr } from './io.js';

export const VERSION = '0.1.0';

/** The top-level commands, in the order of the help. */
export const COMMAND_NAMES = [
  'daily',
  'weekly',
  'monthly',
  'session',
  'report',
  'task',
  'variance',
  'attribute',
  'import',
  'export',
  'import-jsonl',
  'problems',
  'status',
  'run',
  'hook',
  'hooks',
  'statusline',
  'record',
  'files',
  'mcp',
  'demo',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Options every ledger-reading command accepts. */
function ledgerOptions(cmd: Command): Command {
  return cmd
    .option('--db <path>', 'ledger file to use (default: $TOKENLEDGER_DB, else <data dir>/ledger.db)')
    .option(
      '--config <path>',
      'config file (default: $TOKENLEDGER_CONFIG, else ~/.config/tokenledger/config.json)',
    );
}

/** Options every usage report accepts. */
function reportOptions(cmd: Command): Command {
  return ledgerOptions(cmd)
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
    .addOption(
      new Option('-m, --mode <mode>', 'cost: auto (reported if any, else calculated), calculate, display')
        .choices(['auto', 'calculate', 'display'])
        .default('auto'),
    )
    .addOption(new Option('-o, --order <order>', 'sort order').choices(['asc', 'desc']))
    .option('-b, --breakdown', 'show a row per model under each row')
    .option('-p, --project <path>', 'only this project (its working directory)')
    .option('--color', 'force colours')
    .option('--no-color', 'no colours (NO_COLOR=1 does the same)');
}

/**
 * The command line's parser. With `only` (the command about to run), just that command is built:
 * building all of them costs a few milliseconds of a report that takes under 100. Help, the bare
 * command and unknown words get the whole tree.
 */
export function buildProgram(setExit: (code: number) => void, only?: CommandName): Command {
  const wants = (name: CommandName) => only === undefined || only === name;
  const program = new Command('tokenledger')
    .description(
      'A durable, attributable ledger of what AI coding agents spend in tokens and dollars.\nRun without a command to import new Claude Code history and see today and this month.',
    )
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    // Options before a command belong to the bare command; after it, to that command.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => writeErr(s) });

  ledgerOptions(program)
    .option('--no-import', 'do not import new transcripts first')
    .option('-j, --json', 'print JSON only')
    .option('-z, --timezone <tz>', 'IANA time zone (default: config "timezone", else the system zone)')
    .option('--color', 'force colours')
    .option('--no-color', 'no colours')
    .action(async (opts) => setExit(await (await import('./commands/summary.js')).runSummary(opts)));

  for (const [name, period, about] of [
    ['daily', 'day', 'usage by day'],
    ['weekly', 'week', 'usage by week'],
    ['monthly', 'month', 'usage by month'],
  ] as const) {
    if (!wants(name)) continue;
    const cmd = reportOptions(program.command(name).description(`${about} (imports new transcripts first)`));
    if (period === 'week') {
      cmd.addOption(
        new Option('-w, --start-of-week <day>', 'first day of the week')
          .choices(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'])
          .default('sunday'),
      );
    }
    cmd.action(async (opts) => setExit(await (await import('./commands/period.js')).runPeriod(period, opts)));
  }

  if (wants('session')) {
    reportOptions(program.command('session').description('usage by session (imports new transcripts first)'))
      .option('-i, --id <session>', 'only this session')
      .action(async (opts) => setExit(await (await import('./commands/session.js')).runSession(opts)));
  }

  if (wants('report')) {
    reportOptions(
      program
        .command('report')
        .description(
          'usage grouped by any dimensions, e.g. --by project,branch (imports new transcripts first)',
        )
        .requiredOption(
          '--by <dims>',
          'comma-separated: day, week, month, session, project, branch, agent, agent-id, model, machine, user',
        ),
    )
      .addOption(
        new Option('-w, --start-of-week <day>', 'first day of the week, for --by week')
          .choices(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'])
          .default('sunday'),
      )
      .option('--session <id>', 'only this session')
      .action(async (opts) => setExit(await (await import('./commands/report.js')).runReport(opts)));
  }

  if (wants('task')) {
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
      .option('--estimate <value...>', 'tokens (40k, 1.2M) and/or dollars ($2.50)')
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
    taskOpts(
      task
        .command('show')
        .description('what a task (and its subtree) cost, by stage, agent and model, against its estimate')
        .argument('<id>'),
    )
      .option('--no-import', 'do not import new transcripts first')
      .action(async (id, opts) => setExit(await (await import('./commands/task.js')).runTaskShow(id, opts)));
    taskOpts(task.command('list').description('tasks with their actual usage and estimates'))
      .option('--active', 'only active tasks')
      .option('--no-import', 'do not import new transcripts first')
      .action(async (opts) => setExit(await (await import('./commands/task.js')).runTaskList(opts)));
    taskOpts(
      task
        .command('estimate')
        .description('set a task estimate: tokens (40k) and/or dollars ($2.50)')
        .argument('<id>')
        .argument('<values...>'),
    ).action(async (id, values, opts) =>
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
  }

  if (wants('variance')) {
    ledgerOptions(
      program
        .command('variance')
        .description('estimates against actuals, per task and per group (e.g. --by label:category)'),
    )
      .option('--by <group>', 'label:KEY or parent')
      .option('-j, --json', 'print JSON')
      .option('--no-import', 'do not import new transcripts first')
      .action(async (opts) => setExit(await (await import('./commands/variance.js')).runVariance(opts)));
  }

  if (wants('attribute')) {
    ledgerOptions(
      program
        .command('attribute')
        .description('re-apply every attribution span to all usage (e.g. after changing "stages")'),
    )
      .option('-j, --json', 'print JSON')
      .action(async (opts) => setExit(await (await import('./commands/attribute.js')).runAttribute(opts)));
  }

  if (wants('import')) {
    ledgerOptions(program.command('import').description('import new Claude Code history into the ledger now'))
      .option('-j, --json', 'print the import summary as JSON')
      .option('--threads <n>', 'worker threads (default: by the amount to read and the CPU count; 0 = none)')
      .action(async (opts) => setExit(await (await import('./commands/import.js')).runImport(opts)));
  }

  if (wants('export')) {
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
  }

  if (wants('import-jsonl')) {
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
  }

  if (wants('problems')) {
    ledgerOptions(
      program
        .command('problems')
        .description('list what could not be read from transcripts, as file:line: reason'),
    )
      .option('-j, --json', 'print JSON')
      .option('-n, --limit <n>', 'show at most n problems', '50')
      .action(async (opts) => setExit(await (await import('./commands/problems.js')).runProblems(opts)));
  }

  if (wants('status')) {
    ledgerOptions(
      program
        .command('status')
        .description('where tokenledger reads and keeps data, and what the ledger holds'),
    )
      .option('-j, --json', 'print JSON')
      .action(async (opts) => setExit(await (await import('./commands/status.js')).runStatus(opts)));
  }

  if (wants('run')) {
    ledgerOptions(
      program
        .command('run')
        .description(
          'run a headless agent (e.g. claude -p) with its output untouched, and record its usage against a task',
        )
        .argument('<command...>', 'the command and its arguments, after --'),
    )
      .option('--task <id>', 'the task the run works on (default: $TOKENLEDGER_TASK, else the active task)')
      .option('--stage <stage>', 'workflow stage of the run (default: $TOKENLEDGER_STAGE)')
      .option('--estimate <value...>', "set the task's estimate: tokens (40k) and/or dollars ($2.50)")
      .option('--label <k=v...>', 'labels for the run, e.g. category=tooling')
      .option('--parent <id>', 'the plan or section the task belongs to (created if new)')
      .option('--title <title>', "the task's title")
      .option('-q, --quiet', 'no running-total line on stderr')
      .passThroughOptions()
      .addHelpText(
        'after',
        `
  The command's stdin, stdout, stderr and exit code pass through unchanged. With --output-format json or
  stream-json, Claude Code's result (cost, per-model usage, turns, API time) is recorded beside the usage
  from the session's transcript; without it, the usage comes from the transcript alone. The task, stage
  and labels are passed to the command as TOKENLEDGER_TASK, TOKENLEDGER_STAGE and TOKENLEDGER_LABELS,
  so hooks inside it attribute the same way.

  Example:
    tokenledger run --task T-3 --parent PLAN-1 --estimate 40k -- claude -p "fix the bug" --output-format json`,
      )
      .action(async (command: string[], opts) =>
        setExit(await (await import('./commands/run.js')).runRun(command, opts)),
      );
  }

  // bin/tokenledger.js runs `hook` through its own entry point before this parser; this entry lists
  // it in the help and serves `main(['hook', …])` callers.
  if (wants('hook')) {
    program
      .command('hook')
      .description('run by Claude Code hooks: import and attribute what the event points to (always exits 0)')
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]')
      .action(async (args: string[]) => setExit(await (await import('./hook-main.js')).hookMain(args)));
  }

  if (wants('hooks')) {
    const hooks = program
      .command('hooks')
      .description('register `tokenledger hook` in Claude Code settings, remove it, or show where it is');
    const hookFileOptions = (cmd: Command) =>
      cmd
        .option(
          '--user',
          'user settings: $CLAUDE_CONFIG_DIR/settings.json, else ~/.claude/settings.json (default)',
        )
        .option(
          '--project',
          '<project>/.claude/settings.json (project: the git work tree of the current dir)',
        )
        .option('--local', '<project>/.claude/settings.local.json (yours only, not committed)')
        .option('--settings <path>', 'this settings file')
        .option('--dry-run', 'show what would change, write nothing')
        .option('-j, --json', 'print JSON');
    hookFileOptions(
      hooks.command('install').description('add the tokenledger hook to a Claude Code settings file'),
    )
      .option('--db <path>', 'the ledger the hook writes to (put into the hook command)')
      .option('--config <path>', 'the config file the hook reads (put into the hook command)')
      .action(async (opts) => setExit(await (await import('./commands/hooks.js')).runHooks('install', opts)));
    hookFileOptions(
      hooks.command('uninstall').description('remove the tokenledger hook from Claude Code settings'),
    )
      .option('--all', 'from user, project and local settings')
      .action(async (opts) =>
        setExit(await (await import('./commands/hooks.js')).runHooks('uninstall', opts)),
      );
    hooks
      .command('status', { isDefault: true })
      .description('where the tokenledger hook is installed, and whether it is current (the default)')
      .option('--settings <path>', 'also this settings file')
      .option('--db <path>', 'compare with the hook command install --db <path> writes')
      .option('--config <path>', 'compare with the hook command install --config <path> writes')
      .option('-j, --json', 'print JSON')
      .action(async (opts) => setExit(await (await import('./commands/hooks.js')).runHooks('status', opts)));
  }

  if (wants('statusline')) {
    program
      .command('statusline')
      .description("print one status line for Claude Code's statusLine setting (session, task, today)")
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]')
      .action(async (args: string[]) =>
        setExit(await (await import('./statusline-main.js')).statuslineMain(args)),
      );
  }

  if (wants('record')) {
    ledgerOptions(
      program
        .command('record')
        .description('record seed 000 usage telemetry (a JSON request) and print the JSON answer')
        .argument('[file]', 'the JSON request; - or nothing for stdin'),
    )
      .option(
        '--root <dir>',
        'root of the .token-usage/ tree (default: config "tokenUsageRoot", else <project>/.token-usage)',
      )
      .addHelpText(
        'after',
        `
  The request follows seed 000 (section 4.1): {"mode": "log_only" | "log_and_summarize" | "review_period",
  "task_id", "timestamp", "user_request_summary", "entries": [{"agent", "model", "input_tokens",
  "output_tokens", "total_tokens", "estimated_cost"}], "days"}. The answer (section 5) is the only output on
  stdout: {"status": "recorded", "task_id", "summary"?}, {"status": "report_generated", "report_path",
  "recommendations"} or {"status": "error", "reason"}. Exit code 0 when recorded or reported, 1 for an
  invalid request. Declared usage counts in every report unless usage of the same task was captured from
  transcripts (captured usage wins). When the ledger is locked, the request waits in a spool next to it.

  Example:
    echo '{"mode":"log_and_summarize","task_id":"T-12","timestamp":"2026-11-22T14:30:00Z",
      "user_request_summary":"Add login","entries":[{"agent":"build-lead","model":"opus",
      "input_tokens":12000,"output_tokens":3000,"total_tokens":15000,"estimated_cost":0.45}]}' | tokenledger record`,
      )
      .action(async (file: string | undefined, opts) =>
        setExit(await (await import('./commands/record.js')).runRecord(file, opts)),
      );
  }

  if (wants('files')) {
    const files = program.command('files').description('the seed 000 .token-usage/ tree');
    ledgerOptions(
      files
        .command('sync')
        .description(
          'write the .token-usage/ tree (task files, daily summaries, error logs, reviews) from the ledger',
        ),
    )
      .option(
        '--root <dir>',
        'root of the tree (default: config "tokenUsageRoot", else <project>/.token-usage)',
      )
      .option('--all-projects', 'include tasks declared in every project, not only this one')
      .option('-j, --json', 'print a JSON summary')
      .action(async (opts) => setExit(await (await import('./commands/files.js')).runFilesSync(opts)));
  }

  if (wants('mcp')) {
    ledgerOptions(
      program
        .command('mcp')
        .description(
          'serve MCP tools on stdio: record_usage, log_task_tokens, query_usage, usage_report (see docs/MCP.md)',
        ),
    )
      .option(
        '--root <dir>',
        'root of the .token-usage/ tree record_usage writes (default: config "tokenUsageRoot", else <project>/.token-usage)',
      )
      .option('--no-import', 'tools read the ledger as it is, without importing new transcripts first')
      .addHelpText(
        'after',
        `
  Example (Claude Code):
    claude mcp add tokenledger -- npx tokenledger mcp`,
      )
      .action(async (opts) =>
        setExit(await (await import('./commands/mcp.js')).runMcp({ ...opts, version: VERSION })),
      );
  }

  if (wants('demo')) {
    program
      .command('demo')
      .description('fill a separate demo ledger with generated history and show every report on it')
      .option('--reset', 'generate the demo history again')
      .option('--color', 'force colours')
      .option('--no-color', 'no colours')
      .action(async (opts) => setExit(await (await import('./commands/demo.js')).runDemo(opts)));
  }

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
Exit codes: 0 ok, 1 bad usage, 2 configuration, 3 ledger, 70 internal error.`,
  );
  return program;
}
