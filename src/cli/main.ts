/**
 * The `tokenledger` command line: parses the arguments (src/cli/program.ts) and runs the command,
 * turning errors into messages and exit codes.
 * @module
 */
import { CommanderError } from 'commander';
import { ExitCode, UserError } from '../errors.js';
import { timing } from '../util/timing.js';
import { writeErr } from './io.js';
import { buildProgram, COMMAND_NAMES, type CommandName } from './program.js';

/** Runs the CLI and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  timing('start');
  let code: number = ExitCode.ok;
  const first = argv[0];
  const known = (COMMAND_NAMES as readonly string[]).includes(first ?? '');
  if (first !== undefined && !first.startsWith('-') && !known) {
    writeErr(
      `tokenledger: unknown command "${first}". Commands: ${COMMAND_NAMES.join(', ')} (run with --help for usage).\n`,
    );
    return ExitCode.usage;
  }
  const program = buildProgram(
    (c) => {
      code = c;
    },
    known ? (first as CommandName) : undefined,
  );
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
