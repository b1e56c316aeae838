import { ExitCode, UserError } from '../util/errors.js';

/** The ledger cannot be opened, migrated or written. */
export class LedgerError extends UserError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.ledger, options);
    this.name = 'LedgerError';
  }
}
