/**
 * `tokenledger statusline`: the command Claude Code runs to draw its status line (settings.json
 * `"statusLine": {"type": "command", "command": "… tokenledger statusline"}`). It reads the status
 * JSON on stdin and prints one line: the session's cost, the active task's cost against its estimate,
 * and today's total. Its own entry point, like `hook`, so it starts fast; it always exits 0, and on
 * bad input prints a short note instead of a blank line.
 * @module
 */
import { statusLineFigures } from '../app/status-figures.js';
import { parseStatusInput } from '../capture/claude/status-input.js';
import { budgetBadge } from '../outputs/budget-message.js';
import { readStdin, writeFd } from './read-stdin.js';
import { formatStatus } from './statusline/status-line.js';

export const STATUSLINE_HELP = `Usage: tokenledger statusline [--db PATH] [--config PATH]

For Claude Code's status line: reads the status JSON on stdin and prints one line with the session's
cost, the active task's cost against its estimate, today's total, and each budget at 50% or more of
its limit, from the ledger. Add to
~/.claude/settings.json:

  "statusLine": { "type": "command", "command": "NODE_EXTRA_CA_CERTS= '<node>' '<path>/bin/tokenledger.js' statusline" }

\`tokenledger hooks status\` prints this line with this install's paths. (NODE_EXTRA_CA_CERTS= spares
the process the ~45 ms Node 20 spends parsing certificates at start when that variable is set; the
status line opens no network connection.)
`;

const MAX_STDIN = 1 << 20;

function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === name) return argv[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}

export async function statuslineMain(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    writeFd(1, STATUSLINE_HELP);
    return 0;
  }
  let line: string;
  try {
    const stdin = readStdin(MAX_STDIN);
    if (stdin.kind === 'terminal') {
      writeFd(
        1,
        "tokenledger statusline reads Claude Code's status JSON on stdin; see `tokenledger statusline --help`.\n",
      );
      return 0;
    }
    if (stdin.kind === 'too-large') throw new Error('statusline input is over 1 MiB');
    const input = parseStatusInput(stdin.text);
    const figures = await statusLineFigures(input, {
      db: flagValue(argv, '--db'),
      config: flagValue(argv, '--config'),
    });
    line = [formatStatus(input, figures), ...figures.budgets.map(budgetBadge)].join(' · ');
  } catch (error) {
    line = `tokenledger: ${(error as Error).message.split('\n')[0]?.slice(0, 120)}`;
  }
  writeFd(1, `${line}\n`);
  return 0;
}
