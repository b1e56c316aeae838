/**
 * A buffered writer of one synthetic transcript file, counting its bytes and lines.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';

export class FileSink {
  readonly #fd: number;
  #buf: string[] = [];
  #pending = 0;
  bytes = 0;
  lines = 0;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#fd = fs.openSync(file, 'w');
  }

  line(text: string): void {
    this.#buf.push(text, '\n');
    const n = Buffer.byteLength(text) + 1;
    this.#pending += n;
    this.bytes += n;
    this.lines += 1;
    if (this.#pending > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.#buf.length === 0) return;
    fs.writeSync(this.#fd, this.#buf.join(''));
    this.#buf = [];
    this.#pending = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.#fd);
  }
}
