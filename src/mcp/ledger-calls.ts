/**
 * How the MCP tools reach the ledger: each call opens it, imports new transcripts first when it
 * reads usage (as the reports do), works, and closes it again, so a long-lived server never holds
 * the ledger or a stale config between calls. Calls run one at a time, in the order they came: two
 * imports at once would only read the same files twice (the ledger itself is safe for many
 * processes, so other `tokenledger` processes may write meanwhile).
 * @module
 */
import { importHistory, importNotes } from '../app/import-history.js';
import { type LedgerSession, openLedgerSession } from '../app/ledger-session.js';
import type { McpServerOptions } from '../app/mcp-server-options.js';

export type { McpServerOptions } from '../app/mcp-server-options.js';

export class LedgerCalls {
  readonly options: McpServerOptions;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: McpServerOptions) {
    this.options = options;
  }

  /** Runs `fn` after every call queued before it has settled. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every queued call has settled. */
  async idle(): Promise<void> {
    for (let tail = this.#tail; ; tail = this.#tail) {
      await tail;
      if (tail === this.#tail) return;
    }
  }

  /** Opens the ledger (importing new transcripts first unless `importFirst` is false), runs `fn`, closes it. */
  withSession<T>(fn: (session: LedgerSession) => Promise<T>, importFirst = true): Promise<T> {
    return this.serial(async () => {
      const session = await openLedgerSession({ db: this.options.db, config: this.options.config });
      try {
        // No progress bar; the import's notes go to stderr, never to stdout (the protocol's).
        if (importFirst && this.options.import !== false) {
          for (const note of importNotes(await importHistory(session))) process.stderr.write(`${note}\n`);
        }
        return await fn(session);
      } finally {
        await session.store.close();
      }
    });
  }
}
