/**
 * A mutex in shared memory for threads of one process: waiting threads sleep and wake at once on
 * release (unlike SQLite's busy handler, which polls with growing sleeps).
 * @module
 */

export class SharedMutex {
  readonly #cell: Int32Array;

  /** Pass the same buffer to every thread; `SharedMutex.create()` makes one. */
  constructor(buffer: SharedArrayBuffer) {
    this.#cell = new Int32Array(buffer, 0, 1);
  }

  static create(): SharedMutex {
    return new SharedMutex(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  }

  get buffer(): SharedArrayBuffer {
    return this.#cell.buffer as SharedArrayBuffer;
  }

  lock(): void {
    while (Atomics.compareExchange(this.#cell, 0, 0, 1) !== 0) Atomics.wait(this.#cell, 0, 1);
  }

  unlock(): void {
    Atomics.store(this.#cell, 0, 0);
    Atomics.notify(this.#cell, 0, 1);
  }

  /** Runs `work` holding the lock. */
  async with<T>(work: () => Promise<T>): Promise<T> {
    this.lock();
    try {
      return await work();
    } finally {
      this.unlock();
    }
  }
}
