/**
 * Import worker thread: takes transcript files of any source from the shared job list, parses them
 * with their source's format and writes them to the ledger itself (its own connection), posting
 * only progress back.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type FileJob, importFile } from '../../capture/file-import/import-file.js';
import type { LedgerLocation } from '../../config/ledger-location.js';
import { openLedger } from '../../ledger/open-ledger.js';
import type { ImportOrigin } from '../../ledger/usage-repository.js';
import { SharedMutex } from '../../util/shared-mutex.js';
import { type PoolWorkerData, takeJob } from '../../util/worker-pool.js';
import { BatchWriter, type FileProgress } from './batch-writer.js';
import { sourceAdapter } from './source-adapters.js';

export interface ImportWorkerExtra {
  /** The ledger to open a connection to (the importing store's `at`). */
  ledger: LedgerLocation;
  origin: ImportOrigin;
  mutex: SharedArrayBuffer;
}

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const data = workerData as PoolWorkerData<FileJob, ImportWorkerExtra>;
  // Awaited: opening a server-backed ledger is asynchronous.
  const store = await openLedger(data.extra.ledger, { bulk: true });
  try {
    // SQLite takes one writer at a time: its writers queue on the mutex. A PostgreSQL server takes
    // them concurrently (row locks in key order, see ledger/postgres/usage-writes.ts), so a worker
    // writes while another parses or writes, instead of waiting for its turn.
    const mutex = data.extra.ledger.kind === 'file' ? new SharedMutex(data.extra.mutex) : null;
    const writer = new BatchWriter(store, data.extra.origin, mutex);
    for (let job = takeJob(data); job !== undefined; job = takeJob(data)) {
      const progress: FileProgress = await writer.add(
        importFile(sourceAdapter(job.source).formatOf(job.path), job),
      );
      port.postMessage(progress);
    }
    port.postMessage(await writer.flush());
  } finally {
    await store.close();
  }
}

if (parentPort !== null) {
  // Rethrown outside the promise, a failure ends the worker with an 'error' event for the pool.
  main(parentPort).catch((error: unknown) =>
    setImmediate(() => {
      throw error;
    }),
  );
}
