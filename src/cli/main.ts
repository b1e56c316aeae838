/**
 * The `tokenledger` command line: parses the arguments (src/cli/program.ts) and runs the command,
 * turning errors into messages and exit codes.
 * @module
 */
import { type Command, CommanderError } from 'commander';
import { ExitCode, UserError } from '../util/errors.js';
import { timing } from '../util/timing.js';
import { writeErr } from './io.js';
import { buildProgram, COMMAND_NAMES, type CommandName } from './program.js';
import { didYouMean } from './suggest.js';

/**
 * `help [command [subcommand]]` is `[command [subcommand]] --help`; `help` alone is `--help`.
 * Other arguments are returned as they are.
 */
export function helpArgs(argv: readonly string[]): string[] {
  if (argv[0] !== 'help') return [...argv];
  return [...argv.slice(1).filter((a) => !a.startsWith('-')), '--help'];
}

/** For `help a b`: a message when `a b` is not a command (with the closest ones), else null. */
function unknownSubcommand(program: Command, words: readonly string[]): string | null {
  let cmd = program;
  const path: string[] = [];
  for (const word of words) {
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub === undefined) {
      const names = cmd.commands.map((c) => c.name());
      if (names.length === 0)
        return `"${path.join(' ')}" has no subcommands; run \`tokenledger help ${path.join(' ')}\`.`;
      return `unknown command "${[...path, word].join(' ')}".${didYouMean(word, names)} ${path.length > 0 ? `Commands of ${path.join(' ')}` : 'Commands'}: ${names.join(', ')}.`;
    }
    path.push(word);
    cmd = sub;
  }
  return null;
}

/** Runs the CLI and returns the exit code. */
export async function main(argvIn: readonly string[]): Promise<number> {
  timing('start');
  let code: number = ExitCode.ok;
  const argv = helpArgs(argvIn);
  const first = argv[0];
  const known = (COMMAND_NAMES as readonly string[]).includes(first ?? '');
  if (first !== undefined && !first.startsWith('-') && !known) {
    writeErr(
      `tokenledger: unknown command "${first}".${didYouMean(first, COMMAND_NAMES)} Commands: ${COMMAND_NAMES.join(', ')} (run \`tokenledger help\` for usage).\n`,
    );
    return ExitCode.usage;
  }
  const program = buildProgram(
    (c) => {
      code = c;
    },
    known ? (first as CommandName) : undefined,
  );
  if (argvIn[0] === 'help') {
    const unknown = unknownSubcommand(program, argv.slice(0, -1));
    if (unknown !== null) {
      writeErr(`tokenledger: ${unknown}\n`);
      return ExitCode.usage;
    }
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; parse errors were already printed by commander.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof UserError) {
      writeErr(`tokenledger: ${error.message}\n`);
      return error.exitCode;
    }
    writeErr(
      `tokenledger: unexpected error — this is a bug; please report it with the output below.\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    return ExitCode.internal;
  }
}
