/**
 * `tokenledger hook`: the command Claude Code runs for each hook event (`tokenledger hooks install`
 * registers it). A separate entry point from the main CLI so it starts fast and so nothing (not even
 * a bad flag) can make it fail: it reads the hook JSON on stdin, does its work within a hard time
 * cap, prints nothing (or one `{"systemMessage": …}` object when a task passes its overrun multiple),
 * and always exits 0. Failures go to `<data dir>/logs/errors-YYYY-MM-DD.md` and `tokenledger problems`,
 * and are retried on the next call.
 * @module
 */

import { appendErrorLog } from '../app/hook/error-log.js';
import {
  DEFAULT_HOOK_TIMEOUT_MS,
  type HookFlags,
  loadHookConfig,
  runHookCall,
} from '../app/hook/run-hook-call.js';
import { dataHome } from '../config/paths.js';
import { readStdin, writeFd } from './read-stdin.js';

const MAX_STDIN_BYTES = 16 << 20;

export const HOOK_HELP = `Usage: tokenledger hook [--db PATH] [--config PATH]

Claude Code runs this for each hook event; it is not meant to be run by hand. It reads the hook's
JSON on stdin, imports the transcript(s) the event points to, attributes the usage to the session's
task, stage and agent, and exits 0 without printing anything (a task past its overrun multiple gets
one {"systemMessage": …} line). It never blocks or fails the agent: errors go to
<data dir>/logs/errors-YYYY-MM-DD.md and \`tokenledger problems\`, and are retried on the next call.

Set it up with \`tokenledger hooks install\`; check it with \`tokenledger hooks status\`.

Options:
  --db PATH       ledger file (default: $TOKENLEDGER_DB, else <data dir>/ledger.db)
  --config PATH   config file (default: $TOKENLEDGER_CONFIG, else ~/.config/tokenledger/config.json)
  -h, --help      show this help
`;

/** Flags we know; anything else is noted in the error log and ignored. */
function parseFlags(argv: readonly string[]): { flags: HookFlags; help: boolean; unknown: string[] } {
  const flags: HookFlags = {};
  const unknown: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    if (name === '-h' || name === '--help') help = true;
    else if (name === '--db' || name === '--config') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') unknown.push(`${name} (no value)`);
      else if (name === '--db') flags.db = value;
      else flags.config = value;
    } else unknown.push(a);
  }
  return { flags, help, unknown };
}

/**
 * The data dir, or null when it cannot be had (`TOKENLEDGER_HOME` is a URL): then there is no error
 * log to write to, and the reason goes to stderr (shown by Claude Code's debug output).
 */
function hookHome(): string | null {
  try {
    return dataHome();
  } catch (error) {
    writeFd(2, `tokenledger hook: ${(error as Error).message}\n`);
    return null;
  }
}

/** Runs the hook and returns once its output is flushed. Never throws; the exit code is always 0. */
export async function hookMain(argv: readonly string[]): Promise<number> {
  const started = Date.now();
  const { flags, help, unknown } = parseFlags(argv);
  if (help) {
    writeFd(1, HOOK_HELP);
    return 0;
  }
  let stdin: ReturnType<typeof readStdin>;
  try {
    stdin = readStdin(MAX_STDIN_BYTES);
  } catch (error) {
    const home = hookHome();
    if (home === null) return 0;
    appendErrorLog(home, {
      kind: 'failure',
      at: started,
      what: 'hook',
      message: `cannot read the hook JSON on stdin: ${(error as Error).message}`,
    });
    return 0;
  }
  if (stdin.kind === 'terminal') {
    writeFd(
      2,
      'tokenledger hook reads a Claude Code hook event as JSON on stdin; Claude Code runs it. Set it up with `tokenledger hooks install` (see `tokenledger hook --help`).\n',
    );
    return 0;
  }
  const home = hookHome();
  if (home === null) return 0;
  // An unusable config is reported by the call itself.
  const config = await loadHookConfig(flags, process.env);
  const timeoutMs =
    ('config' in config ? config.config.hook?.timeoutMs : undefined) ?? DEFAULT_HOOK_TIMEOUT_MS;
  const deadline = started + timeoutMs;
  // The hard cap: whatever is still running then is abandoned (a transaction in flight rolls back,
  // and cursors make the next call pick up where this one stopped).
  const watchdog = setTimeout(() => {
    appendErrorLog(home, {
      kind: 'skipped',
      at: Date.now(),
      what: 'hook',
      message: `stopped at the ${timeoutMs} ms cap (hook.timeoutMs); the next hook call or \`tokenledger import\` finishes the work.`,
    });
    process.exit(0);
  }, timeoutMs);
  try {
    if (unknown.length > 0) {
      appendErrorLog(home, {
        kind: 'failure',
        at: started,
        what: 'hook',
        message: `unknown argument(s) ignored: ${unknown.join(' ')} (see \`tokenledger hook --help\`).`,
      });
    }
    if (stdin.kind === 'too-large') {
      appendErrorLog(home, {
        kind: 'failure',
        at: started,
        what: 'hook',
        message: `hook input is over ${stdin.limit >> 20} MiB; ignored`,
      });
      return 0;
    }
    const out = await runHookCall({
      flags,
      config,
      stdin: stdin.text,
      env: process.env,
      home,
      now: started,
      deadline,
    });
    writeFd(1, out);
  } catch (error) {
    appendErrorLog(home, {
      kind: 'failure',
      at: Date.now(),
      what: 'hook',
      message: `unexpected error (a bug; please report it): ${(error as Error)?.stack ?? String(error)}`,
    });
  } finally {
    clearTimeout(watchdog);
  }
  return 0;
}
