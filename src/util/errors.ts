/**
 * Errors a user can act on. They carry a one-line message that names the file, setting or value and
 * says what to do, and the process exit code. Anything else that escapes is a bug.
 * @module
 */

/** Exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  /** A flag or argument has a bad value. */
  usage: 1,
  /** Configuration: a configured Claude dir is missing, a config file is invalid, ... */
  config: 2,
  /** The ledger cannot be opened or written. */
  ledger: 3,
  /** `budget status --fail-over`: a budget has reached its limit. */
  overBudget: 4,
  /** A bug: an unexpected error. */
  internal: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class UserError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue = ExitCode.usage, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}
