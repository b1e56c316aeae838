/**
 * The telemetry spool: where a declaration waits when the ledger is locked or failing, so that
 * recording never blocks (seed 000 9.1) and nothing is lost. One JSON file per call in
 * `<ledger file>.spool/`, written atomically; the next call that reaches the ledger claims the
 * files (by renaming them, so two processes never apply one twice at once), applies them in order
 * and deletes them. Applying a declaration twice is harmless: declarations merge idempotently.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TelemetryRequest } from '../capture/telemetry/telemetry-request.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface SpoolItem {
  version: 1;
  receivedAt: number;
  project: string | null;
  /** Why it was spooled (the ledger's error), for the error log once it is applied. */
  reason: string;
  request: TelemetryRequest;
}

/** A claim older than this belongs to a process that died: it is taken over. */
const STALE_CLAIM_MS = 10 * 60_000;

export function spoolDirOf(ledgerFile: string): string {
  return `${ledgerFile}.spool`;
}

/** Writes one item; returns its file. Throws when the spool cannot be written either. */
export function writeSpool(dir: string, item: SpoolItem): string {
  const name = `${String(item.receivedAt).padStart(15, '0')}-${process.pid}-${Math.random().toString(36).slice(2, 10)}.json`;
  const file = path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(item)}\n`);
  return file;
}

function isSpoolItem(value: unknown): value is SpoolItem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    typeof v.receivedAt === 'number' &&
    typeof v.reason === 'string' &&
    typeof v.request === 'object' &&
    v.request !== null
  );
}

export interface ClaimedItem {
  /** The claimed file: delete it with {@link releaseSpoolItem} once applied. */
  file: string;
  item: SpoolItem;
}

/** Files waiting in the spool, oldest first (names start with the time they arrived). */
export function pendingSpoolFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const now = Date.now();
  return names
    .filter((n) => {
      if (n.endsWith('.json')) return true;
      if (!/\.json\.claimed-\d+$/.test(n)) return false;
      try {
        return now - fs.statSync(path.join(dir, n)).mtimeMs > STALE_CLAIM_MS;
      } catch {
        return false;
      }
    })
    .sort()
    .map((n) => path.join(dir, n));
}

/**
 * Claims the waiting items. A file that is not a spool item is moved aside as `*.bad` (and
 * reported through `onBad`), never applied and never deleted.
 */
export function claimSpool(dir: string, onBad: (file: string, reason: string) => void): ClaimedItem[] {
  const out: ClaimedItem[] = [];
  for (const file of pendingSpoolFiles(dir)) {
    const claimed = `${file.replace(/\.claimed-\d+$/, '')}.claimed-${process.pid}`;
    try {
      fs.renameSync(file, claimed);
      fs.utimesSync(claimed, new Date(), new Date());
    } catch {
      continue; // another process claimed it first
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(claimed, 'utf8'));
    } catch (error) {
      parsed = error;
    }
    if (isSpoolItem(parsed)) out.push({ file: claimed, item: parsed });
    else {
      const bad = `${claimed}.bad`;
      fs.renameSync(claimed, bad);
      onBad(bad, 'not a tokenledger spool item');
    }
  }
  return out;
}

/** Deletes an applied item. */
export function releaseSpoolItem(file: string): void {
  fs.rmSync(file, { force: true });
}

/** Puts a claimed item back for a later call (applying it failed). */
export function returnSpoolItem(file: string): void {
  try {
    fs.renameSync(file, file.replace(/\.claimed-\d+$/, ''));
  } catch {
    // It stays claimed; after STALE_CLAIM_MS any process takes it over.
  }
}
