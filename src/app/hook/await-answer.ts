/**
 * Claude Code writes its transcript through a buffer, so a Stop hook can start before the answer it
 * names is in the file: on a busy machine the Stop hook once found 55 kB of a 200 kB transcript, 80 ms
 * after the answer. Reading only what is there would leave the turn's usage to the next hook
 * (SessionEnd, whose messages nobody sees), and a budget warning with it. So when the event names an
 * answer and the import found no response, or the file's last response asked for a tool (so the answer
 * is yet to come), the hook watches the file and reads what it gains until the answer is there or its
 * time is up.
 * @module
 */
import fs from 'node:fs';
import { responsePending } from '../../capture/claude/response-pending.js';
import type { TargetedImportSummary } from '../import/import-sources.js';

/** How often the file's size is looked at. */
const POLL_MS = 20;

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

/** Adds one import's figures to another's. */
function addSummaries(a: TargetedImportSummary, b: TargetedImportSummary): TargetedImportSummary {
  return {
    filesSeen: Math.max(a.filesSeen, b.filesSeen),
    filesRead: Math.max(a.filesRead, b.filesRead),
    bytesRead: a.bytesRead + b.bytesRead,
    records: a.records + b.records,
    added: a.added + b.added,
    forgotten: a.forgotten + b.forgotten,
    problems: a.problems + b.problems,
    bytesLeft: b.bytesLeft,
    durationMs: a.durationMs + b.durationMs,
  };
}

/**
 * Reads `file` again each time it grows, until the imports found a response and the file's last
 * response is not one that asked for a tool, or `until` (ms since epoch) passes. Returns `first` with
 * what the later reads added.
 */
export async function awaitAnswer(
  file: string,
  until: number,
  first: TargetedImportSummary,
  importAgain: () => Promise<TargetedImportSummary>,
): Promise<TargetedImportSummary> {
  let summary = first;
  let size = sizeOf(file);
  // The file's end is looked at again only when it grew: between polls only its size is.
  let waiting = summary.records === 0 || responsePending(file);
  while (waiting && Date.now() + POLL_MS < until) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const now = sizeOf(file);
    if (now === size) continue;
    size = now;
    summary = addSummaries(summary, await importAgain());
    waiting = summary.records === 0 || responsePending(file);
  }
  return summary;
}
