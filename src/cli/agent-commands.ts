/**
 * The commands that work with the agents: the headless wrapper, Claude Code's hooks and status line,
 * the usage-tracker telemetry, the MCP server and the demo. Each command's code is loaded only when
 * it runs.
 * @module
 */
import type { Command } from 'commander';
import { ledgerOptions, type RegisterCommand, VERSION } from './command-options.js';

/** In the order of the help. */
export const AGENT_COMMANDS = {
  run: (program, setExit) => {
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
  },
  hook: (program, setExit) => {
    program
      .command('hook')
      .description('run by Claude Code hooks: import and attribute what the event points to (always exits 0)')
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]')
      .action(async (args: string[]) => setExit(await (await import('./hook-main.js')).hookMain(args)));
  },
  hooks: (program, setExit) => {
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
  },
  statusline: (program, setExit) => {
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
  },
  record: (program, setExit) => {
    ledgerOptions(
      program
        .command('record')
        .description('record usage-tracker telemetry (a JSON request) and print the JSON answer')
        .argument('[file]', 'the JSON request; - or nothing for stdin'),
    )
      .option(
        '--root <dir>',
        'root of the .token-usage/ tree (default: config "tokenUsageRoot", else <project>/.token-usage)',
      )
      .addHelpText(
        'after',
        `
The request (usage-tracker telemetry, JSON): {"mode": "log_only" | "log_and_summarize" | "review_period",
"task_id", "timestamp", "user_request_summary", "entries": [{"agent", "model", "input_tokens",
"output_tokens", "total_tokens", "estimated_cost"}], "days"}. The answer is the only output on
stdout: {"status": "recorded", "task_id", "summary"?}, {"status": "report_generated", "report_path",
"recommendations"} or {"status": "error", "reason"}. Exit code 0 when recorded or reported, 1 for an
invalid request. Declared usage counts in every report unless usage of the same task was captured from
transcripts (captured usage wins). When the ledger is locked, the request waits in a spool next to it.

Example, on a scratch ledger and tree (without --db and --root it goes into your ledger and project):
  echo '{"mode":"log_and_summarize","task_id":"T-12","timestamp":"2026-11-22T14:30:00Z",
    "user_request_summary":"Add login","entries":[{"agent":"build-lead","model":"opus",
    "input_tokens":12000,"output_tokens":3000,"total_tokens":15000,"estimated_cost":0.45}]}' \\
    | tokenledger record --db /tmp/try.db --root /tmp/try-token-usage`,
      )
      .action(async (file: string | undefined, opts) =>
        setExit(await (await import('./commands/record.js')).runRecord(file, opts)),
      );
  },
  files: (program, setExit) => {
    const files = program.command('files').description('the .token-usage/ tree of usage-tracker telemetry');
    ledgerOptions(
      files
        .command('sync')
        .description(
          'write the .token-usage/ tree (task files, daily summaries, error logs, reviews) from the usage in the ledger, captured and declared',
        ),
    )
      .option(
        '--root <dir>',
        'root of the tree (default: config "tokenUsageRoot", else <project>/.token-usage)',
      )
      .option('--all-projects', "every project's usage and tasks, not only this project's")
      .option('-j, --json', 'print a JSON summary')
      .action(async (opts) => setExit(await (await import('./commands/files.js')).runFilesSync(opts)));
  },
  mcp: (program, setExit) => {
    ledgerOptions(
      program
        .command('mcp')
        .description(
          'serve MCP tools on stdio: record_usage, log_task_tokens, query_usage, usage_report, compare, estimate, anomalies, budget_status, review (see docs/MCP.md)',
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
  claude mcp add tokenledger -- tokenledger mcp`,
      )
      .action(async (opts) =>
        setExit(await (await import('./commands/mcp.js')).runMcp({ ...opts, version: VERSION })),
      );
  },
  demo: (program, setExit) => {
    program
      .command('demo')
      .description('fill a separate demo ledger with generated history and show every report on it')
      .option('--reset', 'generate the demo history again')
      .option('--color', 'force colours')
      .option('--no-color', 'no colours')
      .action(async (opts) => setExit(await (await import('./commands/demo.js')).runDemo(opts)));
  },
  dashboard: (program, setExit) => {
    ledgerOptions(
      program
        .command('dashboard')
        .description(
          'a web dashboard of the ledger on 127.0.0.1: overview, tasks, breakdowns, live usage (prints its URL)',
        ),
    )
      .option('-p, --port <port>', 'port on 127.0.0.1 (0 picks a free one)', '0')
      .option('--open', 'open the URL in the default browser')
      .option('--no-import', 'show the ledger as it is: no import of new transcripts, no live updates')
      .option('--refresh-interval <seconds>', 'seconds between the imports that feed live updates', '2')
      .option(
        '-z, --timezone <tz>',
        'IANA time zone for days (default: config "timezone", else the system zone)',
      )
      .action(async (opts) => setExit(await (await import('./commands/dashboard.js')).runDashboard(opts)));
  },
} satisfies Record<string, RegisterCommand>;
