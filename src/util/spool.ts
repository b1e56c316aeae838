/**
 * A spool: work that waits in a directory until a later process can do it, one JSON file per entry.
 * Its users (the hook's retry queue, the telemetry spool) say what an entry is and how to replay
 * one; the directory protocol is here:
 *
 * - **add**: an entry is written as `<prefix><stamp>-<pid>-<random>.json`, atomically (temp file,
 *   fsync, rename), so a reader sees a whole entry or none. The stamp is the entry's time, so the
 *   names sort oldest first.
 * - **claim**: a process takes an entry by renaming it to `<entry>.claimed-<pid>`. A rename is
 *   atomic: of two processes claiming one entry at once, exactly one succeeds, so no entry is ever
 *   replayed by two. Just before the rename the file's mtime is set to now, so a claim's mtime says
 *   when it was made.
 * - **stale claims**: a claim older than the spool's `staleClaimMs` belongs to a process that died
 *   (killed at a time cap, say); any process takes it over with the same rename. Claims in the
 *   earlier hook queue's form, `<entry>.<pid>.claimed`, are taken over the same way.
 * - **done**: a replayed entry is deleted.
 * - **put back**: an entry that could not be replayed is renamed back to its own name (with new
 *   content, written atomically to the claim first, when the user updates it), for a later process.
 * - **quarantine**: a file with an entry's name that is not valid JSON or not an entry is renamed
 *   to `<entry>.bad`: never replayed and never deleted, left for inspection.
 *
 * Files that start with `.` (temp files) or do not have an entry's name are left alone.
 * @module
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

/** What a spool holds: its users' part. */
export interface SpoolKind<T> {
  /** Every entry's file name starts with this (`''`: every `*.json` in the directory is an entry). */
  prefix: string;
  /** The entry's time, as text that sorts in time order: the name after the prefix starts with it. */
  stamp(entry: T): string;
  /** True for a parsed file that is an entry. */
  isEntry(value: unknown): value is T;
  /** A claim older than this (ms) belongs to a process that died: it is taken over. */
  staleClaimMs: number;
}

/** An entry this process has claimed. */
export interface Claimed<T> {
  /** The entry's own file name (without the claim suffix): the same in every process that sees it. */
  name: string;
  /** The claimed file. */
  file: string;
  entry: T;
}

export interface ClaimOptions {
  /** Claim at most this many entries (default: all). */
  limit?: number;
  /** Told about each file moved aside as `.bad` (unreadable, or not an entry). */
  onBad?: (file: string) => void;
}

const CLAIM = /\.claimed-\d+$/;
/** How the hook queue of earlier versions named its claims. */
const LEGACY_CLAIM = /\.\d+\.claimed$/;

export class Spool<T> {
  readonly dir: string;
  readonly kind: SpoolKind<T>;
  /** Who claims: the process id (a test may act as several processes). */
  readonly #owner: number;

  constructor(dir: string, kind: SpoolKind<T>, owner: number = process.pid) {
    this.dir = dir;
    this.kind = kind;
    this.#owner = owner;
  }

  /** Writes one entry; returns its file. Throws when it cannot be written. */
  add(entry: T): string {
    const name = `${this.kind.prefix}${this.kind.stamp(entry)}-${this.#owner}-${randomBytes(4).toString('hex')}.json`;
    const file = path.join(this.dir, name);
    writeFileAtomic(file, `${JSON.stringify(entry)}\n`);
    return file;
  }

  /** The entry's name in a file name of this spool (an entry or a claim of one), or null. */
  #entryName(fileName: string): string | null {
    if (fileName.startsWith('.') || !fileName.startsWith(this.kind.prefix)) return null;
    const base = fileName.replace(CLAIM, '').replace(LEGACY_CLAIM, '');
    return base.endsWith('.json') && base.length > '.json'.length ? base : null;
  }

  /**
   * Claims waiting entries, oldest first: entries nobody holds, and claims gone stale. A file that is
   * not an entry is moved aside as `<entry>.bad` (and reported to `onBad`).
   */
  claim(options: ClaimOptions = {}): Claimed<T>[] {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: Claimed<T>[] = [];
    for (const fileName of names.sort()) {
      if (out.length >= limit) break;
      const name = this.#entryName(fileName);
      if (name === null) continue;
      const file = path.join(this.dir, fileName);
      const claimed = path.join(this.dir, `${name}.claimed-${this.#owner}`);
      if (!this.#take(file, fileName !== name)) continue;
      try {
        fs.renameSync(file, claimed);
      } catch {
        continue; // another process claimed it first
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(claimed, 'utf8'));
      } catch {
        parsed = undefined;
      }
      if (this.kind.isEntry(parsed)) {
        out.push({ name, file: claimed, entry: parsed });
        continue;
      }
      const bad = path.join(this.dir, `${name}.bad`);
      try {
        fs.renameSync(claimed, bad);
        options.onBad?.(bad);
      } catch {
        // It stays claimed; it is tried again once the claim is stale.
      }
    }
    return out;
  }

  /**
   * Marks `file` as claimed now, before the rename that claims it; false when it may not be taken
   * (a claim not yet stale) or is gone. Setting the mtime first means that a claim is never seen
   * with an old mtime, so no process takes over a claim whose owner is still at work.
   */
  #take(file: string, isClaim: boolean): boolean {
    try {
      if (isClaim && Date.now() - fs.statSync(file).mtimeMs < this.kind.staleClaimMs) return false;
      const now = new Date();
      fs.utimesSync(file, now, now);
      return true;
    } catch {
      return false;
    }
  }

  /** Done with a claimed entry: deletes it. Never throws (a claim left behind is taken over later). */
  done(claim: Claimed<T>): void {
    try {
      fs.rmSync(claim.file, { force: true });
    } catch {
      // nothing to do
    }
  }

  /**
   * Puts a claimed entry back for a later process, as `entry` when given (written atomically
   * first). Never throws: when that fails the entry stays claimed, and is taken over once stale.
   */
  putBack(claim: Claimed<T>, entry?: T): void {
    try {
      if (entry !== undefined) writeFileAtomic(claim.file, `${JSON.stringify(entry)}\n`);
      fs.renameSync(claim.file, path.join(this.dir, claim.name));
    } catch {
      // It stays claimed.
    }
  }
}

export interface ReplayOptions<T> extends ClaimOptions {
  /** Epoch ms: entries not started by then are put back as they are. */
  deadline?: number;
  /** Replays one entry. Throwing stops the replay: this entry and the rest are put back. */
  replay(entry: T, name: string): Promise<void>;
  /** The entry as it goes back after its replay failed with `error` (default: unchanged). */
  requeue?(entry: T, error: unknown): T;
}

/**
 * Claims entries and replays them one at a time, oldest first, deleting each one replayed. When a
 * replay throws, that entry (updated by `requeue`) and the rest are put back and the error is
 * thrown. Returns how many were replayed.
 */
export async function replaySpool<T>(spool: Spool<T>, options: ReplayOptions<T>): Promise<number> {
  const claimed = spool.claim(options);
  let replayed = 0;
  for (const [i, c] of claimed.entries()) {
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      for (const rest of claimed.slice(i)) spool.putBack(rest);
      break;
    }
    try {
      await options.replay(c.entry, c.name);
    } catch (error) {
      spool.putBack(c, options.requeue?.(c.entry, error));
      for (const rest of claimed.slice(i + 1)) spool.putBack(rest);
      throw error;
    }
    spool.done(c);
    replayed++;
  }
  return replayed;
}
