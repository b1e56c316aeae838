/**
 * `tokenledger record [FILE|-]`: the usage-tracker telemetry format from the command line. Reads one
 * telemetry request (JSON) from FILE or stdin, records it, and prints its JSON answer on stdout; notes go
 * to stderr. Exit code 0 when recorded (or spooled) or reported, 1 for an invalid request.
 * @module
 */
import fs from 'node:fs';
import { recordUsage } from '../../app/record-usage.js';
import { DEFAULT_MAX_BYTES } from '../../capture/telemetry/telemetry-request.js';
import { errorResponse } from '../../capture/telemetry/telemetry-response.js';
import { ExitCode } from '../../util/errors.js';
import { writeErr, writeJson } from '../io.js';

export interface RecordOptions {
  db?: string;
  config?: string;
  root?: string;
}

/** Reads the payload, at most one byte over the limit (the parser names the limit). */
function readPayload(file: string | undefined): { text: string } | { error: string } {
  const source = file === undefined || file === '-' ? 0 : file;
  const name = source === 0 ? 'stdin' : file;
  try {
    if (source === 0 && process.stdin.isTTY === true) {
      return {
        error:
          'no telemetry on stdin: pipe a JSON request in, or pass a FILE (see `tokenledger record --help`)',
      };
    }
    const fd = source === 0 ? 0 : fs.openSync(source, 'r');
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      const buf = Buffer.alloc(1 << 16);
      for (;;) {
        let n: number;
        try {
          n = fs.readSync(fd, buf, 0, buf.length, null);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          throw error;
        }
        if (n === 0) break;
        chunks.push(Buffer.from(buf.subarray(0, n)));
        total += n;
        if (total > DEFAULT_MAX_BYTES) break;
      }
      return { text: Buffer.concat(chunks).toString('utf8') };
    } finally {
      if (fd !== 0) fs.closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { error: `cannot read ${name} (${code}): pass a readable JSON file, or - for stdin` };
  }
}

export async function runRecord(file: string | undefined, opts: RecordOptions): Promise<number> {
  const payload = readPayload(file);
  if ('error' in payload) {
    await writeJson(errorResponse(payload.error));
    writeErr(`tokenledger: ${payload.error}\n`);
    return ExitCode.usage;
  }
  const result = await recordUsage(payload.text, {
    ...(opts.db === undefined ? {} : { ledger: opts.db }),
    ...(opts.config === undefined ? {} : { config: opts.config }),
    ...(opts.root === undefined ? {} : { root: opts.root }),
  });
  for (const w of result.warnings) writeErr(`tokenledger: ${w}\n`);
  if (result.response.status === 'error') writeErr(`tokenledger: ${result.response.reason}\n`);
  await writeJson(result.response);
  return result.exitCode;
}
