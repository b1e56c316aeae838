/**
 * Import worker thread: takes Claude transcript files from the shared job list, parses them and
 * writes them to the ledger itself (its own connection), posting only progress back.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ClaudeFileJob, importClaudeFile } from '../capture/claude/file-importer.js';
import type { LedgerLocation } from '../config/ledger-location.js';
import { SharedMutex } from '../util/shared-mutex.js';
import { type PoolWorkerData, takeJob } from '../util/worker-pool.js';
import { BatchWriter, type FileProgress } from './batch-writer.js';
import { openLedger } from './open-ledger.js';
import type { ImportOrigin } from './usage-repository.js';

export interface ImportWorkerExtra {
  /** The ledger to open a connection to (the importing store's `at`). */
  ledger: LedgerLocation;
  origin: ImportOrigin;
  mutex: SharedArrayBuffer;
}

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const data = workerData as PoolWorkerData<ClaudeFileJob, ImportWorkerExtra>;
  const store = await openLedger(data.extra.ledger, { bulk: true });
  try {
    const writer = new BatchWriter(store, data.extra.origin, new SharedMutex(data.extra.mutex));
    for (let job = takeJob(data); job !== undefined; job = takeJob(data)) {
      const progress: FileProgress = await writer.add(importClaudeFile(job));
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
