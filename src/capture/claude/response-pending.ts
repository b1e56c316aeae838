/**
 * Whether a transcript's last response is still waiting for the next one. Claude Code writes its
 * transcript through a buffer, so when a Stop or SubagentStop hook runs, the file may end with a
 * response that asked for a tool while the turn's final answer is not on disk yet. A response that
 * asked for a tool (`stop_reason: "tool_use"`) cannot end a turn that Claude Code reports as
 * answered. Versions that write no `stop_reason` (null) give no such sign: they never wait.
 * @module
 */
import fs from 'node:fs';

/** How much of the file's end is looked at first, and at most (doubling in between). */
const FIRST_TAIL = 64 * 1024;
const MAX_TAIL = 1024 * 1024;

/** The `stop_reason` of an assistant line, or undefined when the line is not one. */
function stopReasonOf(line: string): string | null | undefined {
  if (!line.includes('"assistant"')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || !('type' in value) || value.type !== 'assistant') {
    return undefined;
  }
  const message = 'message' in value ? value.message : undefined;
  if (typeof message !== 'object' || message === null || !('stop_reason' in message)) return null;
  return typeof message.stop_reason === 'string' ? message.stop_reason : null;
}

/**
 * The stop reason of the last whole assistant line in `text` (undefined: none there). A line cut by
 * the window's start or still being written does not parse, so it is passed over.
 */
function lastStopReason(text: string): string | null | undefined {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const reason = stopReasonOf(lines[i] ?? '');
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/**
 * True when the file's last complete response asked for a tool, so that the answer the turn ended
 * with is still to be written. Missing files, files with no response and responses with no stop
 * reason give false.
 */
export function responsePending(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const size = fs.fstatSync(fd).size;
    for (let tail = FIRST_TAIL; ; tail *= 2) {
      const length = Math.min(size, tail);
      const buf = Buffer.alloc(length);
      fs.readSync(fd, buf, 0, length, size - length);
      const reason = lastStopReason(buf.toString('utf8'));
      if (reason !== undefined) return reason === 'tool_use';
      if (length === size || tail >= MAX_TAIL) return false;
    }
  } finally {
    fs.closeSync(fd);
  }
}
