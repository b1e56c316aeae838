/**
 * The retry queue of hook calls that failed (seed 000 §8.1 "attempt recovery on next call"): the
 * call's pointers and context (identifiers and paths only, never prompt text), one JSON file each
 * under `<data dir>/spool/`. The next hook call claims a few (an atomic rename, so two processes
 * never replay the same one), replays them, and deletes them or puts them back.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HookInput } from '../../capture/claude/hook-input.js';
import type { AttributionContext } from '../../capture/context/attribution-context.js';

export interface SpooledHook {
  version: 1;
  /** When the original call happened (its spans start then). */
  at: number;
  input: HookInput;
  context: AttributionContext;
  error: string;
  attempts: number;
}

export interface ClaimedHook {
  file: string;
  record: SpooledHook;
}

const STALE_CLAIM_MS = 120_000;

function spoolDir(home: string): string {
  return path.join(home, 'spool');
}

export function spoolHook(home: string, record: SpooledHook): string | null {
  try {
    const dir = spoolDir(home);
    fs.mkdirSync(dir, { recursive: true });
    const name = `hook-${record.at}-${process.pid}-${Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0')}.json`;
    const tmp = path.join(dir, `.${name}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(record));
    fs.renameSync(tmp, path.join(dir, name));
    return path.join(dir, name);
  } catch {
    return null;
  }
}

function isSpooled(value: unknown): value is SpooledHook {
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

/** Claims up to `limit` queued calls, oldest first. Unreadable entries are moved aside (`.bad`). */
export function claimSpooled(home: string, limit: number): ClaimedHook[] {
  const dir = spoolDir(home);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith('hook-'));
  } catch {
    return [];
  }
  names.sort();
  const out: ClaimedHook[] = [];
  const now = Date.now();
  for (const name of names) {
    if (out.length >= limit) break;
    let base = name;
    if (name.endsWith('.claimed')) {
      // A claim whose process died (killed at Claude Code's hook timeout): take it over after a while.
      try {
        if (now - fs.statSync(path.join(dir, name)).mtimeMs < STALE_CLAIM_MS) continue;
      } catch {
        continue;
      }
      base = name.replace(/\.\d+\.claimed$/, '');
    } else if (!name.endsWith('.json')) continue;
    const file = path.join(dir, base);
    const claimed = `${file}.${process.pid}.claimed`;
    try {
      fs.renameSync(path.join(dir, name), claimed);
    } catch {
      continue; // another process took it
    }
    try {
      const record: unknown = JSON.parse(fs.readFileSync(claimed, 'utf8'));
      if (!isSpooled(record)) throw new Error('not a spooled hook');
      out.push({ file: claimed, record });
    } catch {
      try {
        fs.renameSync(claimed, `${file}.bad`);
      } catch {
        // leave it
      }
    }
  }
  return out;
}

/** Done with a claimed call: delete it. */
export function dropClaimed(c: ClaimedHook): void {
  try {
    fs.rmSync(c.file, { force: true });
  } catch {
    // nothing to do
  }
}

/** Puts a claimed call back for a later attempt. */
export function releaseClaimed(c: ClaimedHook, error: string): void {
  try {
    const original = c.file.replace(/\.\d+\.claimed$/, '');
    fs.writeFileSync(c.file, JSON.stringify({ ...c.record, error, attempts: c.record.attempts + 1 }));
    fs.renameSync(c.file, original);
  } catch {
    // leave it claimed; a stale claim is picked up by nobody, but it stays on disk for inspection
  }
}
