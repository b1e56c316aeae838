/**
 * The retry queue of hook calls that failed (seed 000 §8.1 "attempt recovery on next call"): the
 * call's pointers and context (identifiers and paths only, never prompt text), one entry each in
 * `<data dir>/spool/`, named `hook-<time>-…`. The next hook call replays a few (see util/spool.ts
 * for how two processes never replay the same one) and deletes them, or puts them back with the
 * new error.
 * @module
 */
import path from 'node:path';
import type { HookInput } from '../../capture/claude/hook-input.js';
import type { AttributionContext } from '../../capture/context/attribution-context.js';
import { Spool } from '../../util/spool.js';

export interface SpooledHook {
  version: 1;
  /** When the original call happened (its spans start then). */
  at: number;
  input: HookInput;
  context: AttributionContext;
  error: string;
  attempts: number;
}

function isSpooledHook(value: unknown): value is SpooledHook {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<SpooledHook>;
  return (
    r.version === 1 &&
    typeof r.at === 'number' &&
    typeof r.input === 'object' &&
    r.input !== null &&
    typeof r.input.sessionId === 'string' &&
    typeof r.context === 'object' &&
    r.context !== null
  );
}

/** The queue under the data dir `home`. */
export function hookSpool(home: string): Spool<SpooledHook> {
  return new Spool(path.join(home, 'spool'), {
    prefix: 'hook-',
    stamp: (r) => String(r.at),
    isEntry: isSpooledHook,
    // A claim whose process died (killed at Claude Code's hook timeout): taken over after a while.
    staleClaimMs: 120_000,
  });
}
