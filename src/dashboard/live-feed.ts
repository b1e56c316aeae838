/**
 * Live usage: while the dashboard runs, an import of new history (the application layer's import,
 * the same one every report runs first) every few seconds; when it read new usage, every open page
 * is told over server-sent events and fetches its view again.
 * @module
 */
import { importHistory } from '../app/import-history.js';
import type { LedgerSession } from '../app/ledger-session.js';

/** What an open page is told after an import that read new usage. */
export interface LiveEvent {
  /** API calls read (new or merged into ones the ledger held). */
  records: number;
  added: number;
  at: string;
}

type Listener = (e: LiveEvent) => void;

export class LiveFeed {
  readonly #session: LedgerSession;
  readonly #listeners = new Set<Listener>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** The last import's error, shown once on stderr. */
  #lastError = '';

  constructor(session: LedgerSession) {
    this.#session = session;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Imports once now (in this thread: a few new lines do not need workers). */
  async importOnce(): Promise<void> {
    this.#running ??= (async () => {
      try {
        const s = await importHistory(this.#session, { threads: 0 });
        this.#lastError = '';
        if (s.records > 0) {
          const event: LiveEvent = { records: s.records, added: s.added, at: new Date().toISOString() };
          for (const l of this.#listeners) l(event);
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (message !== this.#lastError)
          process.stderr.write(`tokenledger dashboard: import failed: ${message}\n`);
        this.#lastError = message;
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  /** Imports every `seconds` until {@link stop}. */
  start(seconds: number): void {
    this.#timer = setInterval(() => void this.importOnce(), seconds * 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
