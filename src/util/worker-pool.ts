/**
 * Runs jobs on worker threads that take them from a shared counter. The workers do the whole job
 * (e.g. parse and write) and post only small messages back.
 * @module
 */
import { Worker } from 'node:worker_threads';

/** What a pool worker receives as `workerData`. */
export interface PoolWorkerData<J, E> {
  jobs: readonly J[];
  /** Int32 [next job index]. */
  next: SharedArrayBuffer;
  extra: E;
}

export interface PoolOptions {
  threads: number;
  /** V8 young-generation limit per worker: parsing makes short-lived garbage; a big nursery only costs memory. */
  youngGenerationMb?: number;
}

/** Starts the workers, forwards their messages to `onMessage`, and resolves when all have exited. */
export async function runPool<J, E, M>(
  workerFile: URL,
  jobs: readonly J[],
  extra: E,
  options: PoolOptions,
  onMessage: (message: M) => void,
): Promise<void> {
  const next = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const workerData: PoolWorkerData<J, E> = { jobs, next, extra };
  const count = Math.max(1, Math.min(options.threads, jobs.length));
  const resourceLimits = { maxYoungGenerationSizeMb: options.youngGenerationMb ?? 8 };
  const workers = Array.from({ length: count }, () => new Worker(workerFile, { workerData, resourceLimits }));
  let failure: unknown = null;
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          w.on('message', (m: M) => onMessage(m));
          w.on('error', (error) => {
            failure ??= error;
            // Stop the others: no point finishing an import that will be reported as failed.
            Atomics.store(new Int32Array(next), 0, jobs.length);
          });
          w.on('exit', (code) => {
            if (code !== 0) failure ??= new Error(`a worker thread exited with code ${code}`);
            resolve();
          });
        }),
    ),
  );
  if (failure !== null) throw failure;
}

/** Worker side: the next job, or undefined when none are left. */
export function takeJob<J, E>(data: PoolWorkerData<J, E>): J | undefined {
  const i = Atomics.add(new Int32Array(data.next), 0, 1);
  return i < data.jobs.length ? data.jobs[i] : undefined;
}
