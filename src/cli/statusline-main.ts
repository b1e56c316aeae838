/**
 * `tokenledger statusline`: the command Claude Code runs to draw its status line (settings.json
 * `"statusLine": {"type": "command", "command": "… tokenledger statusline"}`). It reads the status
 * JSON on stdin and prints one line: the session's cost, the active task's cost against its estimate,
 * and today's total. Its own entry point, like `hook`, so it starts fast; it always exits 0, and on
 * bad input prints a short note instead of a blank line.
 * @module
 */
import os from 'node:os';
import { loadConfig } from '../config/config.js';
import { ledgerPath } from '../config/paths.js';
import { openLedger } from '../ledger/open-ledger.js';
import { createPricer } from '../pricing/create-pricer.js';
import { parseStatusInput } from './statusline/status-input.js';
import { formatStatus, statusFigures } from './statusline/status-line.js';

export const STATUSLINE_HELP = `Usage: tokenledger statusline [--db PATH] [--config PATH]

For Claude Code's status line: reads the status JSON on stdin and prints one line with the session's
cost, the active task's cost against its estimate, and today's total, from the ledger. Add to
~/.claude/settings.json:

  "statusLine": { "type": "command", "command": "'<node>' '<path>/bin/tokenledger.js' statusline" }

(\`tokenledger hooks status\` shows this install's hook command: use it with \`statusline\` in
place of \`hook\`.)
`;

const MAX_STDIN = 1 << 20;

function readStdin(): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => resolve(Buffer.concat(chunks).toString('utf8')), 2_000);
    process.stdin.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_STDIN) chunks.push(c);
    });
    process.stdin.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    process.stdin.on('error', () => {
      clearTimeout(timer);
      resolve('');
    });
  });
}

function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === name) return argv[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}

function write(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}

export async function statuslineMain(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    await write(STATUSLINE_HELP);
    return 0;
  }
  if (process.stdin.isTTY) {
    await write(
      "tokenledger statusline reads Claude Code's status JSON on stdin; see `tokenledger statusline --help`.\n",
    );
    return 0;
  }
  let line: string;
  try {
    const input = parseStatusInput(await readStdin());
    const { config } = await loadConfig(flagValue(argv, '--config'));
    const store = openLedger(ledgerPath(flagValue(argv, '--db')), { busyTimeoutMs: 200 });
    try {
      const figures = await statusFigures(store, input, {
        pricer: createPricer(config.pricing?.overrides),
        stageMap: config.stages ?? {},
        origin: { machine: config.machine ?? os.hostname(), user: config.user ?? os.userInfo().username },
        ...(config.overrunMultiple === undefined ? {} : { overrunMultiple: config.overrunMultiple }),
      });
      line = formatStatus(input, figures);
    } finally {
      await store.close();
    }
  } catch (error) {
    line = `tokenledger: ${(error as Error).message.split('\n')[0]?.slice(0, 120)}`;
  }
  await write(`${line}\n`);
  return 0;
}
