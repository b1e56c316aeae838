/**
 * Collects imported files and writes them to the ledger in batches, one transaction per batch. The
 * same code runs in-process and inside each import worker.
 * @module
 */
import type { FileImport } from '../capture/types.js';
import type { SharedMutex } from '../util/shared-mutex.js';
import type { ImportOrigin, LedgerStore } from './store.js';

/** What one written file adds to the run's totals. */
export interface FileProgress {
  files: number;
  bytes: number;
  records: number;
  problems: number;
}

/** Records per transaction: large enough to amortize commits, small enough to bound memory. */
const BATCH_RECORDS = 10_000;
const BATCH_FILES = 500;

export class BatchWriter {
  readonly #store: LedgerStore;
  readonly #origin: ImportOrigin;
  /** Serializes writers of one process (threads), so they never poll SQLite's busy handler. */
  readonly #mutex: SharedMutex | null;
  #batch: FileImport[] = [];
  #records = 0;

  constructor(store: LedgerStore, origin: ImportOrigin, mutex: SharedMutex | null) {
    this.#store = store;
    this.#origin = origin;
    this.#mutex = mutex;
  }

  async add(file: FileImport): Promise<FileProgress> {
    this.#batch.push(file);
    this.#records += file.records.length;
    if (this.#records >= BATCH_RECORDS || this.#batch.length >= BATCH_FILES) await this.flush();
    return { files: 1, bytes: file.bytesRead, records: file.records.length, problems: file.problems.length };
  }

  async flush(): Promise<void> {
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#records = 0;
    const write = () => this.#store.writeFiles(batch, this.#origin);
    if (this.#mutex === null) await write();
    else await this.#mutex.with(write);
  }
}
