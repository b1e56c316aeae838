/**
 * Output: results go to stdout (and nothing else does); messages, warnings and progress go to
 * stderr. Writes to stdout wait for the pipe to drain before the process may exit.
 * @module
 */

/** Writes `text` to stdout and resolves when it has been handed to the OS. */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

export function writeErr(text: string): void {
  process.stderr.write(text);
}

/** Pretty JSON, one trailing newline. */
export function writeJson(value: unknown): Promise<void> {
  return writeOut(`${JSON.stringify(value, null, 2)}\n`);
}
