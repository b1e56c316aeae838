/**
 * Collects imported files and writes them to the ledger in batches, one transaction per batch. The
 * same code runs in-process and inside each import worker.
 * @module
 */
import type { FileImport } from '../capture/types.js';
import type { SharedMutex } from '../util/shared-mutex.js';
import type { LedgerStore } from './store.js';
import type { ImportOrigin } from './usage-repository.js';

/**
 * What one file adds to the run's totals once read, and what a batch write added (`added`,
 * `forgotten`: known only when the batch is written, so they come with the file that filled it, or
 * with the final flush).
 */
export interface FileProgress {
  files: number;
  bytes: number;
  records: number;
  problems: number;
  added: number;
  forgotten: number;
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
    const written =
      this.#records >= BATCH_RECORDS || this.#batch.length >= BATCH_FILES ? await this.flush() : null;
    return {
      files: 1,
      bytes: file.bytesRead,
      records: file.records.length,
      problems: file.problems.length,
      added: written?.added ?? 0,
      forgotten: written?.forgotten ?? 0,
    };
  }

  /** Writes the batch; what it wrote, as progress of no file. */
  async flush(): Promise<FileProgress> {
    const done: FileProgress = { files: 0, bytes: 0, records: 0, problems: 0, added: 0, forgotten: 0 };
    if (this.#batch.length === 0) return done;
    const batch = this.#batch;
    this.#batch = [];
    this.#records = 0;
    const write = () => this.#store.writeFiles(batch, this.#origin);
    const counts = this.#mutex === null ? await write() : await this.#mutex.with(write);
    return { ...done, ...counts };
  }
}
